"""SYNTHETIC extracts at 10x, 100x, 10 million and 100 million fact rows, for benchmarks only.

Writes a folder with the real extract schemas (facts, countries, indicators, sources, programmes,
programme_claims, population, europe.geojson) that the app and every query in queries/ can read:

    python -m benchmarks.scale 100m                  # -> benchmarks/scaled/100m/
    DPA_DATA_DIR=benchmarks/scaled/100m .venv/bin/streamlit run app.py

Nothing in it is real: every fact has source_id 'SYNTHETIC' (one sources row says so), every indicator label
starts with 'SYNTHETIC', and the invented sub-national regions use ISO 3166 user-assigned codes (XAA..XZZ).
The programmes and their claims are copied unchanged so the programme pages still have content.

The facts grid is indicator x region x year (1990-2023) x breakdown, written already in the order of the
shipped extract (indicator_id, iso3, year) so no sort is needed. Indicators cycle through four breakdown
sets like the real data: all sexes and ages only (1 row per region and year), by sex (3), sex plus five-year
age bands (14), and every sex x age group (48). The 37 real countries come first in each indicator's block
and the regions after them, so the app's usual question (one indicator, the 30 EMCDDA countries, total/total)
touches a few row groups out of hundreds; min/max statistics on indicator_id and iso3 let DuckDB skip the rest.
The schema is yearly (one fact per iso3, year, indicator, sex and age group), so the volume comes from regions,
indicators and breakdowns, not months. Each row is decoded from its row number, so 100 M rows need no sort and
take about a minute on 2 cores (SYNTHETIC.json in the folder records the time, sizes and settings).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import string
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from dashboard import db, schema, settings
from dashboard.build.facts import COVERAGE_QUERY

SYNTHETIC = "SYNTHETIC"
GENERATOR_VERSION = 12  # 12: programmes, claims, programme_claims, hat_cities carry *_no prose (copied)
YEARS = (1990, 2023)
# Rows per Parquet row group. DuckDB 2.0 spends a fixed few microseconds per row group and filtered column even on
# groups that its min/max statistics skip, so at 100 M rows 64 Ki-row groups (1,541 of them) made the app's map
# and trend queries about 2x slower than 256 Ki (386); 512 Ki gained nothing more (docs/performance.md).
ROW_GROUP_SIZE = 262_144
DEFAULT_ROOT = settings.REPO_ROOT / "benchmarks" / "scaled"
SHIPPED_DIR = settings.SHIPPED_DATA_DIR  # the real extracts: read here, never written
COPIED_FILES = ["programmes.parquet", "programme_claims.parquet", "claims.parquet", "programme_sources.parquet",
                "programme_sites.parquet", "hat_cities.parquet", "population.parquet", "quality_flags.parquet",
                schema.MAP_SHAPES]
DEFAULT_INDICATOR = "drd_deaths_per_million_15_64"
# Real indicators first kept when a scale has fewer indicators than the shipped data (the default first).
INDICATOR_PRIORITY = [DEFAULT_INDICATOR, "drd_deaths", "drd_mean_age_at_death", "ost_methadone_clients",
                      "eurostat_toxico_deaths", "ihme_drug_use_disorder_deaths"]
AGES_5Y = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65+"]
AGES_ALL = list(schema.AGE_GROUPS)
SEXES = list(schema.SEXES)
# The four breakdown sets (sex, age_group), as the real indicators have them.
BREAKDOWNS = {
    1: [("total", "total")],
    3: [(sex, "total") for sex in SEXES],
    14: [(sex, "total") for sex in SEXES] + [("total", age) for age in AGES_5Y],
    48: [(sex, age) for sex in SEXES for age in AGES_ALL],
}


@dataclass(frozen=True)
class Scale:
    """The dimensions of one synthetic size; rows = regions x years x sum of the indicators' breakdowns."""

    name: str
    regions: int  # real countries (37) plus invented regions
    indicators: int

    def rows(self) -> int:
        """Fact rows (the breakdown cycle's rotation moves a few rows when indicators % 4 != 0)."""
        per_region_year = sum(_cycle(0)[p % 4] for p in range(self.indicators))
        return self.regions * (YEARS[1] - YEARS[0] + 1) * per_region_year


