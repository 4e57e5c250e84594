"""Malformed raw inputs and killed builds must never damage the published extracts.

One copy of the raw sources (and of data/reference) is built once into <tmp>/extracts: the "previous" version.
Each case then breaks exactly one input, runs the build again and checks that it stops with a message naming the
file (and, where there is one, the sheet, row and column), and that <tmp>/extracts is still byte-identical. The
broken file is restored after each case, so every case starts from the same good inputs.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from dashboard import build, db, settings

pytestmark = pytest.mark.corpus  # full run only: every way to break the inputs, and builds killed midway

if not settings.SHARED_DATA_DIR.is_dir():
    reason = (f"RAW SOURCES MISSING: malformed-input and SIGKILL tests NOT run "
              f"({settings.SHARED_DATA_DIR} does not exist; set DPA_SOURCE_DIR)")
    warnings.warn(reason, stacklevel=1)
    pytest.skip(reason, allow_module_level=True)

EMCDDA = "src/emcdda_statistical_bulletin_2019/raw"
MALE = f"{EMCDDA}/drugDeaths/maleDeaths.xlsx"
FEMALE = f"{EMCDDA}/drugDeaths/femaleDeaths.xlsx"
OLDEST = f"{EMCDDA}/drugDeaths/deaths65-inf.xlsx"
SYRINGES = f"{EMCDDA}/socialResponses/syringesProvision.xlsx"
OST = f"{EMCDDA}/socialResponses/opioidSubstitutionTreatment.xlsx"
POPULATION = ("src/population_owid_unwpp2017/raw/"
              "Population by age group to 2100 (based on UNWPP, 2017 medium scenario).csv")
IHME = "src/owid_ihme_gbd2019_drug_deaths/deaths-substance-disorders.csv"
EUROSTAT = "src/eurostat_hlth_cd_aro_extract/raw/estat_hlth_cd_aro.csv"
GEOJSON = "src/geo/europe_countries_50m_clipped.geojson"
PROGRAMMES = "reference/programmes.csv"
PROGRAMME_SOURCES = "reference/programme_sources.csv"
NATIONAL = "reference/national_figures.csv"
COUNTRIES = "reference/countries.csv"
INDICATORS = "reference/indicators.csv"
SOURCES = "reference/sources.csv"
CLAIMS = "reference/programme_claims.csv"
REGISTER = "reference/claims.csv"
HAT_CITIES = "reference/hat_cities.csv"
CITY_POPULATIONS = "reference/city_populations.csv"
SWEDEN_22 = {"claim_id": "SEED001-SWE-RATE"}

POP_15_64 = "Working age (15-64 years old) (UNWPP, 2017)"
IHME_DRUG = "Deaths - Drug use disorders - Sex: Both - Age: All Ages (Number)"
CONTRACTS_FAILED = "data contracts failed; previous extracts kept"


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in folder, by name: equal snapshots mean byte-identical folders."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@dataclass(frozen=True)
class Corpus:
    root: Path
    src: Path
    reference: Path
    out: Path
    previous: dict[str, str]
    pristine: Path  # a second copy of the previous extracts

    def reset_out(self) -> None:
        """Put the previous extracts back if a case wrongly replaced them, so it cannot fail every later case."""
        if snapshot(self.out) != self.previous:
            shutil.rmtree(self.out)
            shutil.copytree(self.pristine, self.out)

    def inputs(self, **overrides) -> build.BuildInputs:
        return build.BuildInputs.from_source_dir(self.src, reference_dir=self.reference, **overrides)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    root = tmp_path_factory.mktemp("malformed")
    shutil.copytree(settings.SHARED_DATA_DIR, root / "src", copy_function=shutil.copyfile)
    shutil.copytree(settings.REFERENCE_DIR, root / "reference", copy_function=shutil.copyfile)
    for path in [root / "src", *(root / "src").rglob("*")]:  # the shared originals are read-only
        path.chmod(0o755 if path.is_dir() else 0o644)
    out = root / "extracts"
    build.run(build.BuildInputs.from_source_dir(root / "src", reference_dir=root / "reference"), out)
    shutil.copytree(out, root / "pristine")
    return Corpus(root=root, src=root / "src", reference=root / "reference", out=out, previous=snapshot(out),
                  pristine=root / "pristine")


# --- mutations: each changes the file at `path` and returns extra substrings the message must contain ---------------

Mutation = Callable[[Path], list[str]]


def set_cells(cells: dict[str, object]) -> Mutation:
    """Load the real workbook with openpyxl, change cells, save it to the same path."""
    def mutate(path: Path) -> list[str]:
        workbook = openpyxl.load_workbook(path)
        for ref, value in cells.items():
            workbook.worksheets[0][ref] = value
        workbook.save(path)
        return []
    return mutate


def insert_first_sheet(title: str, text: str) -> Mutation:
    """Put a notes sheet before the data sheet: the build reads the first sheet and must notice."""
    def mutate(path: Path) -> list[str]:
        workbook = openpyxl.load_workbook(path)
        workbook.create_sheet(title, 0)["A1"] = text
        workbook.save(path)
        return []
    return mutate


def new_workbook(sheet: str, rows: list[list]) -> Mutation:
    """Replace the workbook with a fresh one holding just these rows."""
    def mutate(path: Path) -> list[str]:
        workbook = openpyxl.Workbook()
        workbook.active.title = sheet
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
        return []
    return mutate


def rewrite_zip(change: Callable[[str, bytes], bytes | None]) -> Mutation:
    """Rewrite the .xlsx package member by member; change returns new bytes, or None to drop the member."""
    def mutate(path: Path) -> list[str]:
        original = path.read_bytes()
        with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(path, "w") as target:
            for item in source.infolist():
                data = change(item.filename, source.read(item.filename))
                if data is not None:
                    target.writestr(item, data)
        return []
    return mutate


def raw_number(cell: str, literal: str) -> Mutation:
    """Put a raw numeric literal (NaN, 1e999) into a cell's XML: openpyxl itself would write NaN as empty."""
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return re.sub(rf'(<c r="{cell}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\1<v>" + literal.encode() + b"</v>", data)
    return rewrite_zip(change)


def write_bytes(data: bytes) -> Mutation:
    def mutate(path: Path) -> list[str]:
        path.write_bytes(data)
        return []
    return mutate


def keep_first(size: int) -> Mutation:
    def mutate(path: Path) -> list[str]:
        path.write_bytes(path.read_bytes()[:size])
        return []
    return mutate


def delete(path: Path) -> list[str]:
    path.unlink()
    return []


def cut_in_half(path: Path) -> list[str]:
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])
    return []


