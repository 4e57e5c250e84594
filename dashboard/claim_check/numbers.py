"""A number from the news: the claim as given, every candidate value of its country, and the verdict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dashboard import catalog as catalog_module
from dashboard import comparability, db, i18n
from dashboard.claim_check.series import (
    CLOSE_WITHIN,
    COUNTS,
    DEATHS_15_64,
    DEATHS_15_64_LABEL,
    DEATHS_15_64_UNIT,
    DEFAULT_COUNTS,
    OTHER_YEARS_WITHIN,
    SERIES,
    SERIES_BY_INDICATOR,
    UNITS,
    Series,
    candidate_order,
    format_number,
    unit_text,
)
from dashboard.claim_check.wording import explain, nearest_years, summarise
from dashboard.figures.formatting import is_missing
from dashboard.i18n import tr


class CheckInputError(ValueError):
    """The claim cannot be checked as given (unknown country, a year outside every series, a bad number)."""


class YearOutOfRange(CheckInputError):
    """No series a claim is checked against reaches its year."""


@dataclass(frozen=True)
class Claim:
    iso3: str
    country: str
    year: int
    value_text: str  # as printed: its decimals are the claim's rounding
    unit: str
    counts: str = DEFAULT_COUNTS

    @property
    def value(self) -> Decimal:
        return Decimal(self.value_text)

    @property
    def unit_label(self) -> str:
        """The claim's unit as the reader reads it ('deaths per million aged 15-64')."""
        return tr(UNITS[self.unit][2])

    @property
    def value_shown(self) -> str:
        """The number as printed, in the reader's language: '66.1', in Norwegian '66,1' (its decimals kept)."""
        return printed(self.value_text)

    def describe(self) -> str:
        counted = "" if self.counts == DEFAULT_COUNTS else f" ({tr(COUNTS[self.counts])})"
        return f"{self.country}, {self.year}: {self.value_shown} {self.unit_label}{counted}"

    @property
    def spec(self) -> str:
        """The claim as the Claims page's URL carries it: 'NOR,2015,81,per_million' (',counts' unless any)."""
        return ",".join([self.iso3, str(self.year), self.value_text, self.unit]
                        + ([self.counts] if self.counts != DEFAULT_COUNTS else []))


@dataclass(frozen=True)
class Candidate:
    """One value we hold that the claim could be, with how it relates to the claim and how close it comes."""
    series: str
    label: str
    iso3: str
    place: str
    year: int
    value: float | None  # in the series' own unit; None: reported as missing
    unit: str  # the series' own unit
    value_in_claim_unit: float | None
    relation: str  # a RELATIONS key
    agreement: str | None  # matches, close, differs; None without a value
    difference_pct: float | None  # the claim against the value, in per cent of the value
    numerator: float | None
    denominator: float | None
    definition: str
    source: str
    edition: str
    source_url: str
    flags: list[str] = field(default_factory=list)

    def shown(self) -> str:
        """'81.3 deaths per million aged 15-64 (278 deaths, population 3,418,094)'."""
        text = f"{format_number(self.value, self.unit)} {unit_text(self.unit)}"
        if self.numerator is not None and self.denominator is not None and self.series != DEATHS_15_64.series_id:
            deaths, people = format_number(self.numerator, "deaths"), format_number(self.denominator, "n")
            text += " (" + tr("{deaths} deaths, population {people}", deaths=deaths, people=people) + ")"
        return text


@dataclass(frozen=True)
class Check:
    claim: Claim
    verdict: str
    explanation: str
    matched: Candidate | None
    candidates: list[Candidate]  # the claim's year, the claim's country and its parts
    other_years: list[Candidate]  # values of other years near the years the number fits (a misquoted year)
    summary: str = ""  # the verdict's reason in a sentence or two, without the sources
    history: list[Candidate] = field(default_factory=list)  # every year of every candidate series (for charts)

    def as_dict(self) -> dict:
        claim = asdict(self.claim) | {"value": float(self.claim.value), "unit_label": self.claim.unit_label}
        return {"claim": claim, "verdict": self.verdict, "summary": self.summary, "explanation": self.explanation,
                "matched": asdict(self.matched) if self.matched else None,
                "candidates": [asdict(c) for c in self.candidates],
                "other_years_matching": [asdict(c) for c in self.other_years]}


def printed(value_text: str) -> str:
    """A number as printed ('66.1', '3256') in the reader's language, its decimals kept: '66,1' in Norwegian."""
    decimals = max(0, -int(Decimal(value_text).as_tuple().exponent))
    return i18n.number(float(Decimal(value_text)), decimals, grouped=False)


