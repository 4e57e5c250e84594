"""The EMCDDA Statistical Bulletin workbooks: one-column-per-year tables and HSR-3-3 (OST by medication)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from dashboard.sources.cells import YEAR_MAX, YEAR_MIN, SourceError, parse_number

SUBNATIONAL_ROWS = {"UK - Wales", "UK- England", "UK-Northern Ireland", "UK-Scotland"}


@dataclass(frozen=True)
class WideSheet:
    """One EMCDDA table: its ID (the sheet name) and one value per reported country and year."""

    table_id: str
    rows: list[tuple[str, int, float | None, bool]]  # (iso3, year, value, has_country_note)



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

