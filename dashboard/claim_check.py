"""Check a number from the news against every series we hold for its country and year, and say which series it
is, how close it comes, and what would make it right.

A claim is a country, a year, a number as printed and its unit (deaths, per million aged 15-64, per million
inhabitants, per 100,000), optionally with what it says it counts (opioid deaths, drug poisoning ...). The
verdict, in order:
- matches: a series the claim could mean (same unit and denominator, a definition the words allow) equals the
  number at the number's own rounding ("81" matches 81.3; "81.0" does not);
- not_comparable: the number matches a series with another denominator, unit or definition, or of a part of the
  country (England and Wales for the United Kingdom), and the explanation says which;
- close: a series it could mean is within 5% of it;
- contradicts: the series it could mean hold other values;
- no_data: we hold no value of those series for that country and year (a missing year is never a zero).
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from dashboard import catalog as catalog_module
from dashboard import comparability, db
from dashboard.figures.formatting import is_missing

UNITS = {  # claim unit -> (what is measured, people per rate unit, how it reads)
    "deaths": ("count", 1, "deaths"),
    "per_million_15_64": ("rate_15_64", 1_000_000, "deaths per million aged 15-64"),
    "per_million": ("rate_population", 1_000_000, "deaths per million inhabitants"),
    "per_100k": ("rate_population", 100_000, "deaths per 100,000 inhabitants"),
}
# What a claim can say it counts. The default, drug_induced, is what "drug deaths" and "overdose deaths" in the
# press mean: the EMCDDA's drug-induced deaths and the national figures as published. A number that is Eurostat's
# drug-dependence deaths or the IHME model is then another definition (not_comparable), and a year the EMCDDA
# and the national authority did not report is no data, whatever the model says; "any" lets it mean every series.
DEFAULT_COUNTS = "drug_induced"
COUNTS = {
    "drug_induced": "drug-induced (overdose) deaths",
    "any": "drug deaths of any definition, modelled ones included",
    "opioid": "opioid deaths",
    "drug_poisoning": "deaths related to drug poisoning",
    "drug_misuse": "drug misuse deaths",
    "drug_dependence": "deaths from drug dependence",
    "drug_use_disorders": "deaths from drug use disorders",
    "other": "a definition none of our series has (the claim's note names it)",
}
VERDICTS = ("matches", "close", "contradicts", "not_comparable", "no_data")
CLOSE_WITHIN = Decimal("0.05")
OTHER_YEARS_WITHIN = 3  # a number that is another year's value: quoted from an older report, or mislabelled


@dataclass(frozen=True)
class Series:
    """A series a quoted number can be checked against."""
    series_id: str
    indicator_id: str
    measure: str  # count, rate_15_64 or rate_population
    per: int  # people per rate unit (1 for counts)
    counts: frozenset[str]  # the COUNTS words that describe it
    modelled: bool = False
    age_standardised: bool = False
    ages_15_64_only: bool = False  # a count restricted to ages 15-64: part of the deaths, not all of them


_NATIONAL_WORDS = frozenset({"drug_induced", "drug_poisoning", "drug_misuse"})
# In the order a match is reported when several agree: the EMCDDA's own series first.
SERIES = (
    Series("emcdda_deaths", "drd_deaths", "count", 1, frozenset({"drug_induced"})),
    Series("emcdda_rate_15_64", "drd_deaths_per_million_15_64", "rate_15_64", 1_000_000,
           frozenset({"drug_induced"})),
    Series("emcdda_rate_all_ages", "drd_deaths_per_million_all_ages", "rate_population", 1_000_000,
           frozenset({"drug_induced"})),
    Series("national_deaths", "national_drug_deaths", "count", 1, _NATIONAL_WORDS),
    Series("national_rate_age_std", "national_drug_death_rate_age_std", "rate_population", 1_000_000,
           _NATIONAL_WORDS, age_standardised=True),
    Series("eurostat_drug_dependence_deaths", "eurostat_toxico_deaths", "count", 1, frozenset({"drug_dependence"})),
    Series("ihme_drug_use_disorder_deaths", "ihme_drug_use_disorder_deaths", "count", 1,
           frozenset({"drug_use_disorders"}), modelled=True),
    Series("ihme_opioid_use_disorder_deaths", "ihme_opioid_use_disorder_deaths", "count", 1, frozenset({"opioid"}),
           modelled=True),
    Series("ihme_drug_use_disorder_rate_age_std", "ihme_drug_use_disorder_death_rate_age_std", "rate_population",
           100_000, frozenset({"drug_use_disorders"}), modelled=True, age_standardised=True),
)
# The deaths aged 15-64 behind the EMCDDA rate: a count a claim can match, but only part of the deaths.
DEATHS_15_64 = Series("emcdda_deaths_15_64", "drd_deaths_per_million_15_64", "count", 1,
                      frozenset({"drug_induced"}), ages_15_64_only=True)
SERIES_BY_INDICATOR = {series.indicator_id: series for series in SERIES}
PREFERENCE = {series.series_id: number for number, series in enumerate((*SERIES, DEATHS_15_64))}
RELATIONS = {  # how a candidate relates to the claim -> how the explanation says it
    "same": "what the claim says it is",
    "different_denominator": "a rate with another denominator",
    "different_unit": "a different unit",
    "different_definition": "another definition",
    "part_of_country": "a part of the country only",
}


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
        return UNITS[self.unit][2]

    def describe(self) -> str:
        counted = "" if self.counts == DEFAULT_COUNTS else f" ({COUNTS[self.counts]})"
        return f"{self.country}, {self.year}: {self.value_text} {self.unit_label}{counted}"

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
        text = f"{format_number(self.value, self.unit)} {self.unit}"
        if self.numerator is not None and self.denominator is not None and self.series != DEATHS_15_64.series_id:
            deaths, people = format_number(self.numerator, "deaths"), format_number(self.denominator, "n")
            text += f" ({deaths} deaths, population {people})"
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


def parse_value(text: str | float | int) -> str:
    """The number as printed, checked: digits with an optional decimal point; its decimals are kept."""
    raw = str(text).strip()
    if raw.startswith("-"):
        raise CheckInputError(f"the value must not be negative: {raw!r}")
    if "," in raw:
        raise CheckInputError(f"write the value with digits and a decimal point only (no thousands separator or "
                              f"decimal comma): {raw!r}")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CheckInputError(f"the value must be a number, e.g. 81 or 66.1: {raw!r}") from None
    if not number.is_finite() or not raw.replace(".", "", 1).isdigit():
        raise CheckInputError(f"the value must be a number, e.g. 81 or 66.1: {raw!r}")
    return raw


def resolve_country(known: catalog_module.Catalog, text: str) -> catalog_module.Country:
    """A country by ISO-3 code or English or Norwegian name, any case."""
    wanted = text.strip().casefold()
    for country in known.countries.values():
        if wanted in (country.iso3.casefold(), country.name_en.casefold(), (country.name_no or "").casefold()):
            return country
    raise CheckInputError(f"unknown country {text.strip()!r}: give an ISO-3 code such as NOR or SWE, or a name")


def year_range(known: catalog_module.Catalog) -> tuple[int, int]:
    """The first and last year of every series a claim is checked against."""
    held = [known.indicators[s.indicator_id] for s in SERIES if s.indicator_id in known.indicators]
    if not held:
        raise db.DataUnavailable(known.indicators_problem or "the extracts hold none of the death series")
    return min(i.year_min for i in held), max(i.year_max for i in held)


def make_claim(known: catalog_module.Catalog, country: str, year: int | str, value: str | float | int, unit: str,
               counts: str = DEFAULT_COUNTS) -> Claim:
    """A claim from user input, every part checked (CheckInputError with a message that says what to fix)."""
    if unit not in UNITS:
        raise CheckInputError(f"unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    if counts not in COUNTS:
        raise CheckInputError(f"unknown counts {counts!r}; choose one of {', '.join(COUNTS)}")
    place = resolve_country(known, country)
    try:
        year_number = int(str(year).strip())
    except ValueError:
        raise CheckInputError(f"the year must be a whole number such as 2016: {year!r}") from None
    first, last = year_range(known)
    if not first <= year_number <= last:
        raise YearOutOfRange(f"no series we hold covers {year_number}: they run from {first} to {last}")
    return Claim(iso3=place.iso3, country=place.name_en, year=year_number, value_text=parse_value(value), unit=unit,
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
        raise CheckInputError("write it as country,year,value,unit (e.g. NOR,2015,81,per_million), "
                              "optionally with what it counts")
    return make_claim(known, *parts)


def check(connection: db.Connection, claim: Claim, rows: list[dict] | None = None) -> Check:
    """The verdict on one claim, with every candidate value of its year and the reason."""
    if rows is None:
        rows = candidate_rows(connection, claim.iso3)
    every = [c for row in rows for c in _candidates(claim, row)]
    this_year = sorted((c for c in every if c.year == claim.year), key=_order)
    same = [c for c in this_year if c.relation == "same" and c.value is not None]
    other = [c for c in this_year if c.relation != "same" and c.value is not None]
    # Another year's value that the number fits (exactly first, then within 5%): a misquoted year.
    other_years = sorted((c for c in every if 0 < abs(c.year - claim.year) <= OTHER_YEARS_WITHIN
                          and c.agreement in ("matches", "close") and c.relation != "different_unit"
                          and c.series != DEATHS_15_64.series_id and not c.series.startswith("ihme")),
                         key=lambda c: (c.agreement != "matches", abs(c.difference_pct or 0),
                                        abs(c.year - claim.year), _order(c)))
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
        verdict, matched = "contradicts", min(same, key=_order)  # the EMCDDA's series first, as reported
    else:
        verdict, matched = "no_data", None
    explanation = _explain(claim, verdict, matched, same, this_year, other_years, every)
    return Check(claim=claim, verdict=verdict, explanation=explanation, matched=matched, candidates=this_year,
                 other_years=other_years[:5], summary=_summary(claim, verdict, matched, same, other_years,
                                                           _nearest_years(claim, every)), history=every)


def candidate_rows(connection: db.Connection, iso3: str) -> list[dict]:
    frame = db.run_query(connection, "claim_candidates", country=iso3,
                         indicators=[series.indicator_id for series in SERIES])
    return [{key: (None if is_missing(value) else value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def _order(candidate: Candidate) -> tuple:
    return (candidate.relation != "same", candidate.relation == "part_of_country", PREFERENCE[candidate.series])


def _candidates(claim: Claim, row: dict) -> list[Candidate]:
    series = SERIES_BY_INDICATOR[row["indicator_id"]]
    found = [_candidate(claim, row, series, row["value"], row["indicator_unit"], row["label"])]
    if series.series_id == "emcdda_rate_15_64" and row["numerator"] is not None:
        found.append(_candidate(claim, row, DEATHS_15_64, row["numerator"], "deaths aged 15-64",
                                "Drug-induced deaths aged 15-64 (the deaths in the EMCDDA rate)"))
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
    flags = [f"{comparability.EUROSTAT_FLAGS.get(flag, flag)} (flag {flag!r} as published)"] if flag else []
    flags += [label for label in (row["flag_labels"] or "").split("; ") if label]
    return Candidate(
        series=series.series_id, label=label, iso3=row["iso3"], place=row["place"], year=int(row["year"]),
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


def format_number(value: float | None, unit: str) -> str:
    """'81.3' for rates, '3,256' for counts (a fraction of a count as held, e.g. a modelled 246.8)."""
    if value is None:
        return "no value"
    if "per" in unit or "years" in unit:
        return f"{value:,.1f}"
    return f"{value:,.0f}" if float(value).is_integer() or unit == "n" else f"{value:,.1f}"


def _about(candidate: Candidate) -> str:
    notes = []
    if candidate.series.startswith("ihme"):
        notes.append("a statistical model, not a count of registered deaths")
    if "age-standardised" in candidate.unit:
        notes.append("age-standardised")
    if candidate.series.startswith("national"):
        notes.append("as published by the national authority, with its own definition")
    if candidate.series.startswith("eurostat"):
        notes.append("underlying cause coded as drug dependence, which leaves out most overdoses")
    return f" ({'; '.join(notes)})" if notes else ""


def _held(candidate: Candidate) -> str:
    """'the EMCDDA-method rate ... for Norway in 2015, 81.3 deaths per million aged 15-64 (...)'."""
    return (f"{candidate.label}{_about(candidate)} for {candidate.place} in {candidate.year}: "
            f"{candidate.shown()}; source: {candidate.source.rstrip('.')}")


def _explain(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
             this_year: list[Candidate], other_years: list[Candidate], every: list[Candidate]) -> str:
    value = claim.value_text
    lines = []
    if verdict == "matches":
        lines.append(f"{value} {claim.unit_label} matches {_held(matched)}.")
        others = [c for c in same if c is not matched and c.agreement != "matches"]
        if others:
            lines.append("Other series of the same unit say otherwise: "
                         + "; ".join(f"{c.label}: {format_number(c.value, c.unit)}" for c in others[:3]) + ".")
    elif verdict == "not_comparable":
        relation = {"different_denominator": f"a rate of {matched.unit}, not {claim.unit_label}",
                    "different_unit": f"{matched.unit}, not {claim.unit_label}",
                    "different_definition": f"{matched.label.lower()}, not {COUNTS[claim.counts]}",
                    "part_of_country": f"the figure of {matched.place}, a part of {claim.country} only",
                    }[matched.relation]
        if matched.agreement == "matches":
            lines.append(f"{value} is {relation}: it matches {_held(matched)}.")
        else:
            side = "above" if matched.difference_pct > 0 else "below"
            lines.append(f"{value} fits no series of {claim.unit_label} but comes within 5% of {_held(matched)} "
                         f"({abs(matched.difference_pct):.1f}% {side}): most likely {relation}.")
        lines.append(_as_claimed(claim, same))
    elif verdict == "close":
        side = "above" if matched.difference_pct > 0 else "below"
        lines.append(f"{value} is within 5% of, but not equal at its rounding to, {_held(matched)}: "
                     f"{abs(matched.difference_pct):.1f}% {side}.")
    elif verdict == "contradicts":
        side = "above" if matched.difference_pct > 0 else "below"
        lines.append(f"{value} {claim.unit_label} does not fit the series we hold for {claim.country} in "
                     f"{claim.year}: {_held(matched)}; the claim is {abs(matched.difference_pct):.0f}% {side} it.")
        others = [c for c in same if c is not matched]
        if others:
            lines.append("Other series of that unit: " + "; ".join(
                f"{c.label}: {format_number(c.value, c.unit)} {c.unit}" for c in others[:3]) + ".")
    else:
        missing = sorted({c.label for c in this_year if c.relation == "same" and c.value is None})
        reported = f" ({', '.join(missing)} is reported as missing)" if missing else ""
        lines.append(f"We hold no value in {claim.unit_label} for {claim.country} in {claim.year}{reported}; "
                     f"a missing year is never read as zero.")
        nearby = _nearest_years(claim, every)
        if nearby:
            lines.append("Nearest years: " + "; ".join(
                f"{c.label}, {c.year}: {format_number(c.value_in_claim_unit, claim.unit_label)} {claim.unit_label}"
                for c in nearby) + ".")
        elsewhere = [c for c in this_year if c.value is not None][:3]
        if elsewhere:
            lines.append(f"For {claim.year} we hold other measures: " + "; ".join(
                f"{c.label} ({c.place}): {format_number(c.value, c.unit)} {c.unit}" for c in elsewhere) + ".")
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        lines.append(f"The claim may quote another year: {value} " + "; ".join(
            ("is" if hit.agreement == "matches" else f"is within {abs(hit.difference_pct):.1f}% of")
            + f" the {hit.year} value of {hit.label} for {hit.place} "
              f"({format_number(hit.value, hit.unit)} {hit.unit})" for hit in hints) + ".")
    if matched is not None and matched.flags:
        lines.append(f"Flags on that value: {', '.join(matched.flags)}.")
    if claim.unit in ("per_million", "per_100k") and any(c.series == "emcdda_rate_15_64" for c in this_year):
        lines.append("The EMCDDA publishes its rate per million aged 15-64; press reports often call it 'per "
                     "million inhabitants'.")
    return " ".join(lines)


def _summary(claim: Claim, verdict: str, matched: Candidate | None, same: list[Candidate],
             other_years: list[Candidate], nearest: list[Candidate]) -> str:
    """The reason in a sentence or two: what the number is, or is not, and the figure as claimed."""
    value = claim.value_text
    if matched is None:
        text = f"We hold no figure in {claim.unit_label} for {claim.country} in {claim.year}."
    else:
        held = f"{matched.label} for {matched.place} in {matched.year}: {matched.shown()}"
        side = "" if matched.difference_pct is None else (
            f"{abs(matched.difference_pct):.1f}% {'above' if matched.difference_pct > 0 else 'below'}")
        if verdict == "matches":
            text = f"{value} matches {held}."
        elif verdict == "close":
            text = f"{value} is {side} {held}, not equal at its rounding."
        elif verdict == "contradicts":
            text = f"{value} does not fit {held} ({side})."
        else:
            kind = {"different_denominator": "another denominator", "different_unit": "another unit",
                    "different_definition": "another definition", "part_of_country": "a part of the country"}
            text = (f"{value} {'is' if matched.agreement == 'matches' else 'is near'} a figure of "
                    f"{kind[matched.relation]}: {held}. {_as_claimed(claim, same)}")
    hints = _year_hints(verdict, matched, other_years)
    if hints:
        hit = hints[0]
        place = "" if hit.iso3 == claim.iso3 else f" for {hit.place}"
        text += (f" It {'is' if hit.agreement == 'matches' else 'is near'} the {hit.year} value of {hit.label}"
                 f"{place} ({format_number(hit.value, hit.unit)} {hit.unit}).")
    elif verdict == "no_data" and nearest:
        text += " Nearest years: " + "; ".join(
            f"{c.label}, {c.year}: {format_number(c.value_in_claim_unit, claim.unit_label)} {claim.unit_label}"
            for c in nearest[:2]) + "."
    return text


def _year_hints(verdict: str, matched: Candidate | None, other_years: list[Candidate]) -> list[Candidate]:
    """Other years worth naming: any that fit when nothing fits this year, else only exact fits when this
    year's best is not exact (an exact match this year makes another year's a coincidence)."""
    if verdict in ("contradicts", "no_data"):
        picked = other_years
    elif matched is not None and matched.agreement != "matches":
        picked = [c for c in other_years if c.agreement == "matches"]
    else:
        picked = []
    hints: list[Candidate] = []
    for hit in picked:
        if len(hints) < 2 and all(hit.year != shown.year for shown in hints):
            hints.append(hit)
    return hints


def _as_claimed(claim: Claim, same: list[Candidate]) -> str:
    """What the series of the claim's own unit say: 'As deaths per million inhabitants, Norway had 55.6 (...)'."""
    if not same:
        return f"We hold no figure in {claim.unit_label} for {claim.country} in {claim.year}."
    counted = "" if claim.counts == DEFAULT_COUNTS else f" ({COUNTS[claim.counts]})"
    return (f"As {claim.unit_label}{counted}, {claim.country} had "
            + "; ".join(f"{format_number(c.value_in_claim_unit, claim.unit_label)} ({c.label})" for c in same[:3])
            + f" in {claim.year}.")


