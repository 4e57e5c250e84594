"""A check's answer for a terminal (the command line's text output), in the language in force."""

from __future__ import annotations

import textwrap

from dashboard import i18n
from dashboard.claim_check.numbers import Check
from dashboard.claim_check.ranking import RANK_SCOPES, RankCheck
from dashboard.claim_check.series import RELATION_LABELS, format_number
from dashboard.figures.claim import verdict_label
from dashboard.i18n import tr


def as_text(result: Check | RankCheck) -> str:
    """The verdict, the reason and every candidate of the claim's year (or the ranking), for a terminal."""
    if isinstance(result, RankCheck):
        claimed = (tr("rank {rank} or better", rank=result.rank_claimed) if result.top
                   else tr("rank {rank}", rank=result.rank_claimed))
        lines = [tr("{country}, {year}: {claimed} in {scope}", country=result.country, year=result.year,
                    claimed=claimed, scope=tr(RANK_SCOPES[result.scope][0])),
                 tr("Verdict: {verdict} ({label})", verdict=result.verdict, label=verdict_label(result.verdict)),
                 "", *textwrap.wrap(result.explanation, 100), "", tr("rank  range   country   rate  (95% interval)")]
        lines += [f"{r.rank:>4}  {r.rank_range:<6}  {r.iso3:<7} {i18n.number(r.rate, 1):>6}  "
                  f"({i18n.number(r.lower, 1)}–{i18n.number(r.upper, 1)})" for r in result.ranked]
        return "\n".join(lines)
    lines = [result.claim.describe(),
             tr("Verdict: {verdict} ({label})", verdict=result.verdict, label=verdict_label(result.verdict)), "",
             *textwrap.wrap(result.explanation, 100), "",
             tr("Series we hold for {country} in {year}:", country=result.claim.country, year=result.claim.year)]
    for candidate in result.candidates:
        difference = "" if candidate.difference_pct is None else i18n.percent(candidate.difference_pct, 1, sign=True)
        marker = "*" if candidate == result.matched else " "
        lines.append(f" {marker} {candidate.label[:62]:<62} {format_number(candidate.value, candidate.unit):>9}  "
                     f"{tr(RELATION_LABELS[candidate.relation]):<17} {difference:>8}")
    if not result.candidates:
        lines.append("   " + tr("none"))
    return "\n".join(lines)
