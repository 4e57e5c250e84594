"""What every reader shares: the error that names file, sheet, row and column, and cells as numbers and years."""

from __future__ import annotations

import csv
from pathlib import Path

# Values that mean "not reported" in the EMCDDA and Eurostat layouts.
NOT_REPORTED = {"", ":"}
# Rows of EMCDDA sheets that are parts of a country, not countries; skipped on purpose.
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



def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
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


def require_columns(path: Path, header: list[str], required: list[str]) -> dict[str, int]:
    for name in required:
        if name not in header:
            raise SourceError(path, f"missing column {name!r} (found {header})", row=1)
    return {name: header.index(name) for name in required}


def parse_year(raw, path: Path, row: int, column: str) -> int:
    """A year cell: a whole number in YEAR_MIN-YEAR_MAX. Unlike a value, a missing year is an error."""
    year = parse_number(raw, path, None, row, column)
    if year is None or year != int(year) or not YEAR_MIN <= year <= YEAR_MAX:
        raise SourceError(path, f"expected a year {YEAR_MIN}-{YEAR_MAX}, found {raw!r}", row=row, column=column)
    return int(year)


