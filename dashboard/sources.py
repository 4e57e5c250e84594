"""Readers for the raw sources in their published layouts; each returns tidy rows or raises SourceError."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

# Values that mean "not reported" in the EMCDDA and Eurostat layouts.
NOT_REPORTED = {"", ":"}
# Rows of EMCDDA sheets that are parts of a country, not countries; skipped on purpose.
SUBNATIONAL_ROWS = {"UK - Wales", "UK- England", "UK-Northern Ireland", "UK-Scotland"}
EUROSTAT_AGGREGATES = {"EU27_2020", "EU28", "FX"}
YEAR_MIN, YEAR_MAX = 1950, 2100


class SourceError(Exception):
    """A raw source could not be read; the message names file, sheet, row and column."""

    def __init__(self, path: Path, problem: str, *, sheet: str | None = None,
                 row: int | None = None, column: str | None = None):
        where = [str(path)]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {problem}")


@dataclass(frozen=True)
class WideSheet:
    """One EMCDDA table: its ID (the sheet name) and one value per reported country and year."""

    table_id: str
    rows: list[tuple[str, int, float | None, bool]]  # (iso3, year, value, has_country_note)


def parse_number(raw, path: Path, sheet: str | None, row: int, column: str) -> float | None:
    """Turn a spreadsheet or CSV cell into a float, None for not reported; anything else is an error."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise SourceError(path, f"expected a number, found {raw!r}", sheet=sheet, row=row, column=column)
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip()
        if text in NOT_REPORTED:
            return None
        try:
            value = float(text)
        except ValueError:
            raise SourceError(path, f"expected a number, found text {text!r}",
                              sheet=sheet, row=row, column=column) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SourceError(path, f"expected a finite number, found {raw!r}", sheet=sheet, row=row, column=column)
    return value


def _open_single_sheet(path: Path):
    if not path.is_file():
        raise SourceError(path, "file not found")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SourceError(path, f"not a readable .xlsx workbook (truncated or corrupt?): {error}") from None
    if not workbook.worksheets:
        raise SourceError(path, "workbook has no sheet; expected one sheet named after the EMCDDA table ID")
    sheet = workbook.worksheets[0]
    try:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SourceError(path, f"sheet cannot be read (truncated or corrupt?): {error}", sheet=sheet.title) from None
    finally:
        workbook.close()
    if not rows:
        raise SourceError(path, "sheet is empty", sheet=sheet.title)
    return sheet.title, rows


def _column_letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index + 1)


def _country_label(raw, path: Path, sheet: str, row: int) -> tuple[str, bool] | None:
    """Strip the EMCDDA country-note asterisk; None for a blank row."""
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    has_note = text.endswith("*")
    return text.rstrip("*").strip(), has_note


def _trim_trailing_empty_columns(header: list, path: Path, sheet: str, data: list[list]) -> int:
    """Number of real columns: trailing columns with an empty header must be empty throughout."""
    width = len(header)
    while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
        column = width - 1
        for offset, row in enumerate(data):
            if column < len(row) and row[column] not in (None, ""):
                raise SourceError(path, "value under an empty column header", sheet=sheet,
                                  row=offset + 2, column=_column_letter(column))
        width -= 1
    return width


