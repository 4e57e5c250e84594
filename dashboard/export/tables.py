"""The data behind a view: CSV under its stamp lines, and XLSX with an 'about' sheet."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from dashboard.charts import ChartView
from dashboard.export.stamp import APP_NAME, export_time, now, view_url
from dashboard.figures import is_list

LIST_SEPARATOR = " ; "


def flat_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as files hold it: list cells (a programme's sources) become ' ; '-separated text. The one place a
    list becomes text; everywhere else it stays a list."""
    listed = [column for column in frame.columns if frame[column].map(is_list).any()]
    return frame.assign(**{column: frame[column].map(
        lambda cell: LIST_SEPARATOR.join(map(str, cell)) if is_list(cell) else cell) for column in listed})


def csv_stamp_lines(view: ChartView, exported_on: date, url: str) -> list[str]:
    """The lines above the data in a CSV: what it is, its filters, sources, date and link (each starts '#')."""
    rows = [("Title", view.title), ("Filters", view.subtitle), ("Source", view.source_line.removeprefix("Source: ")),
            *(("Credit", credit) for credit in view.credits),
            ("Exported", f"{export_time(exported_on)} from {APP_NAME}"), ("View link", url),
            ("Query", f"queries/{view.query_name}.sql")]
    lines = [f"# {label}: {' '.join(str(value).split())}" for label, value in rows]
    return [f"# {APP_NAME} export. The {len(lines) + 1} lines starting with '#' describe the data below them "
            f"(pandas: read_csv(path, skiprows={len(lines) + 1}))", *lines]


def to_csv(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """The query result exactly as the chart used it (same rows, same columns, no index; UTF-8), under its stamp."""
    exported_on = exported_on or now()
    stamp = "".join(f"{line}\n" for line in csv_stamp_lines(view, exported_on, view_url(view, base_url)))
    return (stamp + flat_table(view.data).to_csv(index=False, lineterminator="\n")).encode("utf-8")


def about_rows(view: ChartView, exported_on: date, url: str) -> list[tuple[str, str]]:
    """What the XLSX 'about' sheet says: where the numbers come from and how to get them again."""
    params = json.dumps(view.params, ensure_ascii=False, default=str)
    return [("Title", view.title), ("Filters", view.subtitle), ("Source", view.source_line),
            *(("Credit", credit) for credit in view.credits),
            ("Exported", f"{export_time(exported_on)} from {APP_NAME}"), ("View link", url),
            ("Query file", f"queries/{view.query_name}.sql"), ("Query parameters", params),
            ("Rows", str(len(view.data))), ("Summary", view.summary)]


def to_xlsx(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A workbook: sheet 'data' is the query result; sheet 'about' says what it is and how to get it again.

    Numbers keep 16 significant digits (Excel itself shows 15); the CSV export carries every digit.
    """
    exported_on = exported_on or now()
    url = view_url(view, base_url)
    buffer = io.BytesIO()
    # Text is written as text: never turned into a formula, a number or a hyperlink, whatever it looks like.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        flat_table(view.data).to_excel(writer, sheet_name="data", index=False)
        sheet = writer.sheets["data"]
        sheet.freeze_panes(1, 0)
        for column, name in enumerate(view.data.columns):
            sheet.set_column(column, column, min(max(len(str(name)) + 2, 10), 40))
        about = writer.book.add_worksheet("about")
        bold = writer.book.add_format({"bold": True, "valign": "top"})
        wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 100)
        for row, (label, value) in enumerate(about_rows(view, exported_on, url)):
            about.write_string(row, 0, label, bold)
            if label == "View link" and len(value) <= 2000:  # Excel's limit for a hyperlink
                about.write_url(row, 1, value, string=value)
            else:
                about.write_string(row, 1, value, wrap)
    return buffer.getvalue()


