"""The build: published figures come out right, a rebuild gives the same bytes, and the contracts catch bad data."""

from __future__ import annotations

import functools
import itertools
import re
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dashboard import __main__, build, contracts, db, schema, settings
from dashboard.build.facts import fact_coverage_table

# The committed extracts (settings.DATA_DIR points at the tests' fixture extracts).
SHIPPED = settings.SHIPPED_DATA_DIR


@pytest.fixture(scope="module")
def connection(shipped_connection):
    """The build tests check what the build made from the raw sources: the shipped extracts."""
    return shipped_connection


def require_raw_sources(what: str) -> Path:
    """The raw sources, or a loud skip: a warning in the summary as well as the skip reason."""
    if not settings.SHARED_DATA_DIR.is_dir():
        reason = f"RAW SOURCES MISSING: {what} NOT checked ({settings.SHARED_DATA_DIR} does not exist)"
        warnings.warn(reason, stacklevel=2)
        pytest.skip(reason)
    return settings.SHARED_DATA_DIR


# --- reproducibility and the newer edition ----------------------------------------------------------------------------

def test_rebuild_is_byte_identical_to_the_committed_extracts(tmp_path):
    source_dir = require_raw_sources("rebuild reproducibility")
    counts = build.run(build.BuildInputs.from_source_dir(source_dir), tmp_path / "extracts")
    assert sorted(path.name for path in SHIPPED.iterdir()) == sorted(build.EXTRACT_FILES)
    assert sorted(path.name for path in (tmp_path / "extracts").iterdir()) == sorted(build.EXTRACT_FILES)
    different = [name for name in build.EXTRACT_FILES
                 if (tmp_path / "extracts" / name).read_bytes() != (SHIPPED / name).read_bytes()]
    assert different == [], "rebuilt extracts differ from data/extracts: run `python -m dashboard build`"
    assert counts["facts.parquet"] == pq.read_metadata(SHIPPED / "facts.parquet").num_rows


def test_newer_edition_is_attributed_to_that_edition(tmp_path, capsys):
    source_dir = require_raw_sources("building another EMCDDA edition")
    emcdda = tmp_path / "emcdda_2020"
    shutil.copytree(source_dir / "emcdda_statistical_bulletin_2019" / "raw", emcdda, copy_function=shutil.copyfile)
    for folder in [emcdda, *emcdda.iterdir()]:
        folder.chmod(0o755)
    out = tmp_path / "extracts"
    status = __main__.main(["build", "--source-dir", str(source_dir), "--emcdda-dir", str(emcdda),
                            "--emcdda-edition", "2020", "--out", str(out)])
    assert status == 0, capsys.readouterr().out

    sources = pq.read_table(out / "sources.parquet").to_pandas().set_index("source_id")
    emcdda_sources = sources[sources.index.str.startswith("EMCDDA-")]
    assert len(emcdda_sources) == 28
    assert emcdda_sources.index.str.startswith("EMCDDA-SB2020-").all()
    assert emcdda_sources["attribution"].str.startswith("EMCDDA, Statistical Bulletin 2020, table ").all()
    assert (emcdda_sources["url"] == "https://www.emcdda.europa.eu/data/stats2020").all()
    assert "Statistical Bulletin 2020" in sources.loc["DPA-SB2020-DRD-RATE", "attribution"]
    fact_sources = set(pq.read_table(out / "facts.parquet", columns=["source_id"])["source_id"].to_pylist())
    assert not [source for source in fact_sources if "SB2019" in source]
    assert {"DPA-SB2020-DRD-TOTAL", "EMCDDA-SB2020-HSR-3-3", "IHME-GBD2019"} <= fact_sources
    frame = db.run_query(db.connect(out), "indicator_trend", indicator="drd_deaths", countries=["NOR"],
                         year_from=2014, year_to=2014, sex="male", age_group="total")
    assert frame["value"].iloc[0] == 202
    assert frame["source"].iloc[0] == "EMCDDA, Statistical Bulletin 2020, table DRD-31."


# --- data contracts ---------------------------------------------------------------------------------------------------

def test_contracts_pass_on_the_shipped_extracts():
    assert contracts.check(SHIPPED) == []


Change = Callable[[pa.Table], pa.Table]


def _row_index(table: pa.Table, where: dict) -> int:
    mask = functools.reduce(pc.and_, [pc.equal(table[column], value) for column, value in where.items()])
    index = pc.index(mask, True).as_py()
    assert index >= 0, f"no row matching {where}"
    return index