def _nearest_years(claim: Claim, every: list[Candidate]) -> list[Candidate]:
    """For each series of the claim's unit, the year with a value nearest to the claim's year."""
    best: dict[str, Candidate] = {}
    for candidate in every:
        if candidate.relation != "same" or candidate.value is None:
            continue
        held = best.get(candidate.series)
        if held is None or abs(candidate.year - claim.year) < abs(held.year - claim.year):
            best[candidate.series] = candidate
    return sorted(best.values(), key=_order)[:3]


VERDICT_LABELS = {"matches": "Matches", "close": "Close (within 5%)", "contradicts": "Contradicts the data",
                  "not_comparable": "Not comparable", "no_data": "No data"}
RELATION_LABELS = {"same": "as claimed", "different_denominator": "other denominator",
                   "different_unit": "other unit", "different_definition": "other definition",
                   "part_of_country": "part of country"}


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


# "Highest in Western Europe": the sets a rank is claimed within. Europe is the EMCDDA's reporting countries.
WESTERN_EUROPE = ("AUT", "BEL", "CHE", "DEU", "DNK", "ESP", "FIN", "FRA", "GBR", "GRC", "IRL", "ISL", "ITA", "LUX",
                  "NLD", "NOR", "PRT", "SWE")
RANK_SCOPES = {  # scope -> (how it reads, the countries: a catalog preset or a fixed list)
    "europe": ("the EMCDDA's reporting countries (EU-28, Norway, Turkey)", "emcdda"),
    "western_europe": ("Western Europe (EU-15, Iceland, Norway, Switzerland)", WESTERN_EUROPE),
    "eu27": ("the EU-27", "eu27"),
    "nordic": ("the Nordic countries", "nordic"),
}
RANKED_INDICATOR = "drd_deaths_per_million_15_64"