def read_emcdda_wide(path: Path, country_by_name: dict[str, str]) -> WideSheet:
    """Read an EMCDDA 'one column per year' table: Country, then year columns (any order)."""
    sheet, rows = _open_single_sheet(path)
    header, data = rows[0], rows[1:]
    if not header or str(header[0]).strip() != "Country":
        raise SourceError(path, f"first column must be headed 'Country', found {header[0] if header else None!r}",
                          sheet=sheet, row=1, column="A")
    width = _trim_trailing_empty_columns(header, path, sheet, data)
    years: list[int] = []
    for index in range(1, width):
        cell = header[index]
        try:
            year = int(float(str(cell).strip()))
            if float(str(cell).strip()) != year:
                raise ValueError
        except (TypeError, ValueError):
            raise SourceError(path, f"column header must be a year, found {cell!r}", sheet=sheet,
                              row=1, column=_column_letter(index)) from None
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise SourceError(path, f"year {year} outside {YEAR_MIN}-{YEAR_MAX}", sheet=sheet,
                              row=1, column=_column_letter(index))
        if year in years:
            raise SourceError(path, f"year {year} appears twice in the header", sheet=sheet,
                              row=1, column=_column_letter(index))
        years.append(year)
    if not years:
        raise SourceError(path, "no year columns after 'Country'", sheet=sheet, row=1)

    out: list[tuple[str, int, float | None, bool]] = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(data):
        row_number = offset + 2
        label = _country_label(row[0] if row else None, path, sheet, row_number)
        if label is None:
            if any(cell not in (None, "") for cell in row[1:width]):
                raise SourceError(path, "values in a row without a country name", sheet=sheet,
                                  row=row_number, column="A")
            continue
        name, has_note = label
        if name in SUBNATIONAL_ROWS:
            continue
        iso3 = country_by_name.get(name)
        if iso3 is None:
            raise SourceError(path, f"unknown country {name!r} (add it to data/reference/countries.csv)",
                              sheet=sheet, row=row_number, column="A")
        if iso3 in seen:
            raise SourceError(path, f"duplicate row for {name!r} (first at row {seen[iso3]})",
                              sheet=sheet, row=row_number, column="A")
        seen[iso3] = row_number
        for index, year in enumerate(years, start=1):
            raw = row[index] if index < len(row) else None
            value = parse_number(raw, path, sheet, row_number, _column_letter(index))
            out.append((iso3, year, value, has_note))
    if not out:
        raise SourceError(path, "no country rows", sheet=sheet)
    return WideSheet(table_id=sheet, rows=out)


# HSR-3-3: 'Number of <medication> clients' columns, one row per country at its reference year.
OST_MEDICATION_COLUMNS = {
    "Number of methadone clients": "methadone",
    "Number of buprenorphine-based OST clients": "buprenorphine",
    "Number of SROM clients": "srom",
    "Number of DHC clients": "dhc",
    "Number of diacetylmorphine clients": "diacetylmorphine",
    "Number of other clients": "other",
}


def read_emcdda_ost_by_medication(path: Path, country_by_name: dict[str, str]):
    """Read HSR-3-3: rows of (iso3, year, medication, clients, has_country_note) and the table ID."""
    sheet, rows = _open_single_sheet(path)
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    required = ["Country", "Year", *OST_MEDICATION_COLUMNS]
    for name in required:
        if name not in header:
            raise SourceError(path, f"missing column {name!r}", sheet=sheet, row=1)
    position = {name: header.index(name) for name in required}
    out = []
    seen: dict[str, int] = {}
    for offset, row in enumerate(rows[1:]):
        row_number = offset + 2
        label = _country_label(row[0], path, sheet, row_number)
        if label is None:
            if any(cell not in (None, "") for cell in row[1:]):
                raise SourceError(path, "values in a row without a country name", sheet=sheet,
                                  row=row_number, column="A")
            continue
        name, has_note = label
        iso3 = country_by_name.get(name)
        if iso3 is None:
            raise SourceError(path, f"unknown country {name!r}", sheet=sheet, row=row_number, column="A")
        if iso3 in seen:
            raise SourceError(path, f"duplicate row for {name!r} (first at row {seen[iso3]})",
                              sheet=sheet, row=row_number, column="A")
        seen[iso3] = row_number
        year_column = _column_letter(position["Year"])
        year = parse_number(row[position["Year"]], path, sheet, row_number, year_column)
        if year is None:
            continue  # country reported no reference year: nothing reported
        if year != int(year) or not YEAR_MIN <= year <= YEAR_MAX:
            raise SourceError(path, f"implausible year {year!r}", sheet=sheet, row=row_number, column=year_column)
        for column_name, medication in OST_MEDICATION_COLUMNS.items():
            index = position[column_name]
            value = parse_number(row[index] if index < len(row) else None, path, sheet, row_number,
                                 _column_letter(index))
            out.append((iso3, int(year), medication, value, has_note))
    return sheet, out


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise SourceError(path, "file not found")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            table = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as error:
        raise SourceError(path, f"not a readable UTF-8 CSV: {error}") from None
    if not table:
        raise SourceError(path, "file is empty")
    header = [cell.strip() for cell in table[0]]
    # Checked for every row, not only the rows we keep: a file cut off mid-row usually ends in a row we skip.
    for number, row in enumerate(table[1:], start=2):
        if row and len(row) != len(header):
            raise SourceError(path, f"expected {len(header)} fields, found {len(row)} (truncated or malformed row?)",
                              row=number)
    return header, table[1:]