def change_row(where: dict, **changes) -> Change:
    """Replace the first row matching `where` by a copy with `changes`."""
    def apply(table: pa.Table) -> pa.Table:
        index = _row_index(table, where)
        row = table.slice(index, 1).to_pylist()[0] | changes
        return pa.concat_tables([table.slice(0, index), pa.Table.from_pylist([row], schema=table.schema),
                                 table.slice(index + 1)])
    return apply


def add_row(where: dict, **changes) -> Change:
    """Append a copy of the first row matching `where`, with `changes`."""
    def apply(table: pa.Table) -> pa.Table:
        index = _row_index(table, where)
        row = table.slice(index, 1).to_pylist()[0] | changes
        return pa.concat_tables([table, pa.Table.from_pylist([row], schema=table.schema)])
    return apply


NOR_2014 = {"iso3": "NOR", "year": 2014, "indicator_id": "drd_deaths", "sex": "total", "age_group": "total"}
NOR_2014_RATE = NOR_2014 | {"indicator_id": "drd_deaths_per_million_15_64"}
NOR_2014_MEAN_AGE = NOR_2014 | {"indicator_id": "drd_mean_age_at_death"}
# Germany reported no age bands before 2003: its rate uses deaths at all ages and is flagged.
DEU_2000_RATE = NOR_2014_RATE | {"iso3": "DEU", "year": 2000}
COVERAGE_NOR_2014 = {"indicator_id": "drd_deaths", "sex": "total", "age_group": "total", "year": 2014}
PILOT = {"programme_id": "NO-HAB-PILOT"}
CLAIM = {"claim_id": "NO-START-2020"}
PRESS_CLAIM = {"claim_id": "SEED001-SWE-RATE"}