@dataclass(frozen=True)
class RankCheck:
    iso3: str
    country: str
    year: int
    rank_claimed: int
    top: bool  # "one of the N highest" rather than "the N-th highest"
    scope: str
    verdict: str
    explanation: str
    ranked: list  # ranks.RankedRate, highest first
    missing: list[str]  # names of the scope's countries without a rate that year
    summary: str = ""
    notes: tuple[str, ...] = ()  # what to know before comparing these countries (dashboard/comparability.py)

    def as_dict(self) -> dict:
        return {"claim": {"iso3": self.iso3, "country": self.country, "year": self.year,
                          "rank_claimed": self.rank_claimed, "top": self.top, "scope": self.scope,
                          "scope_label": RANK_SCOPES[self.scope][0]},
                "verdict": self.verdict, "summary": self.summary, "explanation": self.explanation,
                "ranking": [asdict(r) | {"rank_range": r.rank_range, "distinguishable": r.distinguishable}
                            for r in self.ranked],
                "missing": self.missing, "comparability": list(self.notes)}


def scope_countries(known: catalog_module.Catalog, scope: str) -> tuple[str, ...]:
    if scope not in RANK_SCOPES:
        raise CheckInputError(f"unknown scope {scope!r}; choose one of {', '.join(RANK_SCOPES)}")
    members = RANK_SCOPES[scope][1]
    return known.preset(members) if isinstance(members, str) else tuple(m for m in members if m in known.countries)


