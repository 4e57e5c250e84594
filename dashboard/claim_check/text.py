"""A check's answer for a terminal (the command line's text output)."""

from __future__ import annotations

import textwrap

from dashboard.claim_check.numbers import Check
from dashboard.claim_check.ranking import RANK_SCOPES, RankCheck
from dashboard.claim_check.series import RELATION_LABELS, format_number
from dashboard.figures.claim import VERDICT_LABELS


def as_text(result: Check | RankCheck) -> str:
    """The verdict, the reason and every candidate of the claim's year (or the ranking), for a terminal."""
    if isinstance(result, RankCheck):
        lines = [f"{result.country}, {result.year}: rank {result.rank_claimed}{' or better' if result.top else ''} "
                 f"in {RANK_SCOPES[result.scope][0]}", f"Verdict: {result.verdict} ({VERDICT_LABELS[result.verdict]})",
                 "", *textwrap.wrap(result.explanation, 100), "", "rank  range   country   rate  (95% interval)"]
        lines += [f"{r.rank:>4}  {r.rank_range:<6}  {r.iso3:<7} {r.rate:6.1f}  ({r.lower:.1f}–{r.upper:.1f})"
                  for r in result.ranked]
        return "\n".join(lines)
    lines = [result.claim.describe(), f"Verdict: {result.verdict} ({VERDICT_LABELS[result.verdict]})", "",
             *textwrap.wrap(result.explanation, 100), "",
             f"Series we hold for {result.claim.country} in {result.claim.year}:"]
    for candidate in result.candidates:
        difference = "" if candidate.difference_pct is None else f"{candidate.difference_pct:+.1f}%"
        marker = "*" if candidate == result.matched else " "
        lines.append(f" {marker} {candidate.label[:62]:<62} {format_number(candidate.value, candidate.unit):>9}  "
                     f"{RELATION_LABELS[candidate.relation]:<17} {difference:>8}")
    if not result.candidates:
        lines.append("   none")
    return "\n".join(lines)