# (contract, extract, change, the problem it must report)
VIOLATIONS = {
    "duplicate-fact": ("facts_grain", "facts.parquet", add_row(NOR_2014),
                       "duplicate facts row NOR 2014 drd_deaths total total (2 rows)"),
    "unknown-iso3": ("facts_known_keys", "facts.parquet", change_row(NOR_2014, iso3="XXX"),
                     "fact with unknown country XXX"),
    "unknown-indicator": ("facts_known_keys", "facts.parquet", change_row(NOR_2014, indicator_id="drd_overdoses"),
                          "fact with unknown indicator drd_overdoses"),
    "unknown-source": ("facts_known_keys", "facts.parquet", change_row(NOR_2014, source_id="EMCDDA-SB1999-X"),
                       "fact without a known source: NOR 2014 drd_deaths"),
    "year-1800": ("facts_known_keys", "facts.parquet", change_row(NOR_2014, year=1800),
                  "fact year out of range: NOR 1800 drd_deaths"),
    "unknown-sex": ("facts_known_keys", "facts.parquet", change_row(NOR_2014, sex="other"),
                    "fact with unknown sex or age group: other / total"),
    "negative-count": ("facts_plausible_values", "facts.parquet", change_row(NOR_2014, value=-1.0),
                       "implausible value -1.0 for NOR 2014 drd_deaths total total"),
    "fractional-count": ("facts_plausible_values", "facts.parquet", change_row(NOR_2014, value=266.5),
                         "implausible value 266.5 for NOR 2014 drd_deaths total total"),
    "rate-5000": ("facts_plausible_values", "facts.parquet", change_row(NOR_2014_RATE, value=5000.0),
                  "implausible value 5000.0 for NOR 2014 drd_deaths_per_million_15_64"),
    "rate-all-ages-numerator": ("drd_rates_match_definition", "facts.parquet",
                                change_row(NOR_2014_RATE, value=266 / 3386371 * 1e6),
                                "rate drd_deaths_per_million_15_64 NOR 2014 is 78.5"),
    "rate-states-wrong-deaths": ("drd_rates_match_definition", "facts.parquet",
                                 change_row(NOR_2014_RATE, numerator=266.0),
                                 "rate drd_deaths_per_million_15_64 NOR 2014 states numerator 266.0"),
    "rate-fallback-unflagged": ("drd_rates_match_definition", "facts.parquet",
                                change_row(DEU_2000_RATE, quality_flags=None),
                                "rate drd_deaths_per_million_15_64 DEU 2000 uses deaths at all ages without the flag"),
    "rate-from-all-zero-bands": ("drd_rates_match_definition", "facts.parquet",
                                 change_row(NOR_2014_RATE | {"iso3": "NLD", "year": 1995}, value=0.0, numerator=0.0,
                                            quality_flags="age_bands_all_zero"),
                                 "rate drd_deaths_per_million_15_64 NLD 1995 is 0.0, its definition gives 6.6"),
    "mean-age-150": ("facts_plausible_values", "facts.parquet", change_row(NOR_2014_MEAN_AGE, value=150.0),
                     "implausible value 150.0 for NOR 2014 drd_mean_age_at_death"),
    "duplicate-coverage": ("fact_coverage_grain", "fact_coverage.parquet", add_row(COVERAGE_NOR_2014),
                           "duplicate fact_coverage row drd_deaths total total 2014 DPA-SB2019-DRD-TOTAL (2 rows)"),
    "stale-coverage": ("fact_coverage_matches_facts", "fact_coverage.parquet",
                       change_row(COVERAGE_NOR_2014, reports=27),
                       "fact_coverage drd_deaths total/total 2014 DPA-SB2019-DRD-TOTAL says 27, facts have 28 values"),
    "indicator-without-data": ("indicators_have_data", "indicators.parquet",
                               add_row({"indicator_id": "drd_deaths"}, indicator_id="drd_hospital_admissions"),
                               "indicator without data: drd_hospital_admissions"),
    "indicator-without-source": ("indicators_have_data", "indicators.parquet",
                                 change_row({"indicator_id": "drd_deaths"}, source_id=None),
                                 "indicator without a source: drd_deaths"),
    "duplicate-country": ("countries_grain", "countries.parquet", add_row({"iso3": "NOR"}),
                          "duplicate countries row NOR (2 rows)"),
    "country-without-iso2": ("countries_are_named", "countries.parquet", change_row({"iso3": "NOR"}, iso2=None),
                             "country without name or ISO-2 code: NOR"),
    "duplicate-population": ("population_grain", "population.parquet",
                             add_row({"iso3": "NOR", "year": 2014}), "duplicate population row NOR 2014 (2 rows)"),
    "population-zero": ("population_is_positive", "population.parquet",
                        change_row({"iso3": "NOR", "year": 2014}, pop_15_64=0.0), "population not positive: NOR 2014"),
    "population-unknown-country": ("population_known_keys", "population.parquet",
                                   change_row({"iso3": "NOR", "year": 2014}, iso3="XXX"),
                                   "population for unknown country XXX"),
    "duplicate-programme": ("programmes_grain", "programmes.parquet", add_row(PILOT),
                            "duplicate programmes row NO-HAB-PILOT (2 rows)"),
    "programme-unknown-country": ("programmes_known_keys", "programmes.parquet", change_row(PILOT, iso3="XXX"),
                                  "programme with unknown country: NO-HAB-PILOT"),
    "programme-without-sources": ("programmes_list_their_sources", "programmes.parquet",
                                  change_row(PILOT, source_urls=[]), "programme without sources: NO-HAB-PILOT"),
    "programme-ends-before-start": ("programmes_end_after_they_start", "programmes.parquet",
                                    change_row(PILOT, end_year=2020),
                                    "programme ends before it starts: NO-HAB-PILOT"),
    "programme-fact-without-source": ("programme_facts_have_sources", "programmes.parquet",
                                      change_row({"programme_id": "CA-NATIONAL"}, patients_note="about 500"),
                                      "programme CA-NATIONAL: field patients_note has no source"),
    "vetoed-trial-counts-as-hat": ("programme_facts_have_sources", "countries.parquet",
                                   change_row({"iso3": "AUS"}, has_hat_programme=True),
                                   "country AUS is counted as having a HAT programme, but none treated patients"),
    "claim-without-url-or-reason": ("programme_claims_are_citable", "programme_claims.parquet",
                                    change_row(CLAIM, source_url=None, no_url_reason=None),
                                    "claim without a URL or a reason why: NO-START-2020"),
    "claim-unknown-programme": ("programme_claims_known_programme", "programme_claims.parquet",
                                change_row(CLAIM, programme_id="NO-NONE"),
                                "claim for unknown programme: NO-START-2020"),
    "claim-without-source": ("programme_claims_are_citable", "programme_claims.parquet",
                             change_row(CLAIM, source_title=None), "claim without source: NO-START-2020"),
    "press-claim-without-quote": ("claims_are_citable", "claims.parquet",
                                  change_row(PRESS_CLAIM, quote=" "),
                                  "claim without its quote or who made it: SEED001-SWE-RATE"),
    "press-claim-without-url-or-reason": ("claims_are_citable", "claims.parquet",
                                          change_row(PRESS_CLAIM, no_url_reason=None),
                                          "claim without a URL or a reason why: SEED001-SWE-RATE"),
    "press-claim-without-reason": ("claims_are_citable", "claims.parquet", change_row(PRESS_CLAIM, reason=None),
                                   "claim without a verdict and its reason: SEED001-SWE-RATE"),
    "press-claim-unknown-country": ("claims_known_keys", "claims.parquet", change_row(PRESS_CLAIM, iso3="XXX"),
                                    "claim SEED001-SWE-RATE about unknown country XXX"),
    "press-claim-unknown-programme-claim": ("claims_known_keys", "claims.parquet",
                                            change_row({"claim_id": "SEED001-NOR-PILOT-2020"},
                                                       programme_claim_id="NO-START-1999"),
                                            "claim SEED001-NOR-PILOT-2020 cites unknown programme claim NO-START-1999"),
    "press-claim-unknown-programme": ("claims_known_keys", "claims.parquet",
                                      change_row({"claim_id": "SEED001-NOR-PILOT-2020"}, programme_id="NO-NONE"),
                                      "claim SEED001-NOR-PILOT-2020 about unknown programme NO-NONE"),
    "press-claim-without-year": ("claims_known_keys", "claims.parquet", change_row(PRESS_CLAIM, year=None),
                                 "claim SEED001-SWE-RATE of kind number lacks its country, year or number"),
    "city-figure-without-quote": ("hat_cities_are_citable", "hat_cities.parquet",
                                  change_row({"city": "Bergen", "measure": "patients"}, quote=" "),
                                  "city figure without a source, URL or quote: Bergen patients 2022-05"),
    "city-population-without-url": ("hat_cities_are_citable", "hat_cities.parquet",
                                     change_row({"city": "Oslo", "measure": "patients"}, population_url=None),
                                     "city population without a publisher, URL or quote: Oslo 2023-01-01"),
    "city-population-zero": ("hat_cities_are_citable", "hat_cities.parquet",
                             change_row({"city": "Oslo", "measure": "patients"}, population=0),
                             "city figure or population not positive: Oslo patients 2022-04"),
    "city-figure-unknown-programme": ("hat_cities_are_citable", "hat_cities.parquet",
                                      change_row({"city": "Oslo", "measure": "patients"}, programme_id="NO-NONE"),
                                      "city figure of an unknown programme: Oslo NO-NONE"),
    "duplicate-source": ("sources_grain", "sources.parquet", add_row({"source_id": "UNWPP2017"}),
                         "duplicate sources row UNWPP2017 (2 rows)"),
    "null-in-key": ("programme_sources_grain", "programme_sources.parquet",
                    change_row({"field": "status"}, quote=None), "programme_sources row with NULL in its key "),
}
# The generic contract of every other extract (dashboard/schema.py: its grain): its first row twice.
VIOLATIONS |= {f"duplicate-{view}-row": (f"{view}_grain", extract.file, lambda table: pa.concat_tables(
    [table, table.slice(0, 1)]), f"duplicate {view} row ") for view, extract in schema.EXTRACTS.items()
    if view in ("indicators", "programme_claims", "claims", "programme_sources", "programme_sites", "quality_flags",
                "hat_cities")}