def check_rank(connection: db.Connection, known: catalog_module.Catalog, country: str, year: int | str,
               rank_claimed: int | str, scope: str = "europe", top: bool = False) -> RankCheck:
    """A claim that a country's rate of drug-induced deaths (per million aged 15-64) ranks N-th (or in the top N)
    within a set of countries in a year, against the ranks the Poisson intervals of every rate allow."""
    from dashboard import ranks

    place = resolve_country(known, country)
    members = scope_countries(known, scope)
    try:
        year_number, claimed = int(str(year).strip()), int(str(rank_claimed).strip())
    except ValueError:
        raise CheckInputError(f"the year and the rank must be whole numbers: {year!r}, {rank_claimed!r}") from None
    if claimed < 1:
        raise CheckInputError(f"a rank starts at 1 (the highest): {claimed}")
    indicator = known.indicators.get(RANKED_INDICATOR)
    if indicator is None:
        raise db.DataUnavailable(known.indicators_problem or f"the extracts hold no {RANKED_INDICATOR}")
    if not indicator.year_min <= year_number <= indicator.year_max:
        raise YearOutOfRange(f"the EMCDDA rates run from {indicator.year_min} to {indicator.year_max}, "
                             f"not {year_number}")
    if place.iso3 not in members and place.part_of in members:
        members = (*members, place.iso3)  # Scotland among the countries: ranked if it has a rate, else missing
    elif place.iso3 not in members:
        raise CheckInputError(f"{place.name_en} is not one of {RANK_SCOPES[scope][0]}")
    rows = db.run_query(connection, "indicator_map", indicator=RANKED_INDICATOR, countries=list(members),
                        year=year_number, sex="total", age_group="total").to_dict("records")
    usable = [(r["iso3"], r["value"], r["numerator"], r["denominator"]) for r in rows
              if not any(is_missing(r[k]) for k in ("value", "numerator", "denominator"))]
    ranked = ranks.rank_rates(usable)
    names = {r["iso3"]: r["country"] for r in rows}
    missing = sorted(names[r["iso3"]] for r in rows if r["iso3"] not in {u[0] for u in usable})
    scope_label = RANK_SCOPES[scope][0]
    claimed_text = (f"among the {claimed} highest" if top else
                    "the highest" if claimed == 1 else f"number {claimed} from the top")
    target = next((r for r in ranked if r.iso3 == place.iso3), None)
    if target is None:
        verdict = "no_data"
        text = summary = (f"We hold no EMCDDA rate for {place.name_en} in {year_number}, so it cannot be ranked "
                          f"(a missing year is never read as zero).")
    else:
        point_fits = target.rank <= claimed if top else target.rank == claimed
        range_fits = target.best_rank <= claimed if top else target.best_rank <= claimed <= target.worst_rank
        verdict = "matches" if point_fits else "close" if range_fits else "contradicts"
        leaders = "; ".join(f"{r.rank}. {names[r.iso3]} {r.rate:.1f} ({r.lower:.1f}–{r.upper:.1f})"
                            for r in ranked[:max(3, claimed + 1)])
        text = (f"Claimed: {place.name_en} {claimed_text} in {scope_label} in {year_number}. On the EMCDDA rate "
                f"per million aged 15-64 it ranks {target.rank} of {target.of} ({target.rate:.1f}, 95% interval "
                f"{target.lower:.1f}–{target.upper:.1f}); from the intervals its rank could be "
                f"{target.rank_range}. Highest: {leaders}.")
        summary = (f"{place.name_en} ranks {target.rank} of {target.of} in {year_number} ({target.rate:.1f} per "
                   f"million aged 15-64); from the intervals its rank could be {target.rank_range}.")
        tied = ranks.overlapping(ranked, place.iso3)
        if not target.distinguishable:
            text += (f" The rank is not distinguishable: its interval overlaps those of "
                     f"{_join([names[i] for i in tied[:8]])}{' and others' if len(tied) > 8 else ''}.")
    if missing:
        text += f" Not reported for {year_number}, so not ranked: {_join(missing)}."
    try:
        labels = dict(db.run_query(connection, "quality_flag_labels").itertuples(index=False))
    except db.DataUnavailable:
        labels = {}
    notes = comparability.comparability(pd.DataFrame(rows), unit=indicator.unit, flag_labels=labels,
                                        topic=indicator.topic).notes
    return RankCheck(iso3=place.iso3, country=place.name_en, year=year_number, rank_claimed=claimed, top=top,
                     scope=scope, verdict=verdict, explanation=text, ranked=ranked, missing=missing, summary=summary,
                     notes=tuple(note.text for note in notes))


