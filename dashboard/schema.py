"""The extract schema, declared once: per extract its file, grain and columns with their DuckDB types.

The build writes every Parquet file through `conform` (columns in this order, these types), the app registers
its views and checks the files against it (dashboard/db.py), the generic contracts (unique grain, no NULL in the
grain: queries/contracts/<view>_grain.sql) are generated from it by `python -m dashboard.schema`, and tests hold
those files and data/README.md's column tables to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa


@dataclass(frozen=True)
class Extract:
    view: str  # the DuckDB view the queries read
    file: str
    grain: tuple[str, ...]  # one row per distinct value of these columns, none of them NULL
    columns: dict[str, str]  # name -> DuckDB type, in file order


def _columns(spec: str) -> dict[str, str]:
    """'iso3 VARCHAR, year SMALLINT, ...' -> {'iso3': 'VARCHAR', 'year': 'SMALLINT', ...}"""
    return dict(item.split() for item in spec.replace("\n", " ").split(","))


EXTRACTS: dict[str, Extract] = {extract.view: extract for extract in (
    Extract("facts", "facts.parquet", ("iso3", "year", "indicator_id", "sex", "age_group"), _columns(
        "iso3 VARCHAR, year SMALLINT, indicator_id VARCHAR, sex VARCHAR, age_group VARCHAR, value DOUBLE,"
        "source_id VARCHAR, country_note BOOLEAN, flag VARCHAR, numerator DOUBLE, denominator DOUBLE,"
        "quality_flags VARCHAR, value_note VARCHAR, value_note_no VARCHAR")),
    # What the facts cover (queries/build/fact_coverage.sql): the catalog reads this, not every fact.
    Extract("fact_coverage", "fact_coverage.parquet", ("indicator_id", "sex", "age_group", "year", "source_id"),
            _columns("indicator_id VARCHAR, sex VARCHAR, age_group VARCHAR, year SMALLINT, source_id VARCHAR,"
                     "reports INTEGER")),
    Extract("indicators", "indicators.parquet", ("indicator_id",), _columns(
        "indicator_id VARCHAR, label VARCHAR, topic VARCHAR, unit VARCHAR, kind VARCHAR, definition VARCHAR,"
        "caveat VARCHAR, label_no VARCHAR, definition_no VARCHAR, caveat_no VARCHAR, source_id VARCHAR")),
    Extract("countries", "countries.parquet", ("iso3",), _columns(
        "iso3 VARCHAR, iso2 VARCHAR, eurostat_code VARCHAR, name_en VARCHAR, name_no VARCHAR, eu27 BOOLEAN,"
        "nordic BOOLEAN, emcdda_reporting BOOLEAN, has_hat_programme BOOLEAN, region VARCHAR, part_of VARCHAR,"
        "on_map BOOLEAN, interior_lat DOUBLE, interior_lon DOUBLE")),
    Extract("population", "population.parquet", ("iso3", "year"), _columns(
        "iso3 VARCHAR, year SMALLINT, pop_0_14 DOUBLE, pop_15_64 DOUBLE, pop_65_plus DOUBLE, is_projection BOOLEAN,"
        "source_id VARCHAR")),
    Extract("programmes", "programmes.parquet", ("programme_id",), _columns(
        "programme_id VARCHAR, country VARCHAR, iso3 VARCHAR, city_or_sites VARCHAR, programme_name VARCHAR,"
        "programme_name_en VARCHAR, programme_type VARCHAR, phase VARCHAR, start_date VARCHAR, end_date VARCHAR,"
        "status VARCHAR, status_as_of VARCHAR, patients_numeric_year VARCHAR, patients_numeric_basis VARCHAR,"
        "patients VARCHAR, patients_note VARCHAR, capacity_note VARCHAR, eligibility VARCHAR,"
        "medication_form VARCHAR, conflict_flag VARCHAR, notes VARCHAR, outcomes VARCHAR,"
        "city_or_sites_no VARCHAR, programme_type_no VARCHAR, status_no VARCHAR, patients_numeric_basis_no VARCHAR,"
        "patients_no VARCHAR, patients_note_no VARCHAR, capacity_note_no VARCHAR, eligibility_no VARCHAR,"
        "medication_form_no VARCHAR, conflict_flag_no VARCHAR, notes_no VARCHAR, outcomes_no VARCHAR,"
        "treated_patients BOOLEAN,"
        "display_group VARCHAR, start_year SMALLINT, end_year SMALLINT, patients_numeric INTEGER,"
        "source_titles VARCHAR[], source_urls VARCHAR[], source_id VARCHAR")),
    Extract("programme_claims", "programme_claims.parquet", ("claim_id",), _columns(
        "claim_id VARCHAR, programme_id VARCHAR, field VARCHAR, claimed_value VARCHAR, claim_status VARCHAR,"
        "source_title VARCHAR, source_url VARCHAR, note VARCHAR, no_url_reason VARCHAR, note_no VARCHAR")),
    # The claim register (data/reference/claims.csv, dashboard/build/claims.py): numbers from the news.
    Extract("claims", "claims.parquet", ("claim_id",), _columns(
        "claim_id VARCHAR, seed_file VARCHAR, claimant VARCHAR, outlet VARCHAR, url VARCHAR, no_url_reason VARCHAR,"
        "published VARCHAR, language VARCHAR, quote VARCHAR, note VARCHAR, claim_kind VARCHAR, iso3 VARCHAR,"
        "geography VARCHAR, value VARCHAR, unit VARCHAR, counts VARCHAR, comparison VARCHAR, rank_scope VARCHAR,"
        "programme_claim_id VARCHAR, programme_id VARCHAR, verdict VARCHAR, reason VARCHAR, note_no VARCHAR,"
        "reason_no VARCHAR, year SMALLINT,"
        "base_year SMALLINT, rank_claimed SMALLINT, rank_top BOOLEAN")),
    Extract("programme_sources", "programme_sources.parquet", ("programme_id", "field", "source_title", "quote"),
            _columns("programme_id VARCHAR, field VARCHAR, source_title VARCHAR, source_url VARCHAR,"
                     "source_kind VARCHAR, quote VARCHAR, no_url_reason VARCHAR, accessed VARCHAR")),
    Extract("programme_sites", "programme_sites.parquet", ("programme_id", "site"), _columns(
        "programme_id VARCHAR, site VARCHAR, lat DOUBLE, lon DOUBLE, source_url VARCHAR")),
    # HAT cities (dashboard/build/cities.py): a city's figure and the population it is read against.
    Extract("hat_cities", "hat_cities.parquet", ("city", "programme_id", "measure", "as_of"), _columns(
        "city VARCHAR, iso3 VARCHAR, programme_id VARCHAR, measure VARCHAR, as_of VARCHAR, counts_what VARCHAR,"
        "note VARCHAR, source_title VARCHAR, source_url VARCHAR, quote VARCHAR, accessed VARCHAR,"
        "population_date VARCHAR, population_area VARCHAR, population_publisher VARCHAR, population_url VARCHAR,"
        "population_quote VARCHAR, counts_what_no VARCHAR, note_no VARCHAR,"
        "value INTEGER, population INTEGER, as_of_year SMALLINT, population_year SMALLINT")),
    Extract("quality_flags", "quality_flags.parquet", ("flag",), _columns(
        "flag VARCHAR, label VARCHAR, explanation VARCHAR, label_no VARCHAR, explanation_no VARCHAR")),
    Extract("sources", "sources.parquet", ("source_id",), _columns(
        "source_id VARCHAR, title VARCHAR, publisher VARCHAR, edition VARCHAR, table_id VARCHAR, url VARCHAR,"
        "licence VARCHAR, attribution VARCHAR, full_credit VARCHAR, origin VARCHAR, retrieved VARCHAR,"
        "kind VARCHAR, edition_inferred BOOLEAN")),
)}
# The breakdowns a fact can have, in the order people read them (not alphabetical): EMCDDA 5-year bands and
# Eurostat's broad bands. The contract facts_known_keys and the pickers use these lists.
SEXES = ("total", "male", "female")
AGE_GROUPS = ("total", "<15", "15-19", "15-29", "20-24", "25-29", "30-34", "30-44", "35-39", "40-44", "45-49",
              "45-64", "50-54", "55-59", "60-64", "65+")
BY_FILE = {extract.file: extract for extract in EXTRACTS.values()}
MAP_SHAPES = "europe.geojson"  # beside the Parquet extracts; checked when read (dashboard/basemap.py)
FILES = (*BY_FILE, MAP_SHAPES)

_ARROW_TYPES = {"VARCHAR": pa.string(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
                "BOOLEAN": pa.bool_(), "VARCHAR[]": pa.list_(pa.string())}


def arrow_schema(extract: Extract) -> pa.Schema:
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in extract.columns.items()])


def conform(file_name: str, table: pa.Table) -> pa.Table:
    """The table with the declared columns in the declared order and types; ValueError if a column is missing,
    undeclared, or cannot be cast (the build must not write an extract the app would refuse)."""
    extract = BY_FILE[file_name]
    missing = [name for name in extract.columns if name not in table.column_names]
    extra = [name for name in table.column_names if name not in extract.columns]
    if missing or extra:
        raise ValueError(f"{file_name}: columns missing {missing}, not declared {extra} (dashboard/schema.py)")
    return table.select(list(extract.columns)).cast(arrow_schema(extract))


def grain_contract_sql(extract: Extract) -> str:
    """The generic contract of an extract: rows that repeat its grain or leave part of it NULL."""
    key = ", ".join(extract.grain)
    shown = " || ' ' || ".join(f"coalesce({column}::varchar, 'NULL')" for column in extract.grain)
    nulls = " or ".join(f"{column} is null" for column in extract.grain)
    return (f"-- {extract.view}_grain: one row per {', '.join(extract.grain)} in {extract.file}, none of them NULL.\n"
            f"-- Generated from dashboard/schema.py by `python -m dashboard.schema`; do not edit.\n"
            f"-- params:  none\n"
            f"-- returns: one row per problem: problem\n"
            f"select 'duplicate {extract.view} row ' || {shown} || ' (' || count(*) || ' rows)' as problem\n"
            f"from {extract.view}\ngroup by {key}\nhaving count(*) > 1\n"
            f"union all\n"
            f"select '{extract.view} row with NULL in its key ' || {shown}\nfrom {extract.view}\nwhere {nulls}\n")


def write_grain_contracts(folder: Path) -> list[Path]:
    written = []
    for extract in EXTRACTS.values():
        path = folder / f"{extract.view}_grain.sql"
        path.write_text(grain_contract_sql(extract), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    from dashboard import settings

    for path in write_grain_contracts(settings.QUERIES_DIR / "contracts"):
        print(f"wrote {path}")