ALSO_BREAKS = {"rate-5000": "drd_rates_match_definition", "population-zero": "drd_rates_match_definition",
               "population-unknown-country": "drd_rates_match_definition",
               "programme-unknown-country": "programme_facts_have_sources",
               "programme-ends-before-start": "programme_facts_have_sources"}


def broken_copy(tmp_path: Path, file_name: str, change: Change) -> Path:
    """A copy of the shipped extracts with one table changed (changed facts with their rollup made again, as a
    build that wrote them would)."""
    folder = tmp_path / "extracts"
    shutil.copytree(SHIPPED, folder)
    changed = change(pq.read_table(folder / file_name))
    pq.write_table(changed, folder / file_name)
    if file_name == "facts.parquet":
        pq.write_table(fact_coverage_table(changed), folder / "fact_coverage.parquet")
    return folder


@pytest.mark.parametrize("violation", list(VIOLATIONS))
def test_contract_catches_violation(tmp_path, violation):
    contract, file_name, change, problem = VIOLATIONS[violation]
    problems = contracts.check(broken_copy(tmp_path, file_name, change))
    assert any(found.startswith(f"contracts/{contract}: {problem}") for found in problems), problems
    others = {found for found in problems if not found.startswith(f"contracts/{contract}: ")}
    # A rate of 5,000 is implausible and also breaks its definition, a rate's population is its denominator, and a
    # programme moved to an unknown country leaves Norway without one; every other case breaks one contract only.
    if violation in ALSO_BREAKS:
        others = {found for found in others if not found.startswith(f"contracts/{ALSO_BREAKS[violation]}: ")}
    assert not others, "only that contract complains"


def test_every_contract_is_shown_to_catch_something():
    exercised = {f"contracts/{contract}" for contract, *_ in VIOLATIONS.values()}
    assert exercised == set(contracts.contract_names())


