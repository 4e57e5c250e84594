"""Build the Parquet extracts in data/extracts from the raw sources, validate them, then swap them in.

Run: python -m dashboard build [--source-dir ../shared/data] [--emcdda-dir DIR --emcdda-edition 2020]
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import contracts, db, settings, sources
from dashboard.sources import SourceError

# EMCDDA workbooks in their downloaded layout: file -> (indicator, sex, age group). The sheet name is the table ID.
EMCDDA_WIDE_TABLES = {
    "drugDeaths/maleDeaths.xlsx": ("drd_deaths", "male", "total"),
    "drugDeaths/femaleDeaths.xlsx": ("drd_deaths", "female", "total"),
    **{f"drugDeaths/deaths{band}.xlsx": ("drd_deaths", "total", band.replace("-inf", "+"))
       for band in ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
                    "55-59", "60-64", "65-inf"]},
    "drugDeaths/meanDeathAge.xlsx": ("drd_mean_age_at_death", "total", "total"),
    "socialResponses/methadoneClients.xlsx": ("ost_methadone_clients", "total", "total"),
    "socialResponses/syringesProvision.xlsx": ("syringes_distributed", "total", "total"),
    **{f"drugOffenses/{drug}{kind}.xlsx": (f"dlo_offences_{drug}_{offence}", "total", "total")
       for drug in ["cannabis", "heroin", "cocaine", "ecstasy"]
       for kind, offence in [("Users", "use"), ("Suppliers", "supply")]},
    **{f"treatmentDemand_throughTheYears/{drug}Treatment.xlsx": (f"tdi_entrants_{drug}", "total", "total")
       for drug in ["heroin", "cocaine", "cannabis"]},
}
EMCDDA_OST_BY_MEDICATION = "socialResponses/opioidSubstitutionTreatment.xlsx"
POPULATION_YEARS = range(1990, 2031)
POPULATION_LAST_ESTIMATE = 2015  # WPP 2017: later years are projections
ROW_GROUP_SIZE = 262_144
EXTRACT_FILES = ["facts.parquet", "indicators.parquet", "countries.parquet", "population.parquet",
                 "programmes.parquet", "programme_claims.parquet", "programme_sources.parquet", "sources.parquet",
                 "quality_flags.parquet", "europe.geojson"]


@dataclass(frozen=True)
class BuildInputs:
    """Where each raw source lives; defaults follow the ../shared/data layout."""

    source_dir: Path
    emcdda_dir: Path
    emcdda_edition: str
    reference_dir: Path

    @classmethod
    def from_source_dir(cls, source_dir: Path, emcdda_dir: Path | None = None, emcdda_edition: str = "2019",
                        reference_dir: Path | None = None) -> BuildInputs:
        return cls(source_dir=source_dir,
                   emcdda_dir=emcdda_dir or source_dir / "emcdda_statistical_bulletin_2019" / "raw",
                   emcdda_edition=emcdda_edition,
                   reference_dir=reference_dir or settings.REFERENCE_DIR)


class BuildError(Exception):
    """The build stopped; the previous extracts are untouched."""


def _read_reference(path: Path, required: list[str]) -> list[dict[str, str]]:
    header, rows = sources._read_csv(path)  # also checks every row has the header's width
    sources._require_columns(path, header, required)
    return [dict(zip(header, row, strict=True)) for row in rows if row]


def _boolean(text: str, path: Path, row: int, column: str) -> bool:
    if text not in ("true", "false"):
        raise SourceError(path, f"expected true or false, found {text!r}", row=row, column=column)
    return text == "true"


def _int_or_none(text: str | None) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    return int(float(text))


class Fact(NamedTuple):
    """One row of facts.parquet (columns documented in data/README.md)."""

    iso3: str
    year: int
    indicator_id: str
    sex: str
    age_group: str
    value: float | None
    source_id: str
    country_note: bool = False
    flag: str | None = None  # a letter as published (Eurostat)
    numerator: float | None = None  # for rates: the deaths and the population the value came from
    denominator: float | None = None
    quality_flags: tuple[str, ...] = ()  # our flags (data/reference/quality_flags.csv)
    note: str | None = None  # said of this value alone (a national figure's definition), after the flags


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


def _derive_death_rows(facts: list[Fact], population: list[tuple], derived_sources: list[dict]) -> list[Fact]:
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
    prefix = derived_sources[0]["source_id"].rsplit("-DRD-", 1)[0]
    disagree = {(r["iso3"], r["year"]) for r in rows
                if r["bands_total"] is not None and r["sexes_total"] is not None
                and r["bands_total"] > r["sexes_total"]}
    all_zero = {(r["iso3"], r["year"]) for r in rows
                if r["bands_total"] == 0 and r["sexes_total"] is not None and r["sexes_total"] > 0}
    derived = []
    for row in rows:
        suffix, method_flag = RATE_METHODS.get((row["indicator_id"], row["method"]), ("DRD-RATE", None))
        if row["indicator_id"] == "drd_deaths":
            suffix = "DRD-TOTAL"
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


def _apply_series_flags(facts: list[Fact], series_flags: list[dict[str, str]], path: Path) -> list[Fact]:
    """Flag whole series by hand-made judgement (data/reference/series_flags.csv), e.g. the UK's OST counts."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for number, row in enumerate(series_flags, start=2):
        if not row["evidence"].strip():
            raise SourceError(path, "a series flag needs its evidence", row=number, column="evidence")
        wanted.setdefault((row["iso3"], row["indicator_id"]), []).append(row["flag"])
    return [fact._replace(quality_flags=(*fact.quality_flags, *wanted[(fact.iso3, fact.indicator_id)]))
            if (fact.iso3, fact.indicator_id) in wanted else fact for fact in facts]