SCALES = {
    "10x": Scale("10x", regions=37, indicators=12),           # ~0.25 M rows, 10 x the shipped 25,125
    "100x": Scale("100x", regions=140, indicators=32),        # ~2.5 M rows
    "10m": Scale("10m", regions=300, indicators=60),          # ~10 M rows (the pandas comparison)
    "100m": Scale("100m", regions=600, indicators=300),       # ~100 M rows
}


def _cycle(default_position: int) -> list[int]:
    """Breakdown counts by position modulo 4, rotated so the default indicator gets the largest set."""
    base = [1, 3, 14, 48]
    shift = (default_position % 4) - 3
    return [base[(p - shift) % 4] for p in range(4)]


def _sql_list(values: list) -> str:
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def synthetic_region_codes(count: int) -> list[str]:
    """ISO 3166-1 user-assigned alpha-3 codes XAA, XAB, ... (never a real country)."""
    codes = [f"X{a}{b}" for a in string.ascii_uppercase for b in string.ascii_uppercase]
    if count > len(codes):
        raise ValueError(f"at most {len(codes)} synthetic regions")
    return codes[:count]


def _check_target(out_dir: Path) -> None:
    """Never write into the real extracts: not data/ (nor inside it), nor any folder of extracts that this
    generator did not make (it has a facts.parquet but no SYNTHETIC.json)."""
    resolved = out_dir.resolve()
    protected = (settings.REPO_ROOT / "data").resolve()
    if resolved == protected or protected in resolved.parents:
        raise ValueError(f"refusing to write synthetic data into {resolved}: that is where the real extracts live")
    if (resolved / "facts.parquet").exists() and not (resolved / "SYNTHETIC.json").exists():
        raise ValueError(f"refusing to replace {resolved}: it holds extracts that are not synthetic")


