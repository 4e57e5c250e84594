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

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import contracts, settings, sources
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
ROW_GROUP_SIZE = 262_144
EXTRACT_FILES = ["facts.parquet", "indicators.parquet", "countries.parquet", "population.parquet",
                 "programmes.parquet", "programme_claims.parquet", "sources.parquet", "europe.geojson"]


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


def build_tables(inputs: BuildInputs) -> dict[str, pa.Table | dict]:
    """Read every source and return the extracts as Arrow tables (plus the map GeoJSON)."""
    ref = inputs.reference_dir
    countries = _read_reference(ref / "countries.csv", ["iso3", "iso2", "eurostat_code", "name_en", "name_no",
                                                        "emcdda_name", "owid_entity", "eu27", "nordic", "region"])
    indicators = _read_reference(ref / "indicators.csv", ["indicator_id", "label", "topic", "unit", "kind",
                                                          "definition", "caveat"])
    source_rows = _read_reference(ref / "sources.csv", ["source_id", "title", "publisher", "edition", "table_id",
                                                        "url", "licence", "attribution", "origin"])
    claims = _read_reference(ref / "programme_claims.csv", ["claim_id", "programme_id", "field", "claimed_value",
                                                            "claim_status", "source_title", "source_url", "note"])
    by_emcdda = {c["emcdda_name"]: c["iso3"] for c in countries if c["emcdda_name"]}
    by_owid = {c["owid_entity"]: c["iso3"] for c in countries if c["owid_entity"]}
    by_eurostat = {c["eurostat_code"]: c["iso3"] for c in countries if c["eurostat_code"]}
    known = {c["iso3"] for c in countries}

    facts: list[tuple] = []  # iso3, year, indicator_id, sex, age_group, value, source_id, country_note, flag
    edition = inputs.emcdda_edition
    emcdda_tables: dict[str, str] = {}
    table_files: dict[str, Path] = {}

    def emcdda_source(table_id: str, path: Path) -> str:
        """The source ID of an EMCDDA table; two workbooks claiming one table ID means a mix-up."""
        if table_files.setdefault(table_id, path) != path:
            raise SourceError(path, f"sheet {table_id!r} is also the table in {table_files[table_id]}",
                              sheet=table_id)
        source_id = f"EMCDDA-SB{edition}-{table_id}"
        emcdda_tables[source_id] = table_id
        return source_id

    sex_tables: dict[str, dict[tuple[str, int], float | None]] = {}
    for relative, (indicator_id, sex, age_group) in EMCDDA_WIDE_TABLES.items():
        sheet = sources.read_emcdda_wide(inputs.emcdda_dir / relative, by_emcdda)
        source_id = emcdda_source(sheet.table_id, inputs.emcdda_dir / relative)
        for iso3, year, value, has_note in sheet.rows:
            facts.append((iso3, year, indicator_id, sex, age_group, value, source_id, has_note, None))
        if indicator_id == "drd_deaths" and age_group == "total":
            sex_tables[sex] = {(iso3, year): value for iso3, year, value, _ in sheet.rows}
            sex_tables[sex + "_note"] = {(iso3, year): note for iso3, year, _, note in sheet.rows}
            sex_tables[sex + "_table"] = sheet.table_id

    ost_table, ost_rows = sources.read_emcdda_ost_by_medication(inputs.emcdda_dir / EMCDDA_OST_BY_MEDICATION,
                                                                by_emcdda)
    ost_source = emcdda_source(ost_table, inputs.emcdda_dir / EMCDDA_OST_BY_MEDICATION)
    for iso3, year, medication, value, has_note in ost_rows:
        facts.append((iso3, year, f"ost_clients_{medication}", "total", "total", value, ost_source, has_note, None))

    population = sources.read_owid_population(
        inputs.source_dir / "population_owid_unwpp2017" / "raw"
        / "Population by age group to 2100 (based on UNWPP, 2017 medium scenario).csv",
        by_owid, POPULATION_YEARS)
    pop_15_64 = {(iso3, year): pop for iso3, year, _, pop, _ in population}

    # All-sexes total and the rate per million aged 15-64: our computation, with its own source rows.
    total_source = f"DPA-SB{edition}-DRD-TOTAL"
    rate_source = f"DPA-SB{edition}-DRD-RATE"
    male, female = sex_tables["male"], sex_tables["female"]
    for key in sorted(set(male) | set(female)):
        iso3, year = key
        both = (male.get(key), female.get(key))
        total = None if None in both else both[0] + both[1]
        note = bool(sex_tables["male_note"].get(key) or sex_tables["female_note"].get(key))
        facts.append((iso3, year, "drd_deaths", "total", "total", total, total_source, note, None))
        population_15_64 = pop_15_64.get(key)
        rate = None if total is None or population_15_64 is None else total / population_15_64 * 1e6
        facts.append((iso3, year, "drd_deaths_per_million_15_64", "total", "total", rate, rate_source, note, None))

    for indicator_id, iso3, year, value in sources.read_ihme(inputs.source_dir / "owid_ihme_gbd2019_drug_deaths",
                                                             known):
        facts.append((iso3, year, indicator_id, "total", "total", value, "IHME-GBD2019", False, None))

    for iso3, year, sex, age_group, value, flag in sources.read_eurostat_toxico(
            inputs.source_dir / "eurostat_hlth_cd_aro_extract" / "raw" / "estat_hlth_cd_aro.csv", by_eurostat):
        facts.append((iso3, year, "eurostat_toxico_deaths", sex, age_group, value, "EUROSTAT-HLTH_CD_ARO",
                      False, flag))

    geojson = sources.read_geojson(inputs.source_dir / "geo" / "europe_countries_50m_clipped.geojson")
    centroids = {feature["id"]: sources.centroid(feature["geometry"]) for feature in geojson["features"]}

    programmes_path = inputs.source_dir / "hat_programmes" / "hat_programmes.csv"
    programmes = _read_reference(programmes_path, ["programme_id", "country", "iso3", "city_or_sites",
                                                   "programme_name", "programme_type", "start_year", "end_year",
                                                   "status", "status_as_of", "patients_numeric",
                                                   "patients_numeric_year", "patients_numeric_basis", "patients",
                                                   "patients_note", "capacity_note", "eligibility",
                                                   "medication_form", "conflict_flag", "notes", "source_titles",
                                                   "source_urls"])
    for number, programme in enumerate(programmes, start=2):
        for column in ["start_year", "end_year", "patients_numeric"]:
            value = sources.parse_number(programme[column] or None, programmes_path, None, number, column)
            if value is not None and value != int(value):  # stored as integers: 1994.5 must not become 1994
                raise SourceError(programmes_path, f"expected a whole number, found {programme[column]!r}",
                                  row=number, column=column)

    hat_countries = {p["iso3"] for p in programmes}
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
        "on_map": [c["iso3"] in centroids for c in countries],
        "centroid_lat": pa.array([centroids.get(c["iso3"], (None, None))[0] for c in countries], pa.float64()),
        "centroid_lon": pa.array([centroids.get(c["iso3"], (None, None))[1] for c in countries], pa.float64()),
    })

    facts.sort(key=lambda row: (row[2], row[0], row[1], row[3], row[4]))
    facts_table = pa.table({
        "iso3": pa.array([r[0] for r in facts], pa.string()),
        "year": pa.array([r[1] for r in facts], pa.int16()),
        "indicator_id": pa.array([r[2] for r in facts], pa.string()),
        "sex": pa.array([r[3] for r in facts], pa.string()),
        "age_group": pa.array([r[4] for r in facts], pa.string()),
        "value": pa.array([r[5] for r in facts], pa.float64()),
        "source_id": pa.array([r[6] for r in facts], pa.string()),
        "country_note": pa.array([r[7] for r in facts], pa.bool_()),
        "flag": pa.array([r[8] for r in facts], pa.string()),
    })

    population_table = pa.table({
        "iso3": pa.array([r[0] for r in population], pa.string()),
        "year": pa.array([r[1] for r in population], pa.int16()),
        "pop_0_14": pa.array([r[2] for r in population], pa.float64()),
        "pop_15_64": pa.array([r[3] for r in population], pa.float64()),
        "pop_65_plus": pa.array([r[4] for r in population], pa.float64()),
        "is_projection": pa.array([r[1] > 2015 for r in population], pa.bool_()),
        "source_id": pa.array(["UNWPP2017"] * len(population), pa.string()),
    }).sort_by([("iso3", "ascending"), ("year", "ascending")])

    emcdda_url = f"https://www.emcdda.europa.eu/data/stats{edition}"
    emcdda_licence = "EMCDDA/EUDA: reproduction authorised provided the source is acknowledged"
    all_sources = [dict(s, kind="external") for s in source_rows]
    for source_id, table_id in sorted(emcdda_tables.items()):
        all_sources.append({
            "source_id": source_id, "title": f"Statistical Bulletin {edition}, table {table_id}",
            "publisher": "EMCDDA (now EUDA)", "edition": f"Statistical Bulletin {edition}", "table_id": table_id,
            "url": emcdda_url, "licence": emcdda_licence,
            "attribution": f"EMCDDA, Statistical Bulletin {edition}, table {table_id}.",
            "origin": "EMCDDA Statistical Bulletin workbooks (see data/README.md)", "kind": "external"})
    male_table, female_table = sex_tables["male_table"], sex_tables["female_table"]
    all_sources += [
        {"source_id": total_source, "title": f"Drug-induced deaths, male + female ({male_table} + {female_table})",
         "publisher": "Drug Policy Atlas (computed)", "edition": f"Statistical Bulletin {edition}",
         "table_id": f"{male_table}+{female_table}", "url": emcdda_url, "licence": emcdda_licence,
         "attribution": f"Computed by Drug Policy Atlas from EMCDDA, Statistical Bulletin {edition}, "
                        f"tables {male_table} and {female_table}.", "origin": "computed in dashboard/build.py",
         "kind": "computed"},
        {"source_id": rate_source, "title": "Drug-induced deaths per million population aged 15-64",
         "publisher": "Drug Policy Atlas (computed)", "edition": f"Statistical Bulletin {edition}; UN WPP 2017",
         "table_id": f"{male_table}+{female_table} / WPP2017 15-64", "url": emcdda_url, "licence": emcdda_licence,
         "attribution": f"Computed by Drug Policy Atlas from EMCDDA, Statistical Bulletin {edition}, tables "
                        f"{male_table} and {female_table}, and UN World Population Prospects 2017 (population 15-64).",
         "origin": "computed in dashboard/build.py", "kind": "computed"},
    ]
    source_columns = ["source_id", "title", "publisher", "edition", "table_id", "url", "licence", "attribution",
                      "origin", "kind"]
    sources_table = pa.table({column: [s[column] or None for s in all_sources] for column in source_columns})

    indicator_source = {row[2]: row[6] for row in facts}
    indicators_table = pa.table({
        **{column: [i[column] for i in indicators] for column in
           ["indicator_id", "label", "topic", "unit", "kind", "definition", "caveat"]},
        "source_id": [indicator_source.get(i["indicator_id"]) for i in indicators],
    })

    programme_text_columns = ["programme_id", "country", "iso3", "city_or_sites", "programme_name",
                              "programme_type", "status", "status_as_of", "patients_numeric_year",
                              "patients_numeric_basis",
                              "patients", "patients_note", "capacity_note", "eligibility", "medication_form",
                              "conflict_flag", "notes", "source_titles", "source_urls"]
    programmes_table = pa.table({
        **{column: pa.array([p[column] or None for p in programmes], pa.string())
           for column in programme_text_columns},
        "start_year": pa.array([_int_or_none(p["start_year"]) for p in programmes], pa.int16()),
        "end_year": pa.array([_int_or_none(p["end_year"]) for p in programmes], pa.int16()),
        "patients_numeric": pa.array([_int_or_none(p["patients_numeric"]) for p in programmes], pa.int32()),
        "source_id": pa.array(["HAT-COMPILED"] * len(programmes), pa.string()),
    })
    claims_table = pa.table({column: pa.array([c[column] or None for c in claims], pa.string())
                             for column in ["claim_id", "programme_id", "field", "claimed_value", "claim_status",
                                            "source_title", "source_url", "note"]})
    return {
        "facts.parquet": facts_table, "indicators.parquet": indicators_table,
        "countries.parquet": countries_table, "population.parquet": population_table,
        "programmes.parquet": programmes_table, "programme_claims.parquet": claims_table,
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