def parse_value(text: str | float | int) -> str:
    """The number as printed, checked: digits with an optional decimal point; its decimals are kept."""
    raw = str(text).strip()
    if raw.startswith("-"):
        raise CheckInputError(tr("the value must not be negative: {value}", value=repr(raw)))
    if "," in raw:
        raise CheckInputError(tr("write the value with digits and a decimal point only (no thousands separator or "
                                 "decimal comma): {value}", value=repr(raw)))
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CheckInputError(tr("the value must be a number, e.g. 81 or 66.1: {value}", value=repr(raw))) from None
    if not number.is_finite() or not raw.replace(".", "", 1).isdigit():
        raise CheckInputError(tr("the value must be a number, e.g. 81 or 66.1: {value}", value=repr(raw)))
    return raw


def resolve_country(known: catalog_module.Catalog, text: str) -> catalog_module.Country:
    """A country by ISO-3 code or English or Norwegian name, any case."""
    wanted = text.strip().casefold()
    for country in known.countries.values():
        if wanted in (country.iso3.casefold(), country.name_en.casefold(), (country.name_no or "").casefold()):
            return country
    raise CheckInputError(tr("unknown country {name}: give an ISO-3 code such as NOR or SWE, or a name",
                             name=repr(text.strip())))


def year_range(known: catalog_module.Catalog) -> tuple[int, int]:
    """The first and last year of every series a claim is checked against."""
    held = [known.indicators[s.indicator_id] for s in SERIES if s.indicator_id in known.indicators]
    if not held:
        raise db.DataUnavailable(known.indicators_problem or tr("the extracts hold none of the death series"))
    return min(i.year_min for i in held), max(i.year_max for i in held)


def make_claim(known: catalog_module.Catalog, country: str, year: int | str, value: str | float | int, unit: str,
               counts: str = DEFAULT_COUNTS) -> Claim:
    """A claim from user input, every part checked (CheckInputError with a message that says what to fix)."""
    if unit not in UNITS:
        raise CheckInputError(tr("unknown unit {unit}; choose one of {units}", unit=repr(unit),
                                 units=", ".join(UNITS)))
    if counts not in COUNTS:
        raise CheckInputError(tr("unknown counts {counts}; choose one of {choices}", counts=repr(counts),
                                 choices=", ".join(COUNTS)))
    place = resolve_country(known, country)
    try:
        year_number = int(str(year).strip())
    except ValueError:
        raise CheckInputError(tr("the year must be a whole number such as 2016: {year}", year=repr(year))) from None
    first, last = year_range(known)
    if not first <= year_number <= last:
        raise YearOutOfRange(tr("no series we hold covers {year}: they run from {first} to {last}",
                                year=year_number, first=first, last=last))
    return Claim(iso3=place.iso3, country=place.name, year=year_number, value_text=parse_value(value), unit=unit,
                 counts=counts)


def claim_from_spec(spec: str, country: str) -> Claim:
    """The claim of a spec already checked by parse_check_spec (a view state's), with its country's name."""
    iso3, year, value, unit, *counts = spec.split(",")
    return Claim(iso3=iso3, country=country, year=int(year), value_text=value, unit=unit,
                 counts=counts[0] if counts else DEFAULT_COUNTS)