def _join(names: list[str]) -> str:
    from dashboard.figures.formatting import join_names

    return join_names(names, limit=40)


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
            for candidate in _candidates(claim, row):
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


@dataclass(frozen=True)
class RegisterCheck:
    """Today's verdict on a claim of the register, and the check behind it (None: none could be made)."""
    verdict: str
    explanation: str
    summary: str
    detail: Check | RankCheck | ChangeCheck | None


def check_register_row(connection: db.Connection, known: catalog_module.Catalog, row: dict) -> RegisterCheck | None:
    """Today's check of one claim of the register (claims.parquet), by its kind; None for the kinds the
    statistics cannot check (programme facts, unchecked numbers). A year our series do not reach is no data."""
    kind = row["claim_kind"]
    try:
        if kind == "number":
            detail = check(connection, make_claim(known, row["iso3"], row["year"], row["value"], row["unit"],
                                                  row["counts"]))
        elif kind == "rank":
            detail = check_rank(connection, known, row["iso3"], row["year"], row["rank_claimed"],
                                row["rank_scope"], top=row["rank_top"] in (True, "true"))
        elif kind == "change":
            detail = check_change(connection, known, row["iso3"], row["base_year"], row["year"], row["value"],
                                  row["unit"], row["comparison"], row["counts"])
        else:
            return None
    except YearOutOfRange as error:
        text = f"{str(error)[0].upper()}{str(error)[1:]}, so we hold no value to check it against."
        return RegisterCheck("no_data", text, text, None)
    return RegisterCheck(detail.verdict, detail.explanation, detail.summary, detail)