EMCDDA_LICENCE = "EMCDDA/EUDA: reproduction authorised provided the source is acknowledged"
# Where the shipped EMCDDA workbooks were copied from (../shared/data/emcdda_statistical_bulletin_2019/PROVENANCE.md).
EMCDDA_SHIPPED_COPY = ("danilo1214/PR20ddpdjphv@4e22ef4854b1d15fd7c3be13ce5a35f630c9aa41 (a student project's "
                       "byte-identical copy of the EMCDDA downloads, exported 2020-03-20), path tables/")
SOURCE_COLUMNS = ["source_id", "title", "publisher", "edition", "table_id", "url", "licence", "attribution",
                  "full_credit", "origin", "retrieved", "kind"]


def _emcdda_sources(inputs: BuildInputs, tables: dict[str, tuple[str, str]]) -> list[dict]:
    """One sources row per EMCDDA table, saying which copy of the workbook we read and that the edition is inferred."""
    shipped = inputs.emcdda_dir.resolve() == BuildInputs.from_source_dir(inputs.source_dir).emcdda_dir.resolve()
    edition = inputs.emcdda_edition
    rows = []
    for source_id, (table_id, relative) in sorted(tables.items()):
        credit = f"EMCDDA, Statistical Bulletin {edition}, table {table_id}."
        origin = (EMCDDA_SHIPPED_COPY + relative.replace("treatmentDemand_throughTheYears/",
                                                         "treatmentDemand/throughTheYears/")
                  if shipped else f"workbook {relative} in the folder given to the build (--emcdda-dir)")
        rows.append({
            "source_id": source_id, "title": f"Statistical Bulletin {edition}, table {table_id}",
            "publisher": "EMCDDA (now EUDA)",
            "edition": f"Statistical Bulletin {edition} (inferred from the latest data year, not stated in the files)",
            "table_id": table_id, "url": f"https://www.emcdda.europa.eu/data/stats{edition}",
            "licence": EMCDDA_LICENCE, "attribution": credit, "full_credit": credit, "origin": origin,
            "retrieved": "2020-05-27 (date of the copy's commit; the EMCDDA export is dated 2020-03-20)"
                         if shipped else None,
            "kind": "external", "edition_inferred": True})
    return rows


def _headline_sources(facts: list[Fact]) -> dict[str, str]:
    """Per indicator, the source of most of its headline (all sexes, all ages) values."""
    counts: dict[str, dict[str, int]] = {}
    for fact in facts:
        if fact.sex == "total" and fact.age_group == "total" and fact.value is not None:
            per_source = counts.setdefault(fact.indicator_id, {})
            per_source[fact.source_id] = per_source.get(fact.source_id, 0) + 1
    return {indicator: max(sorted(per_source), key=per_source.__getitem__) for indicator, per_source in counts.items()}