def parse_check_spec(text: str, known: catalog_module.Catalog) -> Claim:
    """A claim from its URL form 'country,year,value,unit[,counts]' (see Claim.spec), every part checked."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (4, 5):
        raise CheckInputError(tr("write it as country,year,value,unit (e.g. NOR,2015,81,per_million), "
                                 "optionally with what it counts"))
    return make_claim(known, *parts)


def check(connection: db.Connection, claim: Claim, rows: list[dict] | None = None) -> Check:
    """The verdict on one claim, with every candidate value of its year and the reason."""
    if rows is None:
        rows = candidate_rows(connection, claim.iso3)
    every = [c for row in rows for c in candidates_of(claim, row)]
    this_year = sorted((c for c in every if c.year == claim.year), key=candidate_order)
    same = [c for c in this_year if c.relation == "same" and c.value is not None]
    other = [c for c in this_year if c.relation != "same" and c.value is not None]
    # Another year's value that the number fits (exactly first, then within 5%): a misquoted year.
    other_years = sorted((c for c in every if 0 < abs(c.year - claim.year) <= OTHER_YEARS_WITHIN
                          and c.agreement in ("matches", "close") and c.relation != "different_unit"
                          and c.series != DEATHS_15_64.series_id and not c.series.startswith("ihme")),
                         key=lambda c: (c.agreement != "matches", abs(c.difference_pct or 0),
                                        abs(c.year - claim.year), candidate_order(c)))
    exact = [c for c in same if c.agreement == "matches"]
    exact_other = [c for c in other if c.agreement == "matches"]
    near = sorted((c for c in same if c.agreement == "close"), key=lambda c: abs(c.difference_pct))
    # Near a rate of another denominator, or a part of the country: the number is most likely that figure. Death
    # counts of other definitions lie near one another anyway, so nearness to one of them says little.
    near_other = sorted((c for c in other if c.agreement == "close" and c.relation != "different_definition"),
                        key=lambda c: abs(c.difference_pct))
    if exact:
        verdict, matched = "matches", exact[0]
    elif exact_other:
        verdict, matched = "not_comparable", exact_other[0]
    elif near:
        verdict, matched = "close", near[0]
    elif near_other:  # far from what it says it is, near something else: it is the other thing, misquoted
        verdict, matched = "not_comparable", near_other[0]
    elif same:
        verdict, matched = "contradicts", min(same, key=candidate_order)  # the EMCDDA's series first, as reported
    else:
        verdict, matched = "no_data", None
    explanation = explain(claim, verdict, matched, same, this_year, other_years, every)
    return Check(claim=claim, verdict=verdict, explanation=explanation, matched=matched, candidates=this_year,
                 other_years=other_years[:5], summary=summarise(claim, verdict, matched, same, other_years,
                                                           nearest_years(claim, every)), history=every)


def candidate_rows(connection: db.Connection, iso3: str) -> list[dict]:
    frame = db.run_query(connection, "claim_candidates", country=iso3,
                         indicators=[series.indicator_id for series in SERIES])
    return [{key: (None if is_missing(value) else value) for key, value in row.items()}
            for row in frame.to_dict("records")]



def candidates_of(claim: Claim, row: dict) -> list[Candidate]:
    series = SERIES_BY_INDICATOR[row["indicator_id"]]
    found = [_candidate(claim, row, series, row["value"], row["indicator_unit"], row["label"])]
    if series.series_id == "emcdda_rate_15_64" and row["numerator"] is not None:
        found.append(_candidate(claim, row, DEATHS_15_64, row["numerator"], DEATHS_15_64_UNIT,
                                tr(DEATHS_15_64_LABEL)))
    return found


def _candidate(claim: Claim, row: dict, series: Series, value: float | None, unit: str, label: str) -> Candidate:
    measure, per, _ = UNITS[claim.unit]
    relation = _relation(claim, series, measure, row["is_part"])
    converted = None
    if value is not None:
        both_rates = measure != "count" and series.measure != "count"
        converted = value * per / series.per if both_rates else value  # a count and a rate: as printed
    agreement, difference = _agreement(claim, converted)
    flag = row["flag"]
    flags = [tr("{meaning} (flag {flag} as published)", meaning=tr(comparability.EUROSTAT_FLAGS.get(flag, flag)),
                flag=repr(flag))] if flag else []
    flags += [label for label in (row["flag_labels"] or "").split("; ") if label]
    return Candidate(
        # The claim's own country by the claim's name for it (the reader's language); a part as the query names it.
        series=series.series_id, label=label, iso3=row["iso3"],
        place=claim.country if row["iso3"] == claim.iso3 and not row["is_part"] else row["place"],
        year=int(row["year"]),
        value=value, unit=unit, value_in_claim_unit=converted, relation=relation, agreement=agreement,
        difference_pct=difference, numerator=row["numerator"], denominator=row["denominator"],
        definition=row["definition"] or "", source=row["source"] or "", edition=row["edition"] or "",
        source_url=row["source_url"] or "", flags=flags)


def _relation(claim: Claim, series: Series, measure: str, is_part: bool) -> str:
    if is_part:
        return "part_of_country"
    if series.measure != measure:
        both_rates = measure != "count" and series.measure != "count"
        return "different_denominator" if both_rates else "different_unit"
    if series.ages_15_64_only or (claim.counts != "any" and claim.counts not in series.counts):
        return "different_definition"
    return "same"


def _agreement(claim: Claim, value: float | None) -> tuple[str | None, float | None]:
    if value is None:
        return None, None
    held = Decimal(repr(float(value)))
    step = Decimal(1).scaleb(claim.value.as_tuple().exponent)  # '81' -> 1, '66.1' -> 0.1
    if held.quantize(step, rounding=ROUND_HALF_UP) == claim.value:
        return "matches", _difference(claim.value, held)
    if held == 0:
        return "differs", None
    difference = _difference(claim.value, held)
    return ("close" if abs(claim.value - held) <= CLOSE_WITHIN * abs(held) else "differs"), difference


def _difference(claimed: Decimal, held: Decimal) -> float | None:
    return None if held == 0 else float((claimed - held) / held * 100)

