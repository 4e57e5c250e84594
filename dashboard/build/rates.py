"""Per-person versions of the count series of people in treatment (queries/build/per_capita_rates.sql): clients
in methadone treatment and treatment entrants per 100,000 aged 15-64, so countries of different sizes compare."""

from __future__ import annotations

import pyarrow as pa

from dashboard import db
from dashboard.build.facts import Fact
from dashboard.build.inputs import POPULATION_LAST_ESTIMATE
from dashboard.build.provenance import EMCDDA_LICENCE

PER_CAPITA_QUERY = "build/per_capita_rates"
# The count series given a rate per 100,000 aged 15-64 (each new series is declared in data/reference/indicators.csv).
PER_CAPITA = ("ost_methadone_clients", "tdi_entrants_heroin", "tdi_entrants_cocaine", "tdi_entrants_cannabis")
SUFFIX = "_per_100k_15_64"


def per_capita_source_id(source_id: str) -> str:
    return f"DPA-PC-{source_id}"


def derive_per_capita_rows(facts: list[Fact], population: list[tuple]) -> list[Fact]:
    counts = [f for f in facts if f.indicator_id in PER_CAPITA and f.sex == "total" and f.age_group == "total"]
    rows = db.run_on_tables(PER_CAPITA_QUERY, {
        "counts": pa.table({
            "iso3": [f.iso3 for f in counts], "year": pa.array([f.year for f in counts], pa.int16()),
            "indicator_id": [f.indicator_id for f in counts],
            "value": pa.array([f.value for f in counts], pa.float64()),
            "source_id": [f.source_id for f in counts], "country_note": [f.country_note for f in counts]}),
        "population": pa.table({
            "iso3": [r[0] for r in population], "year": pa.array([r[1] for r in population], pa.int16()),
            "pop_15_64": pa.array([r[3] for r in population], pa.float64()),
            "is_projection": [r[1] > POPULATION_LAST_ESTIMATE for r in population]})})
    return [Fact(row["iso3"], row["year"], row["indicator_id"], "total", "total", row["value"],
                 per_capita_source_id(row["source_id"]), bool(row["country_note"]), None, row["numerator"],
                 row["denominator"], ("population_projected",) if row["projected_population"] else ())
            for row in rows]


def per_capita_sources(facts: list[Fact], edition: str) -> list[dict]:
    """A sources row for each count table a per-person series is computed from."""
    tables = sorted({f.source_id for f in facts if f.indicator_id in PER_CAPITA})
    rows = []
    for source_id in tables:
        table = source_id.rsplit(f"SB{edition}-", 1)[-1]
        attribution = (f"Computed by Drug Policy Atlas from EMCDDA, Statistical Bulletin {edition}, table {table}, "
                       f"and UN World Population Prospects 2017 (population 15-64).")
        rows.append({"source_id": per_capita_source_id(source_id), "title": f"{table} per 100,000 aged 15-64",
                     "publisher": "Drug Policy Atlas (computed)",
                     "edition": f"Statistical Bulletin {edition}; UN WPP 2017", "table_id": f"{table} / WPP2017 15-64",
                     "url": f"https://www.emcdda.europa.eu/data/stats{edition}",
                     "licence": EMCDDA_LICENCE, "attribution": attribution, "full_credit": attribution,
                     "origin": f"computed by queries/{PER_CAPITA_QUERY}.sql", "retrieved": None, "kind": "computed",
                     "edition_inferred": True})
    return rows