def _facts_table(facts: list[Fact], flag_labels: dict[str, str], flags_path: Path) -> pa.Table:
    """facts.parquet: quality flags as comma-separated codes plus their labels in words (value_note)."""
    unknown = sorted({flag for fact in facts for flag in fact.quality_flags} - set(flag_labels))
    if unknown:
        raise SourceError(flags_path, f"flag {unknown[0]!r} is used but not defined")
    column = {name: [getattr(fact, name) for fact in facts] for name in Fact._fields}
    return pa.table({
        "iso3": pa.array(column["iso3"], pa.string()),
        "year": pa.array(column["year"], pa.int16()),
        "indicator_id": pa.array(column["indicator_id"], pa.string()),
        "sex": pa.array(column["sex"], pa.string()),
        "age_group": pa.array(column["age_group"], pa.string()),
        "value": pa.array(column["value"], pa.float64()),
        "source_id": pa.array(column["source_id"], pa.string()),
        "country_note": pa.array(column["country_note"], pa.bool_()),
        "flag": pa.array(column["flag"], pa.string()),
        "numerator": pa.array(column["numerator"], pa.float64()),
        "denominator": pa.array(column["denominator"], pa.float64()),
        "quality_flags": pa.array([",".join(flags) or None for flags in column["quality_flags"]], pa.string()),
        "value_note": pa.array(["; ".join([*(flag_labels[f] for f in flags), *([note] if note else [])]) or None
                                for flags, note in zip(column["quality_flags"], column["note"], strict=True)],
                               pa.string()),
    })


# National figures as published (data/reference/national_figures.csv): measure -> indicator.
NATIONAL_MEASURES = {"deaths": "national_drug_deaths",
                     "rate_per_million_age_standardised": "national_drug_death_rate_age_std"}
NATIONAL_COLUMNS = ["iso3", "geography", "year", "measure", "value", "unit", "definition", "publisher",
                    "source_title", "source_url", "published", "quote", "accessed", "note"]


def _national_figures(rows: list[dict[str, str]], countries: list[dict[str, str]],
                      path: Path) -> tuple[list[Fact], list[dict]]:
    """Facts and one sources row per value: each national figure cites the page it was read from."""
    geography = {(c["part_of"] or c["iso3"], c["name_en"]): c["iso3"] for c in countries}
    facts, cited = [], []
    for number, row in enumerate(rows, start=2):
        code = geography.get((row["iso3"], row["geography"]))
        if code is None:
            raise SourceError(path, f"unknown geography {row['geography']!r} of {row['iso3']!r} (add it to "
                                    f"countries.csv, with part_of for a part of a country)", row=number,
                              column="geography")
        indicator = NATIONAL_MEASURES.get(row["measure"])
        if indicator is None:
            raise SourceError(path, f"unknown measure {row['measure']!r}; known: {', '.join(NATIONAL_MEASURES)}",
                              row=number, column="measure")
        for column in ("source_title", "quote", "publisher", "definition"):
            if not row[column].strip():
                raise SourceError(path, f"every national figure needs its {column}", row=number, column=column)
        if not row["source_url"].startswith(("https://", "http://")):
            raise SourceError(path, "expected the URL of the page the figure was read from", row=number,
                              column="source_url")
        year = sources._parse_year(row["year"], path, number, "year")
        value = sources.parse_number(row["value"], path, None, number, "value")
        source_id = f"NAT-{code}-{year}-{row['measure']}"
        published = f", {row['published']}" if row["published"] else ""
        credit = f"{row['publisher']}{published}, as quoted in: {row['source_title']}."
        cited.append({
            "source_id": source_id, "title": row["source_title"], "publisher": row["publisher"],
            "edition": row["published"] or "publication date not shown on the page", "table_id": None,
            "url": row["source_url"], "licence": "the publisher's terms (not verified; quoted as a published fact)",
            "attribution": credit, "full_credit": f"{credit} Quote: \"{row['quote']}\"",
            "origin": f"stored copy of {row['source_url']}, read for data/reference/national_figures.csv",
            "retrieved": row["accessed"] or None, "kind": "external", "edition_inferred": False})
        facts.append(Fact(code, year, indicator, "total", "total", value, source_id,
                          quality_flags=("national_definition",),
                          note=f"{row['publisher']} ({row['geography']}): {row['definition']}"))
    return facts, cited


