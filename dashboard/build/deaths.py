"""The derived death series: the all-sexes total and the two rates (queries/build/drug_induced_death_rates.sql)."""

from __future__ import annotations

import pyarrow as pa

from dashboard import db
from dashboard.build.facts import Fact
from dashboard.build.inputs import POPULATION_LAST_ESTIMATE
from dashboard.build.provenance import EMCDDA_LICENCE

DERIVED_DEATHS_QUERY = "build/drug_induced_death_rates"
AGE_BANDS_15_64 = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64"]
# The rate's method (queries/build/drug_induced_death_rates.sql) -> its source ID suffix and the flag it carries.
RATE_METHODS = {("drd_deaths_per_million_15_64", "age_bands"): ("DRD-RATE", None),
                ("drd_deaths_per_million_15_64", "all_ages_total"): ("DRD-RATE-ALLAGES-DEATHS",
                                                                     "rate_from_all_ages_deaths"),
                ("drd_deaths_per_million_all_ages", "all_ages_total"): ("DRD-RATE-ALL-AGES", None),
                ("drd_deaths", None): ("DRD-TOTAL", None)}


def _derived_death_sources(edition: str, death_tables: dict[tuple[str, str], str]) -> list[dict]:
    """The sources rows of our computations, naming the EMCDDA tables each one reads."""
    male, female = death_tables[("male", "total")], death_tables[("female", "total")]
    bands = f"{death_tables[('total', AGE_BANDS_15_64[0])]} to {death_tables[('total', AGE_BANDS_15_64[-1])]}"
    bulletin = f"EMCDDA, Statistical Bulletin {edition}"
    wpp = "UN World Population Prospects 2017"
    common = {"publisher": "Drug Policy Atlas (computed)", "url": f"https://www.emcdda.europa.eu/data/stats{edition}",
              "licence": EMCDDA_LICENCE, "origin": f"computed by queries/{DERIVED_DEATHS_QUERY}.sql",
              "kind": "computed", "edition_inferred": True, "retrieved": None}
    rows = [
        {"source_id": f"DPA-SB{edition}-DRD-TOTAL", "title": f"Drug-induced deaths, male + female ({male} + {female})",
         "edition": f"Statistical Bulletin {edition}", "table_id": f"{male}+{female}",
         "attribution": f"Computed by Drug Policy Atlas from {bulletin}, tables {male} and {female}."},
        {"source_id": f"DPA-SB{edition}-DRD-RATE",
         "title": "Drug-induced deaths aged 15-64 per million population aged 15-64 (the EMCDDA definition)",
         "edition": f"Statistical Bulletin {edition}; UN WPP 2017", "table_id": f"{bands} / WPP2017 15-64",
         "attribution": f"Computed by Drug Policy Atlas from {bulletin}, tables {bands} (deaths aged 15-64), "
                        f"and {wpp} (population 15-64)."},
        {"source_id": f"DPA-SB{edition}-DRD-RATE-ALLAGES-DEATHS",
         "title": "Drug-induced deaths at all ages per million population aged 15-64 (age bands not reported; "
                  "not the EMCDDA definition)",
         "edition": f"Statistical Bulletin {edition}; UN WPP 2017", "table_id": f"{male}+{female} / WPP2017 15-64",
         "attribution": f"Computed by Drug Policy Atlas from {bulletin}, tables {male} and {female} (deaths at "
                        f"all ages, as no age bands were reported), and {wpp} (population 15-64)."},
        {"source_id": f"DPA-SB{edition}-DRD-RATE-ALL-AGES",
         "title": "Drug-induced deaths per million population (all ages)",
         "edition": f"Statistical Bulletin {edition}; UN WPP 2017", "table_id": f"{male}+{female} / WPP2017 total",
         "attribution": f"Computed by Drug Policy Atlas from {bulletin}, tables {male} and {female}, and {wpp} "
                        f"(whole population)."},
    ]
    return [dict(common, **row, full_credit=row["attribution"]) for row in rows]


def _derive_death_rows(facts: list[Fact], population: list[tuple], edition: str) -> list[Fact]:
    """The all-sexes total and the two rates (queries/build/drug_induced_death_rates.sql), with their flags.

    Also flags every drd_deaths row of a country-year whose age bands add up to more than male + female, or are
    all zero beside a positive male + female."""
    deaths = [f for f in facts if f.indicator_id == "drd_deaths"]
    emcdda_deaths = pa.table({
        "iso3": [f.iso3 for f in deaths], "year": pa.array([f.year for f in deaths], pa.int16()),
        "sex": [f.sex for f in deaths], "age_group": [f.age_group for f in deaths],
        "value": pa.array([f.value for f in deaths], pa.float64()), "country_note": [f.country_note for f in deaths]})
    population_table = pa.table({
        "iso3": [r[0] for r in population], "year": pa.array([r[1] for r in population], pa.int16()),
        **{name: pa.array([r[i] for r in population], pa.float64())
           for i, name in enumerate(["pop_0_14", "pop_15_64", "pop_65_plus"], start=2)},
        "is_projection": [r[1] > POPULATION_LAST_ESTIMATE for r in population]})
    rows = db.run_on_tables(DERIVED_DEATHS_QUERY, {"emcdda_deaths": emcdda_deaths, "population": population_table})
    prefix = f"DPA-SB{edition}"
    disagree = {(r["iso3"], r["year"]) for r in rows
                if r["bands_total"] is not None and r["sexes_total"] is not None
                and r["bands_total"] > r["sexes_total"]}
    all_zero = {(r["iso3"], r["year"]) for r in rows
                if r["bands_total"] == 0 and r["sexes_total"] is not None and r["sexes_total"] > 0}
    derived = []
    for row in rows:
        # a rate without a value has no method; it keeps the definition's source
        suffix, method_flag = RATE_METHODS.get((row["indicator_id"], row["method"]), ("DRD-RATE", None))
        flags = tuple(flag for flag, present in [
            (method_flag, method_flag is not None),
            ("population_projected", row["projected_population"]),
            ("age_bands_exceed_sex_total", (row["iso3"], row["year"]) in disagree),
            ("age_bands_all_zero", (row["iso3"], row["year"]) in all_zero)] if present)
        derived.append(Fact(row["iso3"], row["year"], row["indicator_id"], "total", "total", row["value"],
                            f"{prefix}-{suffix}", bool(row["country_note"]), None, row["numerator"],
                            row["denominator"], flags))
    for index, fact in enumerate(facts):
        key = (fact.iso3, fact.year)
        if fact.indicator_id == "drd_deaths" and (key in disagree or key in all_zero):
            flag = "age_bands_exceed_sex_total" if key in disagree else "age_bands_all_zero"
            facts[index] = fact._replace(quality_flags=(*fact.quality_flags, flag))
    return derived

