"""A deck item as it is shown: a view's chart, a table of the rows behind a view's chart, a title or a text slide.

One description serves the present mode, the presenter view and every deck export, so a slide says the same
thing on the projector, in the PPTX and in the PDF. A table slide holds at most what fits a 16:9 slide in
readable type (TABLE_ROWS rows, a few short columns) and says what it leaves out.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from dashboard import before_after, db, i18n, site, tables, views, vocabulary
from dashboard.catalog import Catalog
from dashboard.charts import ChartView
from dashboard.deck import Deck, DeckItem
from dashboard.figures import format_value, is_missing, is_rate_unit, records
from dashboard.i18n import N_, ntr, tr

TABLE_ROWS = 12  # rows of a table slide: readable at 1280x720 and on a PowerPoint slide
TREND_YEARS = 8  # year columns of a trend's table slide (the last ones of the range)
CELL_CHARACTERS = 48  # longer cells are cut with an ellipsis (the full text is in the Data page and the XLSX)


@dataclass(frozen=True)
class SlideTable:
    """A table as a slide shows it: headers, formatted cells, which columns are numbers, and what is left out."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    total_rows: int
    left_out: str = ""  # '12 of 30 countries shown, highest first.' when rows or columns were left out


@dataclass(frozen=True)
class Slide:
    """What one slide shows; `note` is for the presenter only (the presenter view, the PPTX notes pane)."""

    kind: str
    title: str
    subtitle: str = ""
    note: str = ""
    view: ChartView | None = None  # chart and table slides: the view they come from (its link, source, stamp)
    table: SlideTable | None = None
    text: str = ""
    notices: tuple[str, ...] = ()

    @property
    def source_line(self) -> str:
        return self.view.source_line if self.view else ""


def build_slide(item: DeckItem, view: ChartView | None, notices: tuple[str, ...] = ()) -> Slide:
    """The slide of a deck item; chart and table items need the view their query string draws. A table is
    written in its view's language (its link's `lang`), as the view's chart is."""
    if item.kind in ("title", "text"):
        return Slide(kind=item.kind, title=item.title, text=item.text, note=item.note)
    if view is None:
        raise ValueError(f"A {item.kind} slide needs its view.")  # a programming error: English
    table = table_of(view) if item.kind == "table" else None
    return Slide(kind=item.kind, title=view.screen_title or view.title, subtitle=view.subtitle, note=item.note,
                 view=view, table=table, notices=notices)


def undrawable(item: DeckItem, reason: str) -> Slide:
    """A text slide saying why a deck item cannot be drawn (a hand-edited deck file naming the meeting page, a
    profile of a country the extracts no longer hold), so it is never drawn as another chart."""
    return Slide(kind="text", title=tr("This slide cannot be drawn"), text=reason, note=item.note)


def unviewable_reason(query_string: str) -> str | None:
    """Why a view slide's page draws no view (the meeting page), None when it draws one."""
    page = views.page_of(query_string)
    if site.has_view(page):
        return None
    return tr("Its view is of the {page} page, which has no chart a slide can show.",
              page=tr(site.BY_NAME[page].title))


def view_slide(view: ChartView, note: str = "", kind: str = "chart") -> Slide:
    """The slide of a view already drawn (a one-view PPTX, the tests)."""
    return build_slide(DeckItem(view.query_string or "page=map", note, kind=kind), view)


def deck_slides(connection: db.Connection, catalog: Catalog, deck: Deck,
                projector: bool = False) -> tuple[list[Slide], list[str]]:
    """Every slide of a deck, drawn: (slides, notices), notices prefixed with the slide number."""
    shown: list[Slide] = []
    notices: list[str] = []
    for number, item in enumerate(deck.items, start=1):
        if not item.is_view:
            shown.append(build_slide(item, None))
            continue
        try:
            view, item_notices = views.view_of_link(item.query_string, connection, catalog, projector=projector)
        except ValueError as error:
            notices.append(tr("Slide {slide}: {reason}", slide=number, reason=error))
            shown.append(undrawable(item, str(error)))
            continue
        notices.extend(tr("Slide {slide}: {reason}", slide=number, reason=notice) for notice in item_notices)
        shown.append(build_slide(item, view, tuple(item_notices)))
    return shown, notices


def _cut(text: object) -> str:
    shown = "" if is_missing(text) else " ".join(str(text).split())
    return shown if len(shown) <= CELL_CHARACTERS else shown[:CELL_CHARACTERS - 1].rstrip() + "…"


def _unit_label(unit: str) -> str:
    shown = vocabulary.unit(unit)
    return shown[:1].upper() + shown[1:] if shown else tr("Value")