# The HAT register (data/reference/programmes.csv, programme_sources.csv, programme_claims.csv).
PROGRAMME_TEXT_COLUMNS = ["programme_id", "country", "iso3", "city_or_sites", "programme_name", "programme_name_en",
                          "programme_type", "phase", "start_date", "end_date", "status", "status_as_of",
                          "patients_numeric_year", "patients_numeric_basis", "patients", "patients_note",
                          "capacity_note", "eligibility", "medication_form", "conflict_flag", "notes"]
PROGRAMME_NUMBER_COLUMNS = ["start_year", "end_year", "patients_numeric"]
PROGRAMME_PHASES = ["trial", "pilot", "regular", "unsupervised_prescribing", "planned", "vetoed"]
PROGRAMME_SOURCE_COLUMNS = ["programme_id", "field", "source_title", "source_url", "source_kind", "quote",
                            "no_url_reason", "accessed"]
CLAIM_COLUMNS = ["claim_id", "programme_id", "field", "claimed_value", "claim_status", "source_title", "source_url",
                 "note", "no_url_reason"]


def _display_group(programme: dict) -> str:
    """How a programme is drawn (colour and symbol on the map, timeline and trend): its phase, except that a
    programme with an end and an 'ended'/'closed' status is drawn as ended, and planned or vetoed ones alike."""
    phase = programme["phase"]
    if phase in ("planned", "vetoed"):
        return "planned/never implemented"
    if phase == "unsupervised_prescribing":
        return "unsupervised prescribing"
    if programme["end_year"] and programme["status"].lower().startswith(("ended", "closed")):
        return "ended"
    return phase


def _programmes_table(programmes: list[dict], programme_sources: list[dict]) -> pa.Table:
    """programmes.parquet: the register, with its distinct source titles and URLs (details per field are in
    programme_sources.parquet) and the group each programme is drawn in."""
    titles: dict[str, list[str]] = {}
    urls: dict[str, list[str]] = {}
    for row in programme_sources:
        for target, value in ((titles, row["source_title"]), (urls, row["source_url"])):
            listed = target.setdefault(row["programme_id"], [])
            if value and value not in listed:
                listed.append(value)
    return pa.table({
        **{column: pa.array([p[column] or None for p in programmes], pa.string()) for column in PROGRAMME_TEXT_COLUMNS},
        "treated_patients": pa.array([p["treated_patients"] for p in programmes], pa.bool_()),
        "display_group": pa.array([_display_group(p) for p in programmes], pa.string()),
        "start_year": pa.array([_int_or_none(p["start_year"]) for p in programmes], pa.int16()),
        "end_year": pa.array([_int_or_none(p["end_year"]) for p in programmes], pa.int16()),
        "patients_numeric": pa.array([_int_or_none(p["patients_numeric"]) for p in programmes], pa.int32()),
        "source_titles": pa.array([" ; ".join(titles.get(p["programme_id"], [])) or None for p in programmes],
                                  pa.string()),
        "source_urls": pa.array([" ; ".join(urls.get(p["programme_id"], [])) or None for p in programmes],
                                pa.string()),
        "source_id": pa.array(["HAT-COMPILED"] * len(programmes), pa.string()),
    })