def cut_mid_row(path: Path) -> list[str]:
    """Cut a CSV off after the second field of a row halfway down: the classic interrupted download."""
    data = path.read_bytes()
    line_start = data.index(b"\n", len(data) // 2) + 1
    cut = data.index(b",", data.index(b",", line_start) + 1)
    path.write_bytes(data[:cut])
    row = data[:cut].count(b"\n") + 1
    return [f"row {row}"]


def append_bytes(extra: bytes) -> Mutation:
    def mutate(path: Path) -> list[str]:
        path.write_bytes(path.read_bytes() + extra)
        return []
    return mutate


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def _body(line: str) -> str:
    return line.rstrip("\r\n")


def _csv_line(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()


def _find_row(lines: list[str], match: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Index and fields of the first data line whose fields equal `match`."""
    header = [name.strip() for name in next(csv.reader([lines[0]]))]
    for index, line in enumerate(lines[1:], start=1):
        if not all(value in line for value in match.values()):
            continue  # cheap test first: the population file has 36,000 lines
        record = dict(zip(header, next(csv.reader([line])), strict=False))
        if all(record.get(key) == value for key, value in match.items()):
            return index, record
    raise AssertionError(f"no row matching {match}")


def edit_row(match: dict[str, str], change: Callable[[dict[str, str]], list[str] | None],
             column: str | None = None) -> Mutation:
    """Rewrite (or, if change returns None, delete) the first CSV row whose fields equal `match`.

    change gets the row as a dict and returns the new fields. The expected message then names that row, and
    `column` if given."""
    def mutate(path: Path) -> list[str]:
        lines = _lines(path)
        index, record = _find_row(lines, match)
        fields = change(record)
        line = lines[index]
        lines[index] = "" if fields is None else _csv_line(fields) + line[len(_body(line)):]
        path.write_bytes("".join(lines).encode("utf-8"))
        return [f"row {index + 1}" + (f", column {column}" if column else "")]
    return mutate


def set_field(match: dict[str, str], column: str, value: str, reported_as: str | None = None) -> Mutation:
    """Change one field; the message must name the row and the column (as the reader reports it)."""
    def change(record: dict[str, str]) -> list[str]:
        return list({**record, column: value}.values())
    return edit_row(match, change, reported_as or column)


def extra_field(match: dict[str, str]) -> Mutation:
    return edit_row(match, lambda record: [*record.values(), "extra"])


def duplicate_row(match: dict[str, str], changes: dict[str, str] | None = None) -> Mutation:
    """Append a copy of the matching row (optionally changed) at the end of the file."""
    def mutate(path: Path) -> list[str]:
        lines = _lines(path)
        _, record = _find_row(lines, match)
        ending = "\r\n" if lines[0].endswith("\r\n") else "\n"
        text = "".join(lines)
        if not text.endswith(ending):
            text += ending
        path.write_bytes((text + _csv_line(list({**record, **(changes or {})}.values())) + ending).encode("utf-8"))
        return []
    return mutate


def rename_header(old: str, new: str) -> Mutation:
    def mutate(path: Path) -> list[str]:
        lines = _lines(path)
        fields = next(csv.reader([lines[0]]))
        assert any(field.strip() == old for field in fields), f"{old!r} not in the header of {path}"
        renamed = [new if field.strip() == old else field for field in fields]
        lines[0] = _csv_line(renamed) + lines[0][len(_body(lines[0])):]
        path.write_bytes("".join(lines).encode("utf-8"))
        return []
    return mutate


def edit_json(change: Callable[[dict], object]) -> Mutation:
    def mutate(path: Path) -> list[str]:
        path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
        return []
    return mutate


def _first_feature(change: Callable[[dict], None]) -> Callable[[dict], dict]:
    def apply(document: dict) -> dict:
        change(document["features"][0])
        return document
    return apply


def _point(feature: dict) -> None:
    feature["geometry"] = {"type": "Point", "coordinates": [12.45, 41.9]}


def _zero_area(feature: dict) -> None:
    feature["geometry"] = {"type": "Polygon", "coordinates": [[[12.0, 41.0], [12.0, 41.0], [12.0, 41.0]]]}


def _drop_worksheets(name: str, data: bytes) -> bytes | None:
    return None if name.startswith("xl/worksheets/") else data


# --- the cases -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    target: str | None  # file relative to the corpus root; None when the case changes BuildInputs instead
    mutate: Mutation | None
    expect: tuple[str, ...]
    cli: bool = False  # run `python -m dashboard build` in a subprocess instead of build.run
    inputs: dict | None = None  # BuildInputs overrides, relative paths resolved against the corpus root
    located: bool = True  # the message names the row/column the mutation reports (not so for contracts)


def source(case_id: str, target: str, mutate: Mutation, *expect: str, cli: bool = False) -> Case:
    """A broken raw file: the message must name the file itself."""
    return Case(case_id, target, mutate, (Path(target).name, *expect), cli=cli)


def contract(case_id: str, target: str, mutate: Mutation, *expect: str, cli: bool = False) -> Case:
    """Readable but wrong data: the contracts must stop the swap and name the offending record."""
    return Case(case_id, target, mutate, (CONTRACTS_FAILED, *expect), cli=cli, located=False)


DRD31 = "sheet 'DRD-31'"
HSR33 = "sheet 'HSR-3-3'"
NORWAY_POP = {"Entity": "Norway", "Year": "2000"}
NORWAY_IHME = {"Code": "NOR", "Year": "2000"}
NORWAY_TOXICO = {"sex": "F", "age": "TOTAL", "icd10": "TOXICO", "resid": "TOT_IN", "geo": "NO"}
PROVE = {"programme_id": "CH-PROVE"}

CASES = [
    # EMCDDA wide workbooks (maleDeaths.xlsx is read first, so these fail fast)
    source("xlsx-truncated", MALE, cut_in_half, "not a readable .xlsx workbook"),
    source("xlsx-zero-bytes", MALE, write_bytes(b""), "not a readable .xlsx workbook"),
    source("xlsx-not-a-zip", MALE, write_bytes(b"Country,2017\nNorway,1\n"), "not a readable .xlsx workbook"),
    source("xlsx-missing", MALE, delete, "file not found"),
    source("xlsx-sheet-removed", MALE, rewrite_zip(_drop_worksheets), "workbook has no sheet"),
    source("xlsx-sheet-empty", MALE, new_workbook("DRD-31", []), f"{DRD31}: sheet is empty"),
    source("xlsx-header-land", MALE, set_cells({"A1": "Land"}), f"{DRD31}, row 1, column A",
           "headed 'Country', found 'Land'"),
    source("xlsx-year-text", MALE, set_cells({"C1": "twenty"}), f"{DRD31}, row 1, column C",
           "must be a year, found 'twenty'"),
    source("xlsx-year-duplicated", MALE, set_cells({"C1": 2017}), f"{DRD31}, row 1, column C",
           "year 2017 appears twice"),
    source("xlsx-year-1800", MALE, set_cells({"D1": 1800}), f"{DRD31}, row 1, column D", "year 1800 outside"),
    source("xlsx-year-fraction", MALE, set_cells({"B1": 2017.5}), f"{DRD31}, row 1, column B", "must be a year"),
    source("xlsx-header-gap", MALE, set_cells({"C1": None}), f"{DRD31}, row 1, column C",
           "must be a year, found None"),
    source("xlsx-text-12a", MALE, set_cells({"B2": "12a"}), f"{DRD31}, row 2, column B", "found text '12a'"),
    source("xlsx-thousands-separator", MALE, set_cells({"E2": "1,234"}), f"{DRD31}, row 2, column E",
           "found text '1,234'"),
    source("xlsx-notes-sheet-first", MALE, insert_first_sheet("Notes", "About this table"),
           "sheet 'Notes', row 1, column A", "headed 'Country', found 'About this table'"),
    source("xlsx-text-n/a", MALE, set_cells({"C3": "n/a"}), f"{DRD31}, row 3, column C", "found text 'n/a'"),
    source("xlsx-boolean", MALE, set_cells({"D4": True}), f"{DRD31}, row 4, column D", "found True"),
    source("xlsx-date", MALE, set_cells({"B2": datetime.datetime(2017, 1, 1)}), f"{DRD31}, row 2, column B",
           "expected a number"),
    source("xlsx-nan-text", MALE, set_cells({"B2": "NaN"}), f"{DRD31}, row 2, column B", "finite number"),
    source("xlsx-inf-number", MALE, raw_number("B2", "1e999"), f"{DRD31}, row 2, column B",
           "finite number, found inf"),
    source("xlsx-nan-number", MALE, raw_number("B2", "NaN"), f"{DRD31}: sheet cannot be read"),
    source("xlsx-duplicate-country", MALE, set_cells({"A3": "Austria"}), f"{DRD31}, row 3, column A",
           "duplicate row for 'Austria' (first at row 2)"),
    source("xlsx-unknown-country", MALE, set_cells({"A2": "Atlantis"}), f"{DRD31}, row 2, column A",
           "unknown country 'Atlantis'"),
    source("xlsx-values-without-country", MALE, set_cells({"A2": None}), f"{DRD31}, row 2, column A",
           "values in a row without a country name"),
    source("xlsx-value-under-empty-header", MALE, set_cells({"Y2": 5}), f"{DRD31}, row 2, column Y",
           "value under an empty column header"),
    source("xlsx-no-year-columns", MALE, new_workbook("DRD-31", [["Country"], ["Norway"]]), f"{DRD31}, row 1",
           "no year columns"),
    source("xlsx-no-country-rows", MALE, new_workbook("DRD-31", [["Country", 2017]]), f"{DRD31}: no country rows"),
    source("xlsx-later-table", OLDEST, set_cells({"C5": "x"}), "sheet 'DRD-46', row 5, column C", "found text 'x'"),
    source("xlsx-unknown-subnational-row", SYRINGES, set_cells({"A2": "UK - Cornwall"}),
           "sheet 'HSR-5-1-1', row 2, column A", "unknown country 'UK - Cornwall'"),
    source("cli-xlsx-truncated", FEMALE, keep_first(1000),
           "not a readable .xlsx workbook", cli=True),
    contract("xlsx-negative-count", MALE, set_cells({"B2": -5}),
             "facts_plausible_values: implausible value -5.0 for AUT 2017 drd_deaths male total"),
    # EMCDDA HSR-3-3: OST clients by medication
    source("ost-missing-diacetylmorphine", OST, set_cells({"K1": "Number of heroin clients"}), f"{HSR33}, row 1",
           "missing column 'Number of diacetylmorphine clients'"),
    source("ost-year-abc", OST, set_cells({"B2": "abc"}), f"{HSR33}, row 2, column B", "found text 'abc'"),
    source("ost-year-fraction", OST, set_cells({"B2": 2016.5}), f"{HSR33}, row 2, column B",
           "implausible year 2016.5"),
    source("ost-unknown-country", OST, set_cells({"A4": "Atlantis"}), f"{HSR33}, row 4, column A",
           "unknown country 'Atlantis'"),
    source("ost-duplicate-country", OST, set_cells({"A3": "Austria"}), f"{HSR33}, row 3, column A",
           "duplicate row for 'Austria'"),
    source("ost-text-in-count", OST, set_cells({"C2": "many"}), f"{HSR33}, row 2, column C", "found text 'many'"),
    source("ost-values-without-country", OST, set_cells({"A5": None}), f"{HSR33}, row 5, column A",
           "values in a row without a country name"),
    # UN WPP 2017 population (OWID CSV)
    source("population-missing-column", POPULATION, rename_header(POP_15_64, "Working age"), "row 1",
           f"missing column '{POP_15_64}'"),
    source("population-truncated-mid-row", POPULATION, cut_mid_row, "expected 9 fields, found 2"),
    source("population-negative", POPULATION, set_field(NORWAY_POP, POP_15_64, "-1"),
           "population must be positive"),
    source("population-year-fraction", POPULATION, set_field(NORWAY_POP, "Year", "2000.5"),
           "expected a year 1950-2100, found '2000.5'"),
    source("population-not-utf8", POPULATION, append_bytes("Cura\u00e7ao,2100,1,2,3,4,5,6,7\n".encode("latin-1")),
           "not a readable UTF-8 CSV"),
    # IHME GBD 2019 (OWID CSVs)
    source("ihme-renamed-column", IHME, rename_header(IHME_DRUG, IHME_DRUG.replace("(Number)", "(Count)")),
           "row 1", f"missing column '{IHME_DRUG}'"),
    source("ihme-text-in-number", IHME, set_field(NORWAY_IHME, IHME_DRUG, "12x"), "found text '12x'"),
    source("ihme-empty-year", IHME, set_field(NORWAY_IHME, "Year", ""), "expected a year"),
    # Eurostat hlth_cd_aro (wide CSV, CRLF line ends)
    source("eurostat-unknown-geo", EUROSTAT, set_field(NORWAY_TOXICO, "geo", "ZZ"), "unknown geo code 'ZZ'"),
    source("eurostat-bad-cell", EUROSTAT, set_field(NORWAY_TOXICO, "2017", "12x"), "found '12x'"),
    source("eurostat-unknown-sex", EUROSTAT, set_field(NORWAY_TOXICO, "sex", "X", "sex/age"),
           "unknown sex/age code 'X'"),
    source("eurostat-missing-geo", EUROSTAT, rename_header("geo", "country"), "row 1", "missing column 'geo'"),
    source("eurostat-no-year-columns", EUROSTAT,
           lambda path: [f for year in range(2016, 2024) for f in rename_header(str(year), f"Y{year}")(path)],
           "row 1", "no year columns"),
    source("eurostat-short-row", EUROSTAT, edit_row(NORWAY_TOXICO, lambda record: list(record.values())[:6]),
           "expected 15 fields, found 6"),
    # Natural Earth GeoJSON
    source("geojson-invalid-json", GEOJSON, cut_in_half, "not valid GeoJSON"),
    source("geojson-empty-collection", GEOJSON, write_bytes(b'{"type": "FeatureCollection", "features": []}'),
           "expected a non-empty FeatureCollection"),
    source("geojson-point", GEOJSON, edit_json(_first_feature(_point)), "feature 1 (VAT)",
           "expected a Polygon or MultiPolygon"),
    source("geojson-zero-area", GEOJSON, edit_json(_first_feature(_zero_area)), "feature 1 (VAT)",
           "unusable polygon"),
    # Hand-compiled HAT programmes
    source("programmes-text-start-year", PROGRAMMES, set_field(PROVE, "start_year", "nineteen"),
           "found text 'nineteen'"),
    source("programmes-fractional-start-year", PROGRAMMES, set_field(PROVE, "start_year", "1994.5"),
           "expected a whole number, found '1994.5'"),
    source("programmes-missing-eligibility", PROGRAMMES, rename_header("eligibility", "criteria"), "row 1",
           "missing column 'eligibility'"),
    source("programmes-wrong-field-count", PROGRAMMES, extra_field(PROVE), "expected 38 fields, found 39"),
    source("programmes-unknown-phase", PROGRAMMES, set_field(PROVE, "phase", "maybe"), "row 2", "column phase",
           "phase must be one of trial, pilot"),
    source("programmes-treated-patients-not-boolean", PROGRAMMES, set_field(PROVE, "treated_patients", "yes"),
           "expected true or false, found 'yes'"),
    source("programme-sources-missing-quote", PROGRAMME_SOURCES, rename_header("quote", "quotation"), "row 1",
           "missing column 'quote'"),
    contract("programme-source-of-unknown-kind", PROGRAMME_SOURCES,
             set_field({"programme_id": "CH-PROVE", "field": "city_or_sites"}, "source_kind", "blog"),
             "programme source of unknown kind: CH-PROVE city_or_sites"),
    source("national-figure-unknown-geography", NATIONAL,
           set_field({"geography": "Scotland", "year": "2017", "measure": "deaths"}, "geography", "Caledonia"),
           "unknown geography 'Caledonia' of 'GBR'"),
    source("national-figure-without-url", NATIONAL,
           set_field({"iso3": "NOR", "year": "2017", "measure": "deaths"}, "source_url", "see FHI"),
           "expected the URL of the page the figure was read from"),
    source("national-figure-unknown-measure", NATIONAL,
           set_field({"iso3": "NOR", "year": "2017", "measure": "deaths"}, "measure", "overdoses"),
           "unknown measure 'overdoses'"),
    contract("programmes-duplicate-id", PROGRAMMES,
             # two of one country, neither named by a city figure or site (whose checks would refuse it first)
             set_field({"programme_id": "UK-BRITISH-SYSTEM"}, "programme_id", "UK-RIOTT"),
             "duplicate programmes row UK-RIOTT (2 rows)"),
    contract("programmes-end-before-start", PROGRAMMES, set_field(PROVE, "end_year", "1980"),
             "programme ends before it starts: CH-PROVE"),
    # Hand-maintained reference tables (a modified copy of data/reference)
    source("cities-unknown-programme", HAT_CITIES, set_field({"city": "Oslo"}, "programme_id", "NO-NONE"),
           "unknown programme 'NO-NONE'"),
    source("cities-value-not-a-count", HAT_CITIES, set_field({"city": "Bergen"}, "value", "about 10"),
           "expected a whole number above zero, found 'about 10'"),
    source("cities-population-without-source", CITY_POPULATIONS, set_field({"city": "Glasgow"}, "source_url", ""),
           "every population needs its source_url"),
    source("countries-bad-boolean", COUNTRIES, set_field({"iso3": "NOR"}, "nordic", "yes"),
           "expected true or false, found 'yes'"),
    source("countries-missing-column", COUNTRIES, rename_header("emcdda_name", "emcdda"), "row 1",
           "missing column 'emcdda_name'"),
    source("countries-wrong-field-count", COUNTRIES, extra_field({"iso3": "NOR"}), "expected 11 fields, found 12"),
    source("countries-not-utf8", COUNTRIES, append_bytes("XKX,XK,XK,Kosov\u00eb\n".encode("latin-1")),
           "not a readable UTF-8 CSV"),
    source("indicators-short-row", INDICATORS, edit_row({"indicator_id": "drd_deaths"},
                                                        lambda record: list(record.values())[:3]),
           "expected 10 fields, found 3"),
    source("claims-missing-column", CLAIMS, rename_header("claim_status", "status"), "row 1",
           "missing column 'claim_status'"),
    source("indicators-missing-caveat", INDICATORS, rename_header("caveat", "caveats"), "row 1",
           "missing column 'caveat'"),
    source("indicators-untranslated-label", INDICATORS, set_field({"indicator_id": "drd_deaths"}, "label_no", ""),
           "label_no is empty: write the Norwegian beside the English"),
    source("quality-flags-untranslated", "reference/quality_flags.csv",
           set_field({"flag": "population_projected"}, "explanation_no", " "), "explanation_no is empty"),
    source("programmes-untranslated-eligibility", PROGRAMMES,
           set_field({"programme_id": "NO-HAB-PILOT"}, "eligibility_no", ""), "eligibility_no is empty"),
    source("hat-cities-norwegian-without-english", HAT_CITIES,
           set_field({"city": "Oslo", "measure": "places", "as_of": "2019-10"}, "note", "", reported_as="note_no"),
           "note_no has text but note is empty: delete the Norwegian too"),
    source("claims-untranslated-reason", REGISTER, set_field({"claim_id": "PRESS-001"}, "reason_no", ""),
           "reason_no is empty"),
    source("sources-zero-bytes", SOURCES, write_bytes(b""), "file is empty"),
    source("claims-missing", CLAIMS, delete, "file not found"),
    contract("countries-empty-iso2", COUNTRIES, set_field({"iso3": "NOR"}, "iso2", ""),
             "country without name or ISO-2 code: NOR"),
    contract("claims-unknown-programme", CLAIMS, set_field({"claim_id": "NL-START-1988"}, "programme_id", "NL-NONE"),
             "claim for unknown programme: NL-START-1988"),
    contract("indicators-without-data", INDICATORS,
             duplicate_row({"indicator_id": "drd_deaths"}, {"indicator_id": "drd_hospital_admissions"}),
             "indicators_have_data: indicator without data: drd_hospital_admissions"),
    # The claim register (data/reference/claims.csv): a row must be checkable as it says, and cite its source
    source("register-unknown-unit", REGISTER, set_field(SWEDEN_22, "unit", "per_capita"),
           "unit must be one of deaths, per_million_15_64, per_million, per_100k, found 'per_capita'"),
    source("register-value-with-comma", REGISTER, set_field(SWEDEN_22, "value", "3,256"),
           "no thousands separator or decimal comma"),
    source("register-no-quote", REGISTER, set_field(SWEDEN_22, "quote", ""),
           "every claim needs its quote, who made it, a verdict and the reason"),
    source("register-no-url-or-reason", REGISTER, set_field(SWEDEN_22, "no_url_reason", "", reported_as="url"),
           "a claim needs a URL or the reason there is none"),
    source("register-unknown-verdict", REGISTER, set_field(SWEDEN_22, "verdict", "mostly true"),
           "verdict must be one of matches, close, contradicts, not_comparable, no_data"),
    source("register-number-without-year", REGISTER, set_field(SWEDEN_22, "year", ""), "a number claim needs year"),
    source("register-fractional-year", REGISTER, set_field(SWEDEN_22, "year", "2015.5"),
           "expected a whole number, found '2015.5'"),
    source("register-missing-column", REGISTER, rename_header("counts", "count"), "row 1", "missing column 'counts'"),
    source("register-missing", REGISTER, delete, "file not found"),
    contract("register-unknown-country", REGISTER, set_field(SWEDEN_22, "iso3", "XXX"),
             "claim SEED001-SWE-RATE about unknown country XXX"),
    contract("register-unknown-programme-claim", REGISTER,
             set_field({"claim_id": "SEED003-NLD-HAT-1988"}, "programme_claim_id", "NL-START-1888"),
             "claim SEED003-NLD-HAT-1988 cites unknown programme claim NL-START-1888"),
    # Inputs pointing at the wrong place
    Case("emcdda-dir-empty", None, None, ("maleDeaths.xlsx", "file not found"), inputs={"emcdda_dir": "empty"}),
]


def _run_build(corpus: Corpus, case: Case) -> str:
    """Run the build as the case says; it must fail. Returns the failure message."""
    if case.cli:
        result = subprocess.run(
            [sys.executable, "-m", "dashboard", "build", "--source-dir", str(corpus.src), "--out", str(corpus.out)],
            cwd=settings.REPO_ROOT, capture_output=True, text=True, timeout=120)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output
        return output
    overrides = {key: corpus.root / value for key, value in (case.inputs or {}).items()}
    for folder in overrides.values():
        folder.mkdir(exist_ok=True)
    with pytest.raises(build.BuildError) as failure:
        build.run(corpus.inputs(**overrides), corpus.out)
    return str(failure.value)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_malformed_input_fails_and_keeps_previous_extracts(corpus: Corpus, case: Case):
    if case.cli:  # the command line always reads the repository's data/reference
        assert not case.target.startswith("reference/")
    corpus.reset_out()
    target = corpus.root / case.target if case.target else None
    original = target.read_bytes() if target else None
    try:
        extra = case.mutate(target) if case.mutate else []
        message = _run_build(corpus, case)
    finally:
        if target:
            target.write_bytes(original)
    for expected in (*case.expect, *(extra if case.located else [])):
        assert expected in message, f"{expected!r} not in the build's message:\n{message}"
    assert snapshot(corpus.out) == corpus.previous, "the previous extracts changed"
    assert not list(corpus.root.glob(".extracts-build-*")), "a staging folder was left behind"


def test_corpus_is_large_and_distinct():
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)


def test_restored_inputs_still_build(corpus: Corpus, tmp_path):
    """After all the cases the restored copy builds the same bytes again (so every restore was complete)."""
    build.run(corpus.inputs(), tmp_path / "extracts")
    assert snapshot(tmp_path / "extracts") == corpus.previous


# --- SIGKILL at any moment: the folder holds exactly one complete version -------------------------------------------

# Child process that dies by SIGKILL just before, or just after, the directory exchange.
KILL_AT_EXCHANGE = """
import os, signal, sys
from dashboard import __main__
from dashboard.build import swap
exchange = swap.exchange_directories
def exchange_then_die(first, second):
    if sys.argv[1] == "after":
        exchange(first, second)
    os.kill(os.getpid(), signal.SIGKILL)
swap.exchange_directories = exchange_then_die
sys.exit(__main__.main(sys.argv[2:]))
"""

# (kind, argument, which version must be left: "old", "new" or None for either)
KILL_POINTS = {
    "after-0.05s": ("seconds", 0.05, "old"),
    "after-0.2s": ("seconds", 0.2, None),
    "after-0.4s": ("seconds", 0.4, None),
    "after-0.6s": ("seconds", 0.6, None),
    "staging-created": ("staging", 0, None),
    "just-before-exchange": ("hook", "before", "old"),
    "just-after-exchange": ("hook", "after", "new"),
}


@pytest.fixture(scope="module")
def versions(corpus: Corpus) -> dict[str, dict[str, str]]:
    """The two complete versions a killed build may leave: the previous (2019) and the new (2020) build."""
    newer = corpus.root / "edition-2020"
    build.run(build.BuildInputs.from_source_dir(corpus.src, emcdda_edition="2020"), newer)
    assert snapshot(newer) != corpus.previous
    return {"old": corpus.previous, "new": snapshot(newer)}


def _wait_for_staging(process: subprocess.Popen, parent: Path, files: int) -> bool:
    """Poll until a staging folder with at least `files` files exists; False if the build ended first."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        for staging in parent.glob(".extracts-build-*"):
            try:
                if sum(1 for _ in staging.iterdir()) >= files:
                    return True
            except FileNotFoundError:
                continue
        time.sleep(0.001)
    return False


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_leaves_exactly_one_complete_version(corpus: Corpus, versions, tmp_path, point):
    kind, argument, must_be = KILL_POINTS[point]
    out = tmp_path / "extracts"
    shutil.copytree(corpus.out, out)
    arguments = ["build", "--source-dir", str(corpus.src), "--emcdda-edition", "2020", "--out", str(out)]
    command = ([sys.executable, "-c", KILL_AT_EXCHANGE, argument, *arguments] if kind == "hook"
               else [sys.executable, "-m", "dashboard", *arguments])
    process = subprocess.Popen(command, cwd=settings.REPO_ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        if kind == "seconds":
            time.sleep(argument)
        elif kind == "staging":
            assert _wait_for_staging(process, tmp_path, argument), "the build finished before the kill point"
        else:  # the hook kills the build itself
            process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()

    assert process.returncode == -signal.SIGKILL, "the build was not killed"
    found = snapshot(out)
    assert found in (versions["old"], versions["new"]), "the extracts folder is a mix of two builds"
    if must_be:
        assert found == versions[must_be]
    leftovers = [path.name for path in tmp_path.iterdir() if path.name != "extracts"]
    assert all(name.startswith(".extracts-build-") for name in leftovers), leftovers
    connection = db.connect(out)
    assert connection.broken == {}
    assert not db.run_query(connection, "source_list").empty
    if point == "just-before-exchange":  # a complete staging folder left by a killed build is harmless
        build.run(build.BuildInputs.from_source_dir(corpus.src, emcdda_edition="2020"), out)
        assert snapshot(out) == versions["new"]
