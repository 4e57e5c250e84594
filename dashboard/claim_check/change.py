"""A change from the news ("more than doubled in a decade") against the first series that has both years."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from dashboard import catalog as catalog_module
from dashboard import db, i18n
from dashboard.claim_check.numbers import (
    Candidate,
    CheckInputError,
    candidate_rows,
    candidates_of,
    make_claim,
    printed,
)
from dashboard.claim_check.series import CLOSE_WITHIN, DEFAULT_COUNTS, PREFERENCE, format_number
from dashboard.i18n import N_, tr


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


COMPARISONS = {"more_than": "more than", "about": "about", "less_than": "less than"}  # the register's words
TIMES = {"more_than": N_("more than {ratio} times"), "about": N_("about {ratio} times"),
         "less_than": N_("less than {ratio} times")}  # a claimed change as the reader reads it


def check_change(connection: db.Connection, known: catalog_module.Catalog, country: str, base_year: int,
                 year: int, ratio: str, unit: str, comparison: str = "about",
                 counts: str = DEFAULT_COUNTS) -> ChangeCheck:
    """A claim that a series grew by a factor between two years ("more than doubled in a decade": ratio 2,
    more_than), against the first series of the claim's unit that has both years."""
    if comparison not in COMPARISONS:
        raise CheckInputError(tr("unknown comparison {comparison}; choose one of {choices}",
                                 comparison=repr(comparison), choices=", ".join(COMPARISONS)))
    later = make_claim(known, country, year, ratio, unit, counts)
    earlier = make_claim(known, country, base_year, ratio, unit, counts)
    if earlier.year >= later.year:
        raise CheckInputError(tr("the base year must come before the year: {base_year}, {year}",
                                 base_year=earlier.year, year=later.year))
    rows = candidate_rows(connection, later.iso3)
    pairs: dict[str, dict[int, Candidate]] = {}
    for claim in (earlier, later):
        for row in rows:
            for candidate in candidates_of(claim, row):
                if candidate.year == claim.year and candidate.relation == "same" and candidate.value is not None:
                    pairs.setdefault(candidate.series, {})[claim.year] = candidate
    both = sorted((found for found in pairs.values() if len(found) == 2 and found[earlier.year].value),
                  key=lambda found: PREFERENCE[found[later.year].series])
    claimed = tr(TIMES[comparison], ratio=printed(ratio))
    if not both:
        return ChangeCheck(later.iso3, later.country, earlier.year, later.year, ratio, comparison, unit, "no_data",
                           tr("We hold no series in {unit} for {country} with values in both {base_year} and "
                              "{year}, so the change cannot be checked (a missing year is never read as zero).",
                              unit=later.unit_label, country=later.country, base_year=earlier.year,
                              year=later.year), None, None)
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
    text = tr("Claimed: {country}'s {unit} grew {claimed} from {base_year} to {year}. {label}: {first} in "
              "{base_year}, {last} in {year}, {ratio} times; source: {source}.", country=later.country,
              unit=later.unit_label, claimed=claimed, base_year=earlier.year, year=later.year, label=first.label,
              first=format_number(first.value, first.unit), last=format_number(last.value, last.unit),
              ratio=i18n.number(held, 2), source=last.source.rstrip("."))
    return ChangeCheck(later.iso3, later.country, earlier.year, later.year, ratio, comparison, unit, verdict, text,
                       held, last.series)