def _ranked_table(view: ChartView) -> SlideTable:
    """A map or ranking: the countries by value, highest first (a country comparison)."""
    rows = [row for row in records(view.data) if not is_missing(row.get("value"))]
    rows.sort(key=lambda row: -float(row["value"]))
    unit = str(rows[0].get("unit") or "") if rows else ""
    rate = is_rate_unit(unit)
    columns = [tr("Rank"), tr("Country"), _unit_label(unit)] + ([tr("Deaths")] if rate else [])
    # The rank the map's hover gives (ties share one), else the position.
    cells = [(i18n.number(number if is_missing(row.get("rank")) else int(row["rank"])), _cut(row["country"]),
              format_value(row["value"], unit), *([format_value(row.get("numerator"), "deaths")] if rate else []))
             for number, row in enumerate(rows[:TABLE_ROWS], start=1)]
    missing = len(view.data) - len(rows)
    left = []
    if len(rows) > TABLE_ROWS:
        left.append(tr("The {shown} highest of {count} countries with a value.", shown=TABLE_ROWS,
                       count=i18n.number(len(rows))))
    if missing:
        left.append(ntr("{n} country has no value for the year.", "{n} countries have no value for the year.",
                        missing))
    return SlideTable(tuple(columns), tuple(cells), (True, False, True, *([True] if rate else [])),
                      total_rows=len(rows), left_out=" ".join(left))


def _trend_table(view: ChartView) -> SlideTable:
    """A trend: one row per country, the last TREND_YEARS years of the range as columns."""
    data = view.data.dropna(subset=["value"])
    if data.empty:
        return SlideTable((tr("Country"),), (), (False,), total_rows=0, left_out=tr("No values for these filters."))
    unit = str(data["unit"].iloc[0] or "")
    years = sorted(int(year) for year in data["year"].unique())
    shown_years = years[-TREND_YEARS:]
    wide = data[data["year"].isin(shown_years)].pivot_table(index="country", columns="year", values="value",
                                                             aggfunc="first")
    latest = wide[shown_years[-1]] if shown_years[-1] in wide else pd.Series(dtype=float)
    order = latest.sort_values(ascending=False, na_position="last").index.tolist()
    order += [country for country in wide.index if country not in order]
    cells = [(_cut(country), *("–" if year not in wide.columns or is_missing(wide.at[country, year])
                               else format_value(wide.at[country, year], unit) for year in shown_years))
             for country in order[:TABLE_ROWS]]
    left = []
    if len(years) > len(shown_years):
        left.append(tr("Years {shown} of {all}.", shown=i18n.year_range(shown_years[0], shown_years[-1]),
                       all=i18n.year_range(years[0], years[-1])))
    if len(order) > TABLE_ROWS:
        left.append(tr("{shown} of {count} countries, highest in {year} first.", shown=TABLE_ROWS,
                       count=i18n.number(len(order)), year=shown_years[-1]))
    left.append(tr("{unit}; – no value.", unit=_unit_label(unit)))
    return SlideTable((tr("Country"), *map(str, shown_years)), tuple(cells), (False, *(True for _ in shown_years)),
                      total_rows=len(order), left_out=" ".join(left))


# The programme table's columns a slide has room for (tables.programme_table names them in the reader's language).
PROGRAMME_COLUMNS = (N_("Country"), N_("Programme"), N_("City or sites"), N_("Years"), N_("Status"), N_("Patients"))


def _programme_table(view: ChartView) -> SlideTable:
    """The programme register of a timeline, in words, the columns a slide has room for."""
    table = tables.programme_table(view.data)
    columns = tuple(tr(column) for column in PROGRAMME_COLUMNS)
    cells = [tuple(_cut(row[column]) for column in columns) for row in records(table.head(TABLE_ROWS))]
    left = tr("{shown} of {count} programmes; all of them on the Programmes page.", shown=TABLE_ROWS,
              count=i18n.number(len(table))) if len(table) > TABLE_ROWS else ""
    return SlideTable(columns, tuple(cells), (False,) * len(columns), total_rows=len(table), left_out=left)


def _claim_table(view: ChartView) -> SlideTable:
    """A claim check: the series it was checked against, in the claim's year."""
    data = view.data
    year = next((int(part) for part in view.query_string.replace("%2C", ",").split(",")
                 if part.isdigit() and len(part) == 4), None)
    if year is not None:
        data = data[data["year"] == year]
    rows = [row for row in records(data) if not is_missing(row.get("value"))]
    cells = [(_cut(row["label"]), _cut(row["place"]), str(row["year"]),
              format_value(row["value"], row.get("indicator_unit")), _cut(row.get("source")))
             for row in rows[:TABLE_ROWS]]
    left = tr("{shown} of {count} series.", shown=TABLE_ROWS, count=i18n.number(len(rows))) if (
        len(rows) > TABLE_ROWS) else ""
    return SlideTable((tr("Series"), tr("Place"), tr("Year"), tr("Value"), tr("Source")), tuple(cells),
                      (False, False, True, True, False), total_rows=len(rows), left_out=left)