def build_tables(inputs: BuildInputs) -> dict[str, pa.Table | dict]:
    """Read every source and return the extracts as Arrow tables (plus the map GeoJSON)."""
    ref = inputs.reference_dir
    countries = _read_reference(ref / "countries.csv", ["iso3", "iso2", "eurostat_code", "name_en", "name_no",
                                                        "emcdda_name", "owid_entity", "eu27", "nordic", "region",
                                                        "part_of"])
    national_rows = _read_reference(ref / "national_figures.csv", NATIONAL_COLUMNS)
    indicators = _read_reference(ref / "indicators.csv", ["indicator_id", "label", "topic", "unit", "kind",
                                                          "definition", "caveat"])
    source_rows = _read_reference(ref / "sources.csv", ["source_id", *SOURCE_COLUMNS[1:-1], "edition_inferred"])
    flag_rows = _read_reference(ref / "quality_flags.csv", ["flag", "label", "explanation"])
    flag_labels = {row["flag"]: row["label"] for row in flag_rows}
    series_flags = _read_reference(ref / "series_flags.csv", ["iso3", "indicator_id", "flag", "evidence"])
    claims = _read_reference(ref / "programme_claims.csv", CLAIM_COLUMNS)
    by_emcdda = {c["emcdda_name"]: c["iso3"] for c in countries if c["emcdda_name"]}
    by_owid = {c["owid_entity"]: c["iso3"] for c in countries if c["owid_entity"]}
    by_eurostat = {c["eurostat_code"]: c["iso3"] for c in countries if c["eurostat_code"]}
    known = {c["iso3"] for c in countries}

    facts: list[Fact] = []
    edition = inputs.emcdda_edition
    emcdda_tables: dict[str, str] = {}
    table_files: dict[str, Path] = {}

    def emcdda_source(table_id: str, path: Path) -> str:
        """The source ID of an EMCDDA table; two workbooks claiming one table ID means a mix-up."""
        if table_files.setdefault(table_id, path) != path:
            raise SourceError(path, f"sheet {table_id!r} is also the table in {table_files[table_id]}",
                              sheet=table_id)
        source_id = f"EMCDDA-SB{edition}-{table_id}"
        emcdda_tables[source_id] = (table_id, path.relative_to(inputs.emcdda_dir).as_posix())
        return source_id

    death_tables: dict[tuple[str, str], str] = {}  # (sex, age group) -> table ID, for the derived rows' sources
    for relative, (indicator_id, sex, age_group) in EMCDDA_WIDE_TABLES.items():
        sheet = sources.read_emcdda_wide(inputs.emcdda_dir / relative, by_emcdda)
        source_id = emcdda_source(sheet.table_id, inputs.emcdda_dir / relative)
        for iso3, year, value, has_note in sheet.rows:
            facts.append(Fact(iso3, year, indicator_id, sex, age_group, value, source_id, has_note))
        if indicator_id == "drd_deaths":
            death_tables[(sex, age_group)] = sheet.table_id

    ost_table, ost_rows = sources.read_emcdda_ost_by_medication(inputs.emcdda_dir / EMCDDA_OST_BY_MEDICATION,
                                                                by_emcdda)
    ost_source = emcdda_source(ost_table, inputs.emcdda_dir / EMCDDA_OST_BY_MEDICATION)
    for iso3, year, medication, value, has_note in ost_rows:
        facts.append(Fact(iso3, year, f"ost_clients_{medication}", "total", "total", value, ost_source, has_note))

    population = sources.read_owid_population(
        inputs.source_dir / "population_owid_unwpp2017" / "raw"
        / "Population by age group to 2100 (based on UNWPP, 2017 medium scenario).csv",
        by_owid, POPULATION_YEARS)

    derived_sources = _derived_death_sources(edition, death_tables)
    facts += _derive_death_rows(facts, population, derived_sources)

    for indicator_id, iso3, year, value in sources.read_ihme(inputs.source_dir / "owid_ihme_gbd2019_drug_deaths",
                                                             known):
        facts.append(Fact(iso3, year, indicator_id, "total", "total", value, "IHME-GBD2019"))

    for iso3, year, sex, age_group, value, flag in sources.read_eurostat_toxico(
            inputs.source_dir / "eurostat_hlth_cd_aro_extract" / "raw" / "estat_hlth_cd_aro.csv", by_eurostat):
        facts.append(Fact(iso3, year, "eurostat_toxico_deaths", sex, age_group, value, "EUROSTAT-HLTH_CD_ARO",
                          flag=flag))

    national_facts, national_sources = _national_figures(national_rows, countries, ref / "national_figures.csv")
    facts += national_facts

    geojson = sources.read_geojson(inputs.source_dir / "geo" / "europe_countries_50m_clipped.geojson")
    centroids = {feature["id"]: sources.centroid(feature["geometry"]) for feature in geojson["features"]}

    programmes_path = ref / "programmes.csv"
    programmes = _read_reference(programmes_path, PROGRAMME_TEXT_COLUMNS + PROGRAMME_NUMBER_COLUMNS
                                 + ["treated_patients"])
    programme_sources = _read_reference(ref / "programme_sources.csv", PROGRAMME_SOURCE_COLUMNS)
    for number, programme in enumerate(programmes, start=2):
        for column in PROGRAMME_NUMBER_COLUMNS:
            value = sources.parse_number(programme[column] or None, programmes_path, None, number, column)
            if value is not None and value != int(value):  # stored as integers: 1994.5 must not become 1994
                raise SourceError(programmes_path, f"expected a whole number, found {programme[column]!r}",
                                  row=number, column=column)
        if programme["phase"] not in PROGRAMME_PHASES:
            raise SourceError(programmes_path, f"phase must be one of {', '.join(PROGRAMME_PHASES)}, found "
                                               f"{programme['phase']!r}", row=number, column="phase")
        programme["treated_patients"] = _boolean(programme["treated_patients"], programmes_path, number,
                                                 "treated_patients")

    # "A country with a HAT programme": one that treated patients; a vetoed or planned one never counts.
    hat_countries = {p["iso3"] for p in programmes if p["treated_patients"]}
    countries_table = pa.table({
        "iso3": [c["iso3"] for c in countries],
        "iso2": [c["iso2"] or None for c in countries],  # NULL, not '', so the contracts see a blank
        "eurostat_code": [c["eurostat_code"] or None for c in countries],
        "name_en": [c["name_en"] or None for c in countries],
        "name_no": [c["name_no"] for c in countries],
        "eu27": [_boolean(c["eu27"], ref / "countries.csv", n, "eu27") for n, c in enumerate(countries, 2)],
        "nordic": [_boolean(c["nordic"], ref / "countries.csv", n, "nordic") for n, c in enumerate(countries, 2)],
        "emcdda_reporting": [bool(c["emcdda_name"]) for c in countries],
        "has_hat_programme": [c["iso3"] in hat_countries for c in countries],
        "region": [c["region"] for c in countries],
        "part_of": pa.array([c["part_of"] or None for c in countries], pa.string()),
        "on_map": [c["iso3"] in centroids for c in countries],
        "centroid_lat": pa.array([centroids.get(c["iso3"], (None, None))[0] for c in countries], pa.float64()),
        "centroid_lon": pa.array([centroids.get(c["iso3"], (None, None))[1] for c in countries], pa.float64()),
    })

    facts = _apply_series_flags(facts, series_flags, ref / "series_flags.csv")
    facts.sort(key=lambda row: (row.indicator_id, row.iso3, row.year, row.sex, row.age_group))
    facts_table = _facts_table(facts, flag_labels, ref / "quality_flags.csv")

    population_table = pa.table({
        "iso3": pa.array([r[0] for r in population], pa.string()),
        "year": pa.array([r[1] for r in population], pa.int16()),
        "pop_0_14": pa.array([r[2] for r in population], pa.float64()),
        "pop_15_64": pa.array([r[3] for r in population], pa.float64()),
        "pop_65_plus": pa.array([r[4] for r in population], pa.float64()),
        "is_projection": pa.array([r[1] > POPULATION_LAST_ESTIMATE for r in population], pa.bool_()),
        "source_id": pa.array(["UNWPP2017"] * len(population), pa.string()),
    }).sort_by([("iso3", "ascending"), ("year", "ascending")])

    all_sources = [dict(s, kind="external", edition_inferred=_boolean(s["edition_inferred"], ref / "sources.csv",
                                                                      n, "edition_inferred"))
                   for n, s in enumerate(source_rows, start=2)]
    all_sources += _emcdda_sources(inputs, emcdda_tables) + derived_sources + national_sources
    sources_table = pa.table({
        **{column: pa.array([s[column] or None for s in all_sources], pa.string()) for column in SOURCE_COLUMNS},
        "edition_inferred": pa.array([s["edition_inferred"] for s in all_sources], pa.bool_()),
    })

    indicator_source = _headline_sources(facts)
    indicators_table = pa.table({
        **{column: [i[column] for i in indicators] for column in
           ["indicator_id", "label", "topic", "unit", "kind", "definition", "caveat"]},
        "source_id": [indicator_source.get(i["indicator_id"]) for i in indicators],
    })

    programmes_table = _programmes_table(programmes, programme_sources)
    programme_sources_table = pa.table({column: pa.array([row[column] or None for row in programme_sources],
                                                         pa.string()) for column in PROGRAMME_SOURCE_COLUMNS})
    claims_table = pa.table({column: pa.array([c[column] or None for c in claims], pa.string())
                             for column in CLAIM_COLUMNS})
    return {
        "facts.parquet": facts_table, "indicators.parquet": indicators_table,
        "countries.parquet": countries_table, "population.parquet": population_table,
        "programmes.parquet": programmes_table, "programme_claims.parquet": claims_table,
        "programme_sources.parquet": programme_sources_table,
        "quality_flags.parquet": pa.table({column: pa.array([row[column] for row in flag_rows], pa.string())
                                           for column in ["flag", "label", "explanation"]}),
        "sources.parquet": sources_table, "europe.geojson": geojson,
    }