def test_contracts_report_an_unreadable_extract(tmp_path):
    folder = tmp_path / "extracts"
    shutil.copytree(SHIPPED, folder)
    (folder / "facts.parquet").unlink()
    assert contracts.check(folder) == [f"{folder.resolve() / 'facts.parquet'}: file is missing"]


# --- query files document themselves ----------------------------------------------------------------------------------

QUERY_FILES = sorted(settings.QUERIES_DIR.glob("*.sql")) + sorted((settings.QUERIES_DIR / "contracts").glob("*.sql"))


def test_there_are_query_and_contract_files():
    assert len([path for path in QUERY_FILES if path.parent.name == "contracts"]) >= 5
    assert len(QUERY_FILES) >= 12


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.relative_to(settings.QUERIES_DIR).as_posix())
def test_query_file_opens_with_its_params_and_returns(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = list(itertools.takewhile(lambda line: line.startswith("--"), lines))
    assert header and header[0].startswith(f"-- {path.stem}:"), "first line names the query"
    params = [line for line in header if line.startswith("-- params:")]
    returns = [line for line in header if line.startswith("-- returns:")]
    assert len(params) == 1 and len(returns) == 1 and returns[0].removeprefix("-- returns:").strip()
    # The header declares exactly the $parameters the SQL binds.
    declared = set(re.findall(r"\$(\w+)", "\n".join(header)))
    used = set(re.findall(r"\$(\w+)", "\n".join(lines[len(header):])))
    assert declared == used
    if not used:
        assert params[0].removeprefix("-- params:").strip() == "none"


def _readme_columns(section: str) -> dict[str, str]:
    """name -> type from a data/README.md column table ('| `a`, `b` | VARCHAR | ...')."""
    found = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].startswith("`") and re.fullmatch(r"[A-Z]+(\[\])?", cells[1]):
            found |= {name: cells[1] for name in re.findall(r"`([a-z0-9_]+)`", cells[0])}
    return found


def test_data_readme_documents_the_declared_schema():
    """data/README.md describes every column of every extract with the type dashboard/schema.py declares."""
    readme = (settings.REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for extract in schema.EXTRACTS.values():
        start = readme.index(f"### `{extract.file}`")
        section = readme[start:readme.find("\n### ", start + 1)]
        documented = _readme_columns(section)
        if documented:
            assert documented == extract.columns, extract.file
        else:  # a short extract described in a sentence
            assert all(f"`{name}`" in section for name in extract.columns), extract.file


def test_generated_grain_contracts_are_current():
    """queries/contracts/<view>_grain.sql are what dashboard/schema.py generates (`python -m dashboard.schema`)."""
    for extract in schema.EXTRACTS.values():
        path = contracts.CONTRACTS_DIR / f"{extract.view}_grain.sql"
        assert path.read_text(encoding="utf-8") == schema.grain_contract_sql(extract), path


# Reliability round two (issue 18, finding 14): build faults leave nothing behind and say so in one line.
def test_a_killed_builds_staging_folder_is_removed_by_the_next_build_and_a_recent_one_kept(tmp_path):
    import os
    import time

    from dashboard.build import swap

    old = tmp_path / f"{swap.STAGING_PREFIX}killed"
    recent = tmp_path / f"{swap.STAGING_PREFIX}running"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "facts.parquet").write_bytes(b"x" * 1000)
    an_hour_and_more = time.time() - swap.LEFTOVER_AFTER_S - 60
    os.utime(old, (an_hour_and_more, an_hour_and_more))
    (tmp_path / "extracts").mkdir()
    assert swap.remove_leftovers(tmp_path) == [old]
    assert not old.exists() and recent.exists() and (tmp_path / "extracts").exists()


def test_a_build_that_cannot_write_says_so_in_one_line_and_keeps_the_extracts(tmp_path, capsys, monkeypatch):
    import errno

    from dashboard.build import swap

    def full_disk(tables, folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "facts.parquet"))

    monkeypatch.setattr(swap, "write_tables", full_disk)
    out = tmp_path / "extracts"
    shutil.copytree(settings.SHIPPED_DATA_DIR, out)
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    status = __main__.main(["build", "--source-dir", str(require_raw_sources("the build")), "--out", str(out)])
    printed = capsys.readouterr().out.strip().splitlines()
    assert status == 1 and printed[-1].startswith("build failed: cannot write ")
    assert printed[-1].endswith("facts.parquet: No space left on device; previous extracts kept")
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert not list(tmp_path.glob(f"{swap.STAGING_PREFIX}*")), "the staging folder is removed"