def _before_after_table(view: ChartView) -> SlideTable:
    """Before and after: per country its start, and its mean in the years before and after it, as reported."""
    measure = next(m for m in before_after.MEASURES.values() if m.indicator_id == view.params.get("indicator"))
    cells = []
    for _, own in view.data.groupby("iso3", sort=False):
        before = own.loc[own["relative_year"] < 0, "value"].dropna()
        after = own.loc[own["relative_year"] > 0, "value"].dropna()
        cells.append((_cut(own["country"].iloc[0]), str(int(own["start_year"].iloc[0])),
                      tr("{shown} of {count}", shown=len(before), count=before_after.WINDOW),
                      format_value(before.mean(), measure.unit) if len(before) else "–",
                      tr("{shown} of {count}", shown=len(after), count=before_after.WINDOW),
                      format_value(after.mean(), measure.unit) if len(after) else "–"))
    left = tr("{unit}, as reported (not indexed): means of the years reported; – none reported.",
              unit=_unit_label(measure.unit))
    if len(cells) > TABLE_ROWS:
        left = tr("{shown} of {count} countries.", shown=TABLE_ROWS, count=len(cells)) + " " + left
    return SlideTable((tr("Country"), tr("Start"), tr("Years before"), tr("Mean before"), tr("Years after"),
                       tr("Mean after")),
                      tuple(cells[:TABLE_ROWS]), (False, True, True, True, True, True), total_rows=len(cells),
                      left_out=left)


def _pair_table(view: ChartView) -> SlideTable:
    """A country's two series: one row each, the last TREND_YEARS years either reports as columns."""
    data = view.data.dropna(subset=["value"])
    years = sorted(int(year) for year in data["year"].unique())[-TREND_YEARS:]
    cells = []
    for _, own in data.groupby("indicator_id", sort=False):
        unit = str(own["unit"].iloc[0] or "")
        by_year = dict(zip(own["year"].astype(int), own["value"], strict=True))
        # The indicator's own label, uncut (ours, and at most 60 characters: the row has the width of 8 years)
        cells.append((str(own["indicator"].iloc[0]), *(format_value(by_year[year], unit) if year in by_year
                                                         else "–" for year in years)))
    return SlideTable((tr("Series"), *map(str, years)), tuple(cells), (False, *(True for _ in years)),
                      total_rows=len(cells), left_out=tr("The last years either series reports; – no value."))


def _cities_table(view: ChartView) -> SlideTable:
    """HAT cities: the bars' rows, highest rate first, with the count and population they are read from."""
    cells = [(_cut(row["city"]), i18n.number(int(row["value"])), _cut(row["as_of"]),
              i18n.number(float(row["per_100k"]), 1),
              f"{i18n.number(int(row['population']))} ({row['population_year']})") for row in records(view.data)]
    note = tr("Each figure and population from its own source (the data exports list them).")
    if len(cells) > TABLE_ROWS:
        note = tr("{shown} of {count} cities.", shown=TABLE_ROWS, count=len(cells)) + " " + note
    return SlideTable((tr("City"), tr("Figure"), tr("As of"), tr("Per 100,000"), tr("Population (year)")),
                      tuple(cells[:TABLE_ROWS]), (False, True, False, True, True), total_rows=len(cells),
                      left_out=note)


_TABLES: dict[str, Callable[[ChartView], SlideTable]] = {
    "map": _ranked_table, "ranking": _ranked_table, "trend": _trend_table, "timeline": _programme_table,
    "claim_check": _claim_table, "before_after": _before_after_table, "country_pair": _pair_table,
    "hat_cities": _cities_table,
}


def table_of(view: ChartView) -> SlideTable:
    """The rows behind a view's chart as a slide's table, in the view's language (headers, numbers, notes)."""
    with i18n.language(views.view_language(view)):
        return _TABLES[view.kind](view)


def table_html(table: SlideTable) -> str:
    """A table slide's rows as an HTML table (every cell escaped), with what it leaves out under it."""
    aligned = [" class='num'" if number else "" for number in table.numeric]
    head = "".join(f"<th scope='col'{cls}>{html.escape(column)}</th>"
                   for column, cls in zip(table.columns, aligned, strict=True))
    body = "".join("<tr>" + "".join(f"<td{cls}>{html.escape(cell)}</td>"
                                    for cell, cls in zip(row, aligned, strict=True)) + "</tr>" for row in table.rows)
    left_out = f"<p class='dpa-slide-source'>{html.escape(table.left_out)}</p>" if table.left_out else ""
    return f"<table class='dpa-slide-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{left_out}"
