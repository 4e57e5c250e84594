"""A change from the news ("more than doubled in a decade") against the first series that has both years."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from dashboard import catalog as catalog_module
from dashboard import db
from dashboard.claim_check.numbers import Candidate, CheckInputError, candidate_rows, candidates_of, make_claim
from dashboard.claim_check.series import CLOSE_WITHIN, DEFAULT_COUNTS, PREFERENCE, format_number


@dataclass(frozen=True)
class ChangeCheck:
    iso3: str
    country: str
    base_year: int
    year: int
    ratio_claimed: str  # as printed: '2' for "doubled"
    comparison: str  # more_than, about or less_than
    unit: str
    verdict: str
    explanation: str
    ratio: float | None  # the held series' value in `year` over its value in `base_year`
    series: str | None

    @property
    def summary(self) -> str:
        return self.explanation.split(". ", 1)[-1]

    def as_dict(self) -> dict:
        return asdict(self)


COMPARISONS = {"more_than": "more than", "about": "about", "less_than": "less than"}


def check_change(connection: db.Connection, known: catalog_module.Catalog, country: str, base_year: int,
                 year: int, ratio: str, unit: str, comparison: str = "about",
                 counts: str = DEFAULT_COUNTS) -> ChangeCheck:
    """A claim that a series grew by a factor between two years ("more than doubled in a decade": ratio 2,
    more_than), against the first series of the claim's unit that has both years."""
    if comparison not in COMPARISONS:
        raise CheckInputError(f"unknown comparison {comparison!r}; choose one of {', '.join(COMPARISONS)}")
    later = make_claim(known, country, year, ratio, unit, counts)
    earlier = make_claim(known, country, base_year, ratio, unit, counts)
    if earlier.year >= later.year:
        raise CheckInputError(f"the base year must come before the year: {earlier.year}, {later.year}")
    rows = candidate_rows(connection, later.iso3)
    pairs: dict[str, dict[int, Candidate]] = {}
    for claim in (earlier, later):
        for row in rows:
            for candidate in candidates_of(claim, row):
                if candidate.year == claim.year and candidate.relation == "same" and candidate.value is not None:
                    pairs.setdefault(candidate.series, {})[claim.year] = candidate
    both = sorted((found for found in pairs.values() if len(found) == 2 and found[earlier.year].value),
                  key=lambda found: PREFERENCE[found[later.year].series])
    claimed = f"{COMPARISONS[comparison]} {ratio} times"
    if not both:
        return ChangeCheck(later.iso3, later.country, earlier.year, later.year, ratio, comparison, unit, "no_data",
                           f"We hold no series in {later.unit_label} for {later.country} with values in both "
                           f"{earlier.year} and {later.year}, so the change cannot be checked (a missing year is "
                           f"never read as zero).", None, None)
    first, last = both[0][earlier.year], both[0][later.year]
    held = last.value / first.value
    target = float(Decimal(ratio))
    if comparison == "more_than":
        fits, near = held > target, held > target * (1 - float(CLOSE_WITHIN))
    elif comparison == "less_than":
        fits, near = held < target, held < target * (1 + float(CLOSE_WITHIN))
    else:
        fits = near = abs(held - target) <= float(CLOSE_WITHIN) * target
    verdict = "matches" if fits else "close" if near else "contradicts"
    text = (f"Claimed: {later.country}'s {later.unit_label} grew {claimed} from {earlier.year} to {later.year}. "
            f"{first.label}: {format_number(first.value, first.unit)} in {earlier.year}, "
            f"{format_number(last.value, last.unit)} in {later.year}, {held:.2f} times; "
            f"source: {last.source.rstrip('.')}.")
    return ChangeCheck(later.iso3, later.country, earlier.year, later.year, ratio, comparison, unit, verdict, text,
                       held, last.series)