def write_tables(tables: dict[str, pa.Table | dict], folder: Path) -> None:
    for name, table in tables.items():
        path = folder / name
        if name.endswith(".geojson"):
            path.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        else:
            # No pandas metadata and fixed settings, so the same inputs give the same bytes. Row groups of 256 Ki
            # rows: facts is sorted by indicator_id and iso3, so min/max statistics skip most groups, and DuckDB
            # pays a fixed cost per row group per filtered column, which made 64 K-row groups about 2x slower per
            # query at 100 M rows (README.md, Performance). Today's facts (25 K rows) fit in one group either way.
            pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_SIZE, write_statistics=True)


_RENAME_EXCHANGE = 2


def _exchange_directories(first: Path, second: Path) -> None:
    """Atomically swap two directories (Linux renameat2); fall back to two renames elsewhere."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            return
    parked = second.with_name(second.name + ".old")
    os.replace(second, parked)
    os.replace(first, second)
    os.replace(parked, first)


def publish(tables: dict[str, pa.Table | dict], out_dir: Path) -> None:
    """Write to a temporary folder beside out_dir, validate, then swap it in; nothing is half-written."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".extracts-build-", dir=out_dir.parent))
    try:
        write_tables(tables, staging)
        problems = contracts.check(staging)
        if problems:
            raise BuildError("data contracts failed; previous extracts kept:\n  " + "\n  ".join(problems))
        for path in staging.iterdir():
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        if out_dir.exists():
            _exchange_directories(staging, out_dir)  # staging now holds the old extracts
        else:
            os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run(inputs: BuildInputs, out_dir: Path) -> dict[str, int]:
    """Build and publish; returns row counts per extract."""
    try:
        tables = build_tables(inputs)
    except SourceError as error:
        raise BuildError(f"cannot read source: {error}") from None
    publish(tables, out_dir)
    return {name: (len(t["features"]) if isinstance(t, dict) else t.num_rows) for name, t in tables.items()}


def main(args) -> int:
    source_dir = Path(args.source_dir)
    inputs = BuildInputs.from_source_dir(source_dir, Path(args.emcdda_dir) if args.emcdda_dir else None,
                                         args.emcdda_edition)
    started = time.perf_counter()
    try:
        counts = run(inputs, Path(args.out))
    except BuildError as error:
        print(f"build failed: {error}", flush=True)
        return 1
    for name, count in counts.items():
        print(f"{name:26} {count:>7} rows")
    print(f"built {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--source-dir", default=str(settings.SHARED_DATA_DIR),
                        help="folder holding the raw sources in the ../shared/data layout")
    parser.add_argument("--emcdda-dir", help="folder with EMCDDA workbooks (drugDeaths/, socialResponses/, ...)")
    parser.add_argument("--emcdda-edition", default="2019", help="Statistical Bulletin edition of those workbooks")
    parser.add_argument("--out", default=str(settings.DATA_DIR), help="extracts folder to replace")


