"""The data behind a view: CSV under its stamp lines, and XLSX with an 'about' sheet."""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd

from dashboard import i18n, tables, views
from dashboard.charts import ChartView
from dashboard.export.stamp import APP_NAME, export_time, now, stamp_time, view_url
from dashboard.figures import is_list, is_missing
from dashboard.i18n import N_, tr

LIST_SEPARATOR = " ; "


def flat_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as files hold it: list cells (a programme's sources) become ' ; '-separated text. The one place a
    list becomes text; everywhere else it stays a list."""
    listed = [column for column in frame.columns if frame[column].map(is_list).any()]
    return frame.assign(**{column: frame[column].map(
        lambda cell: LIST_SEPARATOR.join(map(str, cell)) if is_list(cell) else cell) for column in listed})


# The CSV is for programs in every language: the query's own column names (English) and numbers as Python writes
# them (a dot before the decimals, no thousands separator); the lines above the data, for people, say so.
CSV_FORMAT_NOTE = N_("the data below keep the query's column names (English) and write numbers with a dot "
                     "before the decimals and no thousands separator, in every language, so that programs read "
                     "them; the XLSX export is for reading")


def csv_stamp_lines(view: ChartView, exported_on: date, url: str) -> list[str]:
    """The lines above the data in a CSV: what it is, its filters, sources, date and link (each starts '#'), in
    the view's language."""
    with i18n.language(views.view_language(view)):
        source = tr("Source")
        rows = [(tr("Title"), view.title), (tr("Filters"), view.subtitle),
                (source, view.source_line.removeprefix(f"{source}: ")),  # 'Source: ...' / 'Kilde: ...'
                *((tr("Credit"), credit) for credit in view.credits),
                (tr("Exported"), tr("{time} from {app}", time=export_time(exported_on), app=APP_NAME)),
                (tr("View link"), url), (tr("Query"), f"queries/{view.query_name}.sql"),
                (tr("Format"), tr(CSV_FORMAT_NOTE))]
        lines = [f"# {label}: {' '.join(str(value).split())}" for label, value in rows]
        skipped = len(lines) + 1
        return [tr("# {app} export. The {n} lines starting with '#' describe the data below them (pandas: "
                   "read_csv(path, skiprows={n}))", app=APP_NAME, n=skipped), *lines]


def to_csv(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """The query result exactly as the chart used it (same rows, same columns, no index; UTF-8), under its stamp.
    Machine-readable in every language: English column names, a dot decimal (CSV_FORMAT_NOTE)."""
    exported_on = exported_on or now()
    stamp = "".join(f"{line}\n" for line in csv_stamp_lines(view, exported_on, view_url(view, base_url)))
    return (stamp + flat_table(view.data).to_csv(index=False, lineterminator="\n")).encode("utf-8")


VIEW_LINK = N_("View link")


def about_rows(view: ChartView, exported_on: date, url: str,
               columns: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """What the XLSX 'about' sheet says: where the numbers come from and how to get them again (in the current
    language). `columns`: the data sheet's headers when they are not the query's names (name -> header)."""
    params = json.dumps(view.params, ensure_ascii=False, default=str)
    renamed = [f"{header} = {name}" for name, header in (columns or {}).items() if header != name]
    return [(tr("Title"), view.title), (tr("Filters"), view.subtitle), (tr("Source"), view.source_line),
            *((tr("Credit"), credit) for credit in view.credits),
            (tr("Exported"), tr("{time} from {app}", time=stamp_time(exported_on), app=APP_NAME)),
            (tr(VIEW_LINK), url), (tr("Query file"), f"queries/{view.query_name}.sql"),
            (tr("Query parameters"), params), (tr("Rows"), i18n.number(len(view.data))),
            *([(tr("Columns"), tr("The data sheet's headers and the query's column names (as in the CSV): "
                                  "{columns}", columns="; ".join(renamed)))] if renamed else []),
            (tr("Summary"), view.summary)]


# Excel number formats for the app's printf ones: Excel writes them with the reader's own separators, so a
# Norwegian Excel shows '1 234,5' and an English one '1,234.5' for the same cell (the cell stays a number).
_EXCEL_FORMATS = {"%d": "0", tables.COUNT_FORMAT: "#,##0", "%.1f": "#,##0.0"}


def sheet_headers(frame: pd.DataFrame) -> dict[str, str]:
    """name -> the data sheet's header: the query's names in English (as the CSV and the query files write
    them), the app's column labels in Norwegian (each once: a label two columns share names its column too)."""
    if i18n.current() == i18n.ENGLISH:
        return {name: name for name in frame.columns}
    shown: dict[str, str] = {}
    for name, (label, _) in tables.column_display(frame).items():
        shown[name] = label if label not in shown.values() else f"{label} ({name})"
    return shown


def to_xlsx(view: ChartView, *, exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A workbook: sheet 'data' is the query result; sheet 'about' says what it is and how to get it again, in the
    view's language. Numbers stay numbers, with a number format (grouping, decimals) Excel shows in the reader's
    locale. Numbers keep 16 significant digits (Excel itself shows 15); the CSV export carries every digit.
    """
    with i18n.language(views.view_language(view)):
        return _xlsx(view, exported_on or now(), view_url(view, base_url))


def _xlsx(view: ChartView, exported_on: date, url: str) -> bytes:
    buffer = io.BytesIO()
    frame = flat_table(view.data)
    headers = sheet_headers(frame)
    display = tables.column_display(frame, tables.single_unit(frame))
    about_name = "about" if i18n.current() == i18n.ENGLISH else tr("about")  # the sheet 'data' keeps its name
    # Text is written as text: never turned into a formula, a number or a hyperlink, whatever it looks like.
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        frame.rename(columns=headers).to_excel(writer, sheet_name="data", index=False)
        sheet = writer.sheets["data"]
        sheet.freeze_panes(1, 0)
        for column, name in enumerate(frame.columns):
            sheet.set_column(column, column, min(max(len(str(headers[name])) + 2, 10), 40))
            excel_format = _EXCEL_FORMATS.get(display[name][1] or "")
            if excel_format and not pd.api.types.is_bool_dtype(frame[name]):
                cell_format = writer.book.add_format({"num_format": excel_format})
                for row, value in enumerate(frame[name], start=1):
                    if not is_missing(value):
                        sheet.write_number(row, column, float(value), cell_format)
        about = writer.book.add_worksheet(about_name)
        bold = writer.book.add_format({"bold": True, "valign": "top"})
        wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 100)
        for row, (label, value) in enumerate(about_rows(view, exported_on, url, headers)):
            about.write_string(row, 0, label, bold)
            if label == tr(VIEW_LINK) and len(value) <= 2000:  # Excel's limit for a hyperlink
                about.write_url(row, 1, value, string=value)
            else:
                about.write_string(row, 1, value, wrap)
    return buffer.getvalue()