def generate(scale: Scale | str, out_dir: Path | None = None, source_dir: Path = SHIPPED_DIR,
             threads: int = 2, memory_limit: str = "4GB", quiet: bool = False,
             row_group_size: int = ROW_GROUP_SIZE) -> dict:
    """Write the synthetic extracts for one scale into out_dir (default benchmarks/scaled/<name>/).

    The folder is written beside the target and renamed into place, so a half-written folder never looks
    complete. Returns the manifest (also written as SYNTHETIC.json in the folder).
    """
    scale = SCALES[scale] if isinstance(scale, str) else scale
    out_dir = Path(out_dir or DEFAULT_ROOT / scale.name)
    _check_target(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        # A separate, unlocked connection: generation writes files, which the app's connection never may.
        duck = duckdb.connect(":memory:", config={"threads": threads, "memory_limit": memory_limit,
                                                  "preserve_insertion_order": True})
        duck.execute("SET enable_progress_bar = false")
        timings = {}
        src = {name: str(source_dir / f"{name}.parquet") for name in ("countries", "indicators", "sources")}
        real_countries = [row[0] for row in duck.execute(
            f"select iso3 from read_parquet('{src['countries']}') order by iso3").fetchall()]
        real_indicators = [row[0] for row in duck.execute(
            f"select indicator_id from read_parquet('{src['indicators']}')").fetchall()]
        regions = sorted(real_countries[:scale.regions]
                         + synthetic_region_codes(max(scale.regions - len(real_countries), 0)))
        indicators = _pick_indicators(real_indicators, scale.indicators)
        default_position = indicators.index(DEFAULT_INDICATOR) if DEFAULT_INDICATOR in indicators else 0
        cycle = _cycle(default_position)
        years = YEARS[1] - YEARS[0] + 1

        t0 = time.perf_counter()
        rows = _write_facts(duck, staging / "facts.parquet", regions, indicators, cycle, years, row_group_size)
        timings["facts_s"] = round(time.perf_counter() - t0, 2)

        t0 = time.perf_counter()
        _write_fact_coverage(duck, staging)
        timings["fact_coverage_s"] = round(time.perf_counter() - t0, 2)

        t0 = time.perf_counter()
        _write_small_tables(duck, staging, src, regions, real_countries, indicators, real_indicators)
        for name in COPIED_FILES:
            shutil.copyfile(source_dir / name, staging / name)
        timings["other_tables_s"] = round(time.perf_counter() - t0, 2)
        duck.close()

        manifest = {
            "synthetic": True,
            "warning": "SYNTHETIC benchmark data made by dashboard/scale.py. Not real statistics.",
            "generator_version": GENERATOR_VERSION, "scale": asdict(scale), "facts_rows": rows,
            "years": list(YEARS), "regions": len(regions), "indicators": len(indicators),
            "breakdown_cycle": cycle, "row_group_size": row_group_size, "threads": threads,
            "facts_bytes": (staging / "facts.parquet").stat().st_size,
            "seconds": round(time.perf_counter() - started, 2), **timings,
        }
        (staging / "SYNTHETIC.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        for path in staging.iterdir():
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not quiet:
        print(f"{scale.name}: {rows:,} facts rows in {manifest['seconds']} s -> {out_dir}", flush=True)
    return manifest


def _pick_indicators(real: list[str], count: int) -> list[str]:
    ordered = [i for i in INDICATOR_PRIORITY if i in real] + [i for i in real if i not in INDICATOR_PRIORITY]
    chosen = ordered[:count] + [f"syn_{n:04d}" for n in range(1, count - len(ordered) + 1)]
    return sorted(chosen)


def _write_facts(duck: duckdb.DuckDBPyConnection, path: Path, regions: list[str], indicators: list[str],
                 cycle: list[int], years: int, row_group_size: int) -> int:
    """Decode each row number of range(N) into (indicator, region, year, breakdown), already in sorted order."""
    region_year = len(regions) * years
    group = region_year * sum(cycle)  # rows of four consecutive indicators
    starts = [sum(cycle[:c]) * region_year for c in range(4)]
    total = sum(cycle[p % 4] for p in range(len(indicators))) * region_year
    # The four breakdown sets flattened into one list each for sex and age group; set c starts at offsets[c].
    flat = [pair for b in cycle for pair in BREAKDOWNS[b]]
    offsets = [sum(cycle[:c]) for c in range(4)]
    mean_age = indicators.index("drd_mean_age_at_death") if "drd_mean_age_at_death" in indicators else -1
    sql = f"""
    copy (
        with numbered as (
            select range as i, range // {group} as g, range % {group} as r from range({total})
        ),
        in_group as (
            select i, g, r,
                case when r >= {starts[3]} then 3 when r >= {starts[2]} then 2 when r >= {starts[1]} then 1
                     else 0 end as c
            from numbered
        ),
        decoded as (
            select i, g * 4 + c as p, c,
                (r - {starts}[c + 1]) as r2,
                {cycle}[c + 1] as b
            from in_group
        ),
        keyed as (
            select i, p, c, r2 // ({years} * b) as region, (r2 % ({years} * b)) // b as year_offset, r2 % b as k
            from decoded
        ),
        valued as (
            select *,
                {_sql_list([sex for sex, _ in flat])}[{offsets}[c + 1] + k + 1] as sex,
                {_sql_list([age for _, age in flat])}[{offsets}[c + 1] + k + 1] as age_group,
                hash(p, region, k) as series,
                hash(i) as noise
            from keyed
        )
        select
            {_sql_list(regions)}[region + 1] as iso3,
            ({YEARS[0]} + year_offset)::smallint as year,
            {_sql_list(indicators)}[p + 1] as indicator_id,
            sex,
            age_group,
            case
                when noise % 20 = 0 then null
                when p = {mean_age} then (25 + series % 20 + year_offset % 7)::double
                else (series % 400 + year_offset * (series % 7) + noise % 25)::double
            end as value,
            '{SYNTHETIC}' as source_id,
            noise % 50 = 1 as country_note,
            case when noise % 100 = 2 then 'p' end as flag,
            null::double as numerator,
            null::double as denominator,
            null::varchar as quality_flags,
            null::varchar as value_note,
            null::varchar as value_note_no
        from valued
    ) to '{path}' (format parquet, compression zstd, row_group_size {row_group_size})
    """
    duck.execute(sql)
    return total


def _write_fact_coverage(duck: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """The build's rollup of what the facts cover (the same query as the build), from the facts just written."""
    duck.execute(f"create or replace view facts as select * from read_parquet('{staging / 'facts.parquet'}')")
    duck.execute(f"copy ({db.load_query(COVERAGE_QUERY)}) to '{staging / 'fact_coverage.parquet'}' "
                 f"(format parquet, compression zstd)")
    duck.execute("drop view facts")


def _write_small_tables(duck: duckdb.DuckDBPyConnection, staging: Path, src: dict[str, str], regions: list[str],
                        real_countries: list[str], indicators: list[str], real_indicators: list[str]) -> None:
    invented = [code for code in regions if code not in real_countries]
    duck.execute(f"""
    copy (
        select * from read_parquet('{src['countries']}') where list_contains({_sql_list(regions)}, iso3)
        union all by name
        select code as iso3, 'X' || chr(65 + (row_number() over (order by code))::integer % 26) as iso2,
               null::varchar as eurostat_code, '{SYNTHETIC} region ' || code as name_en,
               '{SYNTHETIC} region ' || code as name_no, false as eu27, false as nordic,
               false as emcdda_reporting, false as has_hat_programme, 'Synthetic' as region, false as on_map,
               null::double as interior_lat, null::double as interior_lon
        from unnest({_sql_list(invented) if invented else "[]::varchar[]"}) t(code)
        order by iso3
    ) to '{staging / "countries.parquet"}' (format parquet, compression zstd)
    """)
    kept_real = [i for i in indicators if i in real_indicators]
    invented_indicators = [i for i in indicators if i not in real_indicators]
    duck.execute(f"""
    copy (
        select indicator_id, '{SYNTHETIC} ' || label as label, topic, unit, kind,
               '{SYNTHETIC} values, not real statistics. ' || definition as definition,
               caveat, '{SYNTHETIC} ' || label_no as label_no,
               '{SYNTHETIC} verdier, ikke ekte statistikk. ' || definition_no as definition_no, caveat_no,
               '{SYNTHETIC}' as source_id
        from read_parquet('{src['indicators']}') where list_contains({_sql_list(kept_real)}, indicator_id)
        union all
        select id, '{SYNTHETIC} indicator ' || id, 'Synthetic', 'synthetic units', 'synthetic',
               '{SYNTHETIC} values made for benchmarks by dashboard/scale.py.',
               'Not real statistics.', '{SYNTHETIC} indikator ' || id,
               '{SYNTHETIC} verdier laget for ytelsesmålinger av dashboard/scale.py.', 'Ikke ekte statistikk.',
               '{SYNTHETIC}'
        from unnest({_sql_list(invented_indicators) if invented_indicators else "[]::varchar[]"}) t(id)
    ) to '{staging / "indicators.parquet"}' (format parquet, compression zstd)
    """)
    duck.execute(f"""
    copy (
        select * from read_parquet('{src['sources']}')
        union all by name
        select '{SYNTHETIC}' as source_id, '{SYNTHETIC} benchmark data (not real statistics)' as title,
               'Drug Policy Atlas benchmarks' as publisher, 'generator v{GENERATOR_VERSION}' as edition,
               null as table_id, null as url, 'none: invented numbers' as licence,
               '{SYNTHETIC} data generated by dashboard/scale.py for benchmarks; not real statistics.'
                   as attribution, 'dashboard/scale.py' as origin, 'synthetic' as kind
    ) to '{staging / "sources.parquet"}' (format parquet, compression zstd)
    """)


def scale_dir(name: str, root: Path = DEFAULT_ROOT) -> Path:
    return root / name


def is_current(folder: Path, scale: Scale | str) -> bool:
    """The folder holds a complete generation of this scale by this generator version."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    try:
        manifest = json.loads((folder / "SYNTHETIC.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("generator_version") == GENERATOR_VERSION and manifest.get("scale") == asdict(scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scale",
        description="Write SYNTHETIC extracts (real schema, invented numbers) for benchmarks. "
                    "Point the app at one with DPA_DATA_DIR=benchmarks/scaled/<size>.")
    parser.add_argument("sizes", nargs="*", default=list(SCALES), choices=list(SCALES),
                        help="which sizes (default: all)")
    parser.add_argument("--out", type=Path, help="output folder (only with one size; default benchmarks/scaled/SIZE)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="regenerate even when the folder is current")
    args = parser.parse_args(argv)
    if args.out and len(args.sizes) != 1:
        parser.error("--out needs exactly one size")
    for name in args.sizes:
        folder = args.out or scale_dir(name)
        if not args.force and is_current(folder, name):
            print(f"{name}: {folder} is current (use --force to regenerate)")
            continue
        try:
            generate(name, folder, threads=args.threads)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
