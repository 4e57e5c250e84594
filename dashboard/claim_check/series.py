"""The series a number is checked against, the units and words of a claim, the verdicts: the vocabulary of
the checker, and the order its answers are reported in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from dashboard import i18n, vocabulary
from dashboard.i18n import N_, tr

if TYPE_CHECKING:
    from dashboard.claim_check.numbers import Candidate

UNITS = {  # claim unit -> (what is measured, people per rate unit, how it reads: tr() it where shown)
    "deaths": ("count", 1, N_("deaths")),
    "per_million_15_64": ("rate_15_64", 1_000_000, N_("deaths per million aged 15-64")),
    "per_million": ("rate_population", 1_000_000, N_("deaths per million inhabitants")),
    "per_100k": ("rate_population", 100_000, N_("deaths per 100,000 inhabitants")),
}
# What a claim can say it counts. The default, drug_induced, is what "drug deaths" and "overdose deaths" in the
# press mean: the EMCDDA's drug-induced deaths and the national figures as published. A number that is Eurostat's
# drug-dependence deaths or the IHME model is then another definition (not_comparable), and a year the EMCDDA
# and the national authority did not report is no data, whatever the model says; "any" lets it mean every series.
DEFAULT_COUNTS = "drug_induced"
COUNTS = {  # tr() where shown
    "drug_induced": N_("drug-induced (overdose) deaths"),
    "any": N_("drug deaths of any definition, modelled ones included"),
    "opioid": N_("opioid deaths"),
    "drug_poisoning": N_("deaths related to drug poisoning"),
    "drug_misuse": N_("drug misuse deaths"),
    "drug_dependence": N_("deaths from drug dependence"),
    "drug_use_disorders": N_("deaths from drug use disorders"),
    "other": N_("a definition none of our series has (the claim's note names it)"),
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
DEATHS_15_64_UNIT = N_("deaths aged 15-64")
DEATHS_15_64_LABEL = N_("Drug-induced deaths aged 15-64 (the deaths in the EMCDDA rate)")
DEATHS_15_64 = Series("emcdda_deaths_15_64", "drd_deaths_per_million_15_64", "count", 1,
                      frozenset({"drug_induced"}), ages_15_64_only=True)
SERIES_BY_INDICATOR = {series.indicator_id: series for series in SERIES}
SERIES_BY_ID = {series.series_id: series for series in (*SERIES, DEATHS_15_64)}
PREFERENCE = {series.series_id: number for number, series in enumerate((*SERIES, DEATHS_15_64))}
RELATIONS = {  # how a candidate relates to the claim -> how the explanation says it (tr() where shown)
    "same": N_("what the claim says it is"),
    "different_denominator": N_("a rate with another denominator"),
    "different_unit": N_("a different unit"),
    "different_definition": N_("another definition"),
    "part_of_country": N_("a part of the country only"),
}


RELATION_LABELS = {"same": N_("as claimed"), "different_denominator": N_("other denominator"),
                   "different_unit": N_("other unit"), "different_definition": N_("other definition"),
                   "part_of_country": N_("part of country")}  # tr() where shown
AGREEMENTS = {"matches": N_("matches"), "close": N_("close"), "differs": N_("differs")}  # a candidate's fit


def unit_text(unit: str) -> str:
    """A candidate's unit (the indicator's, in English for the code) as the reader reads it."""
    return tr(DEATHS_15_64_UNIT) if unit == DEATHS_15_64_UNIT else vocabulary.unit(unit)


def candidate_order(candidate: Candidate) -> tuple:
    return (candidate.relation != "same", candidate.relation == "part_of_country", PREFERENCE[candidate.series])



def format_number(value: float | None, unit: str) -> str:
    """'81.3' for rates, '3,256' for counts (a fraction of a count as held, e.g. a modelled 246.8), in the
    reader's language ('3 256', '81,3'). unit: in English, or a claim's unit key ('per_million')."""
    if value is None:
        return tr("no value")
    if "per" in unit or "years" in unit:
        return i18n.number(value, 1)
    return i18n.number(value, 0) if float(value).is_integer() or unit == "n" else i18n.number(value, 1)