def _require_columns(path: Path, header: list[str], required: list[str]) -> dict[str, int]:
    for name in required:
        if name not in header:
            raise SourceError(path, f"missing column {name!r} (found {header})", row=1)
    return {name: header.index(name) for name in required}


def _parse_year(raw, path: Path, row: int, column: str) -> int:
    """A year cell: a whole number in YEAR_MIN-YEAR_MAX. Unlike a value, a missing year is an error."""
    year = parse_number(raw, path, None, row, column)
    if year is None or year != int(year) or not YEAR_MIN <= year <= YEAR_MAX:
        raise SourceError(path, f"expected a year {YEAR_MIN}-{YEAR_MAX}, found {raw!r}", row=row, column=column)
    return int(year)


def read_owid_population(path: Path, iso3_by_entity: dict[str, str], years: range):
    """UN WPP 2017 via OWID: rows of (iso3, year, pop_0_14, pop_15_64, pop_65_plus)."""
    header, data = _read_csv(path)
    columns = {
        "pop_0_14": "Under 15 years old (UNWPP, 2017)",
        "pop_15_64": "Working age (15-64 years old) (UNWPP, 2017)",
        "pop_65_plus": "65+ years old (UNWPP, 2017)",
    }
    position = _require_columns(path, header, ["Entity", "Year", *columns.values()])
    out = []
    for offset, row in enumerate(data, start=2):
        if not row:
            continue
        iso3 = iso3_by_entity.get(row[position["Entity"]])
        if iso3 is None:
            continue  # the file covers the world; we keep the countries we track
        year = _parse_year(row[position["Year"]], path, offset, "Year")
        if year not in years:
            continue
        values = []
        for column in columns.values():
            value = parse_number(row[position[column]], path, None, offset, column)
            if value is not None and value <= 0:
                raise SourceError(path, f"population must be positive, found {value}", row=offset, column=column)
            values.append(value)
        out.append((iso3, year, *values))
    return out


IHME_COLUMNS = {
    "ihme_drug_use_disorder_deaths": (
        "deaths-substance-disorders.csv",
        "Deaths - Drug use disorders - Sex: Both - Age: All Ages (Number)"),
    "ihme_opioid_use_disorder_deaths": (
        "deaths-substance-disorders.csv",
        "Deaths - Opioid use disorders - Sex: Both - Age: All Ages (Number)"),
    "ihme_drug_use_disorder_death_rate_age_std": (
        "death-rates-from-drug-use-disorders.csv",
        "Deaths - Drug use disorders - Sex: Both - Age: Age-standardized (Rate)"),
}


def read_ihme(folder: Path, known_iso3: set[str]):
    """IHME GBD 2019 via OWID: rows of (indicator_id, iso3, year, value) for the tracked countries."""
    out = []
    for indicator_id, (file_name, column) in IHME_COLUMNS.items():
        path = folder / file_name
        header, data = _read_csv(path)
        position = _require_columns(path, header, ["Code", "Year", column])
        for offset, row in enumerate(data, start=2):
            if not row:
                continue
            iso3 = row[position["Code"]]
            if iso3 not in known_iso3:
                continue
            year = _parse_year(row[position["Year"]], path, offset, "Year")
            value = parse_number(row[position[column]], path, None, offset, column)
            out.append((indicator_id, iso3, year, value))
    return out


