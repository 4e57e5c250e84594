"""Read every source and return the extracts as tables: the one place the steps are put together."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from dashboard import sources
from dashboard.build.cities import (
    CITY_FIGURE_COLUMNS,
    CITY_FIGURE_TRANSLATED,
    CITY_POPULATION_COLUMNS,
    hat_cities_table,
)
from dashboard.build.claims import REGISTER_COLUMNS, REGISTER_TRANSLATED, claims_table
from dashboard.build.deaths import _derive_death_rows, _derived_death_sources
from dashboard.build.facts import Fact, _apply_series_flags, _facts_table, _headline_sources, fact_coverage_table
from dashboard.build.inputs import (
    EMCDDA_OST_BY_MEDICATION,
    EMCDDA_WIDE_TABLES,
    POPULATION_LAST_ESTIMATE,
    POPULATION_YEARS,
    BuildInputs,
    _boolean,
    _read_reference,
    _read_translated,
    norwegian,
)
from dashboard.build.national import NATIONAL_COLUMNS, NATIONAL_TRANSLATED, _national_figures
from dashboard.build.provenance import SOURCE_COLUMNS, _emcdda_sources
from dashboard.build.rates import derive_per_capita_rows, per_capita_sources
from dashboard.build.register import (
    CLAIM_COLUMNS,
    CLAIM_TRANSLATED,
    PROGRAMME_NUMBER_COLUMNS,
    PROGRAMME_PHASES,
    PROGRAMME_SOURCE_COLUMNS,
    PROGRAMME_TEXT_COLUMNS,
    PROGRAMME_TRANSLATED,
    SITE_COLUMNS,
    _programme_sites_table,
    _programmes_table,
)
from dashboard.sources import SourceError

# The reference files' columns; the *_no ones are the Norwegian of the English beside them.
INDICATOR_COLUMNS = ["indicator_id", "label", "topic", "unit", "kind", "definition", "caveat"]
INDICATOR_TRANSLATED = ("label", "definition", "caveat")
FLAG_COLUMNS = ["flag", "label", "explanation"]
FLAG_TRANSLATED = ("label", "explanation")


def build_tables(inputs: BuildInputs) -> dict[str, pa.Table | dict]:
    """Read every source and return the extracts as Arrow tables (plus the map GeoJSON)."""
    ref = inputs.reference_dir
    countries = _read_reference(ref / "countries.csv", ["iso3", "iso2", "eurostat_code", "name_en", "name_no",
                                                        "emcdda_name", "owid_entity", "eu27", "nordic", "region",
                                                        "part_of"])
    national_rows = _read_translated(ref / "national_figures.csv", NATIONAL_COLUMNS, NATIONAL_TRANSLATED)
    indicators = _read_translated(ref / "indicators.csv", INDICATOR_COLUMNS, INDICATOR_TRANSLATED)
    source_rows = _read_reference(ref / "sources.csv", ["source_id", *SOURCE_COLUMNS[1:-1], "edition_inferred"])
    flag_rows = _read_translated(ref / "quality_flags.csv", FLAG_COLUMNS, FLAG_TRANSLATED)
    flag_labels = {row["flag"]: (row["label"], row["label_no"]) for row in flag_rows}
    series_flags = _read_reference(ref / "series_flags.csv", ["iso3", "indicator_id", "flag", "evidence"])
    claims = _read_translated(ref / "programme_claims.csv", CLAIM_COLUMNS, CLAIM_TRANSLATED)
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

    derived_sources = _derived_death_sources(edition, death_tables) + per_capita_sources(facts, edition)
    facts += _derive_death_rows(facts, population, edition)
    facts += derive_per_capita_rows(facts, population)

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
    interior = {feature["id"]: sources.interior_point(feature["geometry"]) for feature in geojson["features"]}

    programmes_path = ref / "programmes.csv"
    programmes = _read_translated(programmes_path, PROGRAMME_TEXT_COLUMNS + PROGRAMME_NUMBER_COLUMNS
                                  + ["treated_patients"], PROGRAMME_TRANSLATED)
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
        "on_map": [c["iso3"] in interior for c in countries],
        "interior_lat": pa.array([interior.get(c["iso3"], (None, None))[0] for c in countries], pa.float64()),
        "interior_lon": pa.array([interior.get(c["iso3"], (None, None))[1] for c in countries], pa.float64()),
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
        **{column: [i[column] for i in indicators]
           for column in [*INDICATOR_COLUMNS, *norwegian(INDICATOR_TRANSLATED)]},
        "source_id": [indicator_source.get(i["indicator_id"]) for i in indicators],
    })

    programmes_table = _programmes_table(programmes, programme_sources)
    sites_path = ref / "programme_sites.csv"
    sites_table = _programme_sites_table(_read_reference(sites_path, SITE_COLUMNS), programmes, geojson, sites_path)
    programme_sources_table = pa.table({column: pa.array([row[column] or None for row in programme_sources],
                                                         pa.string()) for column in PROGRAMME_SOURCE_COLUMNS})
    programme_claims_table = pa.table({column: pa.array([c[column] or None for c in claims], pa.string())
                                       for column in [*CLAIM_COLUMNS, *norwegian(CLAIM_TRANSLATED)]})
    cities_path, city_populations_path = ref / "hat_cities.csv", ref / "city_populations.csv"
    cities_table = hat_cities_table(_read_translated(cities_path, CITY_FIGURE_COLUMNS, CITY_FIGURE_TRANSLATED),
                                    _read_reference(city_populations_path, CITY_POPULATION_COLUMNS), programmes,
                                    known, cities_path, city_populations_path)
    register_path = ref / "claims.csv"
    register_table = claims_table(_read_translated(register_path, REGISTER_COLUMNS, REGISTER_TRANSLATED),
                                  register_path)
    return {
        "facts.parquet": facts_table, "fact_coverage.parquet": fact_coverage_table(facts_table),
        "indicators.parquet": indicators_table,
        "countries.parquet": countries_table, "population.parquet": population_table,
        "programmes.parquet": programmes_table, "programme_claims.parquet": programme_claims_table,
        "claims.parquet": register_table,
        "programme_sources.parquet": programme_sources_table, "programme_sites.parquet": sites_table,
        "hat_cities.parquet": cities_table,
        "quality_flags.parquet": pa.table({column: pa.array([row[column] for row in flag_rows], pa.string())
                                           for column in [*FLAG_COLUMNS, *norwegian(FLAG_TRANSLATED)]}),
        "sources.parquet": sources_table, "europe.geojson": geojson,
    }

