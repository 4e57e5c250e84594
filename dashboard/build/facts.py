"""The facts table: one row type, series flags by judgement, the headline source per indicator, the Parquet layout."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pyarrow as pa

from dashboard import db, schema
from dashboard.sources import SourceError

COVERAGE_QUERY = "build/fact_coverage"


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
    note_no: str | None = None  # the same in Norwegian



def _apply_series_flags(facts: list[Fact], series_flags: list[dict[str, str]], path: Path) -> list[Fact]:
    """Flag whole series by hand-made judgement (data/reference/series_flags.csv), e.g. the UK's OST counts."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for number, row in enumerate(series_flags, start=2):
        if not row["evidence"].strip():
            raise SourceError(path, "a series flag needs its evidence", row=number, column="evidence")
        wanted.setdefault((row["iso3"], row["indicator_id"]), []).append(row["flag"])
    return [fact._replace(quality_flags=(*fact.quality_flags, *wanted[(fact.iso3, fact.indicator_id)]))
            if (fact.iso3, fact.indicator_id) in wanted else fact for fact in facts]



def _headline_sources(facts: list[Fact]) -> dict[str, str]:
    """Per indicator, the source of most of its headline (all sexes, all ages) values."""
    counts: dict[str, dict[str, int]] = {}
    for fact in facts:
        if fact.sex == "total" and fact.age_group == "total" and fact.value is not None:
            per_source = counts.setdefault(fact.indicator_id, {})
            per_source[fact.source_id] = per_source.get(fact.source_id, 0) + 1
    return {indicator: max(sorted(per_source), key=per_source.__getitem__) for indicator, per_source in counts.items()}


def _facts_table(facts: list[Fact], flag_labels: dict[str, tuple[str, str]], flags_path: Path) -> pa.Table:
    """facts.parquet: quality flags as comma-separated codes plus their labels in words, in English (value_note)
    and Norwegian (value_note_no); flag_labels: flag -> (English, Norwegian) label. A national figure's own note
    (its publisher and definition, as published) follows in both."""
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
        **{name: pa.array(["; ".join([*(flag_labels[f][lang] for f in flags), *([note] if note else [])]) or None
                           for flags, note in zip(column["quality_flags"], column[note_column], strict=True)],
                          pa.string())
           for name, lang, note_column in (("value_note", 0, "note"), ("value_note_no", 1, "note_no"))},
    })



def fact_coverage_table(facts: pa.Table) -> pa.Table:
    """fact_coverage.parquet: what the facts cover per indicator, breakdown, year and source
    (queries/build/fact_coverage.sql), so that the pages' first queries never scan every fact."""
    rows = db.run_on_tables(COVERAGE_QUERY, {"facts": facts})
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema(schema.EXTRACTS["fact_coverage"]))