EUROSTAT_SEX = {"T": "total", "M": "male", "F": "female"}
EUROSTAT_AGE = {"TOTAL": "total", "Y_LT15": "<15", "Y15-29": "15-29", "Y30-44": "30-44",
                "Y45-64": "45-64", "Y_GE65": "65+"}
# Flags are Eurostat's documented letters (before and after its January 2025 recoding); any other letter is a typo
# such as '12x', not a flag.
_EUROSTAT_CELL = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?|:)\s*(?P<flag>[bcdefimnprsuz]*)$")


def read_eurostat_toxico(path: Path, iso3_by_eurostat: dict[str, str]):
    """Eurostat hlth_cd_aro wide CSV: TOXICO deaths occurring in the country (resid TOT_IN).

    Rows of (iso3, year, sex, age_group, value, flag)."""
    header, data = _read_csv(path)
    position = _require_columns(path, header, ["unit", "sex", "age", "icd10", "resid", "geo"])
    year_columns = [(index, int(name)) for index, name in enumerate(header) if re.fullmatch(r"\d{4}", name)]
    if not year_columns:
        raise SourceError(path, "no year columns (expected headers like '2016')", row=1)
    out = []
    for offset, row in enumerate(data, start=2):
        if not row:
            continue
        if row[position["icd10"]] != "TOXICO":
            continue
        if row[position["resid"]] != "TOT_IN":
            continue
        if row[position["unit"]] != "NR":
            raise SourceError(path, f"unexpected unit {row[position['unit']]!r}", row=offset, column="unit")
        geo = row[position["geo"]]
        if geo in EUROSTAT_AGGREGATES:
            continue
        iso3 = iso3_by_eurostat.get(geo)
        if iso3 is None:
            raise SourceError(path, f"unknown geo code {geo!r}", row=offset, column="geo")
        sex = EUROSTAT_SEX.get(row[position["sex"]])
        age = EUROSTAT_AGE.get(row[position["age"]])
        if sex is None or age is None:
            raise SourceError(path, f"unknown sex/age code {row[position['sex']]!r}/{row[position['age']]!r}",
                              row=offset, column="sex/age")
        for index, year in year_columns:
            text = row[index].strip()
            match = _EUROSTAT_CELL.fullmatch(text)
            if not match:
                raise SourceError(path, f"expected a number or ':' with optional flag, found {text!r}",
                                  row=offset, column=header[index])
            number = match["number"]
            value = None if number == ":" else float(number)
            out.append((iso3, year, sex, age, value, match["flag"] or None))
    return out


def read_geojson(path: Path) -> dict:
    if not path.is_file():
        raise SourceError(path, "file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(path, f"not valid GeoJSON: {error}") from None
    if (not isinstance(document, dict) or document.get("type") != "FeatureCollection"
            or not isinstance(document.get("features"), list) or not document["features"]):
        raise SourceError(path, "expected a non-empty FeatureCollection")
    for number, feature in enumerate(document["features"], start=1):
        if not isinstance(feature, dict) or not feature.get("id") or not isinstance(feature.get("geometry"), dict):
            raise SourceError(path, f"feature {number} has no id or geometry")
        if feature["geometry"].get("type") not in ("Polygon", "MultiPolygon"):
            raise SourceError(path, f"feature {number} ({feature['id']}): expected a Polygon or MultiPolygon")
        # The build places each country's map marker at its centroid; fail here, naming the file, if it has none.
        try:
            centroid(feature["geometry"])
        except (IndexError, KeyError, TypeError, ValueError) as error:
            raise SourceError(path, f"feature {number} ({feature['id']}): unusable polygon ({error})") from None
    return document


def centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the largest polygon: where a country's map marker goes."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    best = None
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if area and (best is None or abs(area) > abs(best[0])):
            best = (area, cx / (3 * area), cy / (3 * area))
    if best is None:
        raise ValueError("geometry has no area")
    return round(best[2], 4), round(best[1], 4)
