"""The chart registry: per chart kind its query, parameters, title, subtitle, sources, builder, summary, file stem.

Pages, exports, decks, the command line, the Data page and the broken-data tests all read CHARTS, so a chart on
screen and its exported file are made by the same code from the same query; adding a chart is one entry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import basemap, citations, db, figures, i18n, site, summaries
from dashboard.catalog import PRESET_LABELS, Catalog, Indicator
from dashboard.claim_check import view as claim_view
from dashboard.i18n import N_, ntr, tr
from dashboard.state import ViewState, to_query_string

SEX_LABEL = {"total": N_("all sexes"), "male": N_("men"), "female": N_("women")}
QueryRunner = Callable[..., pd.DataFrame]  # (query name, **parameters) -> its table


@dataclass(frozen=True)
class ChartView:
    """One chart and everything needed to show, explain, cite and export it."""

    kind: str
    title: str
    subtitle: str
    source_line: str
    figure: go.Figure
    data: pd.DataFrame
    query_name: str
    params: dict = field(default_factory=dict)
    summary: str = ""
    query_string: str = ""
    file_stem: str = ""
    credits: tuple[str, ...] = ()  # full credit lines the sources' licences ask for, printed on exports
    footnote: str = ""  # the builder's data caveats, kept under the chart in every export
    projector: bool = False
    top_strip_px: float = 0.0  # room the builder keeps above the plot (the timeline's legend), kept when re-framed
    # The figure as the app shows it, with the title, subtitle, notes and source set as text beside it
    # (figures.screen_figure); exports, slides and the command line use `figure`.
    screen_figure: go.Figure | None = None
    screen_title: str = ""  # the heading over screen_figure when it differs from title (an animated map's range)


@dataclass(frozen=True)
class ChartQuery:
    """Which query a chart runs, with which parameters, and how it is titled: no I/O, no figure."""

    kind: str
    query_name: str
    params: dict
    title: str
    subtitle: str


@dataclass(frozen=True)
class Drawing:
    """What a builder is given: the query's rows, the layers drawn over them and the frame's texts."""

    data: pd.DataFrame
    state: ViewState
    indicator: Indicator | None
    programmes: pd.DataFrame | None
    geojson: dict | None
    projector: bool
    title: str
    subtitle: str
    source_line: str
    context: pd.DataFrame | None = None  # the rows of the chart's context query (a claim's register entry)
    country_names: dict[str, str] = field(default_factory=dict)  # ISO-3 -> the name in the reader's language


@dataclass(frozen=True)
class Chart:
    """One kind of chart, declared: everything else is derived from these fields."""

    kind: str
    query_name: str
    table_tab: str  # the Data page's tab with the chart's query table
    params: Callable[[ViewState], dict]
    title: Callable[[Indicator | None, ViewState], str]
    subtitle: Callable[[str, ViewState], str]  # given the countries in words
    years_in_file_name: Callable[[ViewState], str]
    draw: Callable[[Drawing], go.Figure]
    summarise: Callable[[pd.DataFrame, Indicator | None, ViewState], str]
    needs_statistics: bool = True  # False: drawn from the programme register alone
    # The query of the HAT programmes drawn over the statistics (map markers, trend bands) and its parameters.
    programme_layer: str | None = None
    programme_params: Callable[[ViewState], dict] = lambda s: {"countries": list(s.countries)}
    base_map: bool = False
    animated: bool = False  # state.animate draws every year of the range as frames of one figure
    # The query and the programme layer are read for every year of the range at once (their $year NULL) and the
    # state's year sliced out: a new map year, and each frame of the animation, then read no file.
    one_read_for_all_years: bool = False
    # None: the source line names the source of every value drawn; else this fixed line (in the reader's language).
    fixed_source: Callable[[], str] | None = None
    # A query of what the chart is about, beside its data (the register entry of a checked claim: its quote and
    # where it was printed), with its parameters; None from the parameters: nothing to read.
    context_query: str | None = None
    context_params: Callable[[ViewState], dict | None] = lambda s: None
    # What the source line says of the context (the claim's own citation), after the data's sources.
    context_citation: Callable[[pd.DataFrame | None], str] = lambda context: ""
    # The rows the source line cites (default: every row; a claim's check reads more series than it draws).
    cited: Callable[[pd.DataFrame, ViewState], pd.DataFrame] = lambda data, s: data
    # The file name's stem (default: kind, indicator, countries and years_in_file_name).
    stem: Callable[[ViewState], str] | None = None

    @property
    def layer_queries(self) -> tuple[str, ...]:
        """The queries of what is drawn over the chart's data; the chart still draws, and says so, without them."""
        return ((self.programme_layer,) if self.programme_layer else ()) + (("source_credits",) if self.base_map
                                                                            else ())


def _statistics_params(state: ViewState, **years: object) -> dict:
    return {"indicator": state.indicator, "countries": list(state.countries), **years, "sex": state.sex,
            "age_group": state.age_group}


def describe_breakdown(state: ViewState) -> str:
    age = tr("all ages") if state.age_group == "total" else tr("aged {ages}", ages=state.age_group)
    return f"{tr(SEX_LABEL[state.sex]) if state.sex in SEX_LABEL else state.sex}, {age}"


def _trend_subtitle(countries: str, state: ViewState) -> str:
    scale = tr(", log scale") if state.scale == "log" else ""
    index = (tr(", index: each country's first year = 100") if state.index_base == 0
             else tr(", index {year} = 100", year=state.index_base) if state.index_base else "")
    return f"{countries} · {describe_breakdown(state)}{scale}{index}"


def _draw_map(d: Drawing) -> go.Figure:
    return figures.make_map_figure(d.data, d.geojson or {}, indicator_label=d.indicator.label, unit=d.indicator.unit,
                                   year=d.state.year, markers=d.programmes, fixed_scale=d.state.colours == "range",
                                   projector=d.projector, title=d.title, subtitle=d.subtitle,
                                   source_line=d.source_line, country_names=d.country_names)


def _draw_ranking(d: Drawing) -> go.Figure:
    return figures.make_ranking_figure(d.data, indicator_label=d.indicator.label, unit=d.indicator.unit,
                                       year=d.state.year, fixed_scale=d.state.colours == "range",
                                       projector=d.projector, title=d.title, subtitle=d.subtitle,
                                       source_line=d.source_line)


def _draw_trend(d: Drawing) -> go.Figure:
    return figures.make_trend_figure(d.data, indicator_label=d.indicator.label, unit=d.indicator.unit,
                                     programmes=d.programmes, log_y=d.state.scale == "log",
                                     index_base_year=d.state.index_base, projector=d.projector, title=d.title,
                                     subtitle=d.subtitle, source_line=d.source_line)


def _draw_claim(d: Drawing) -> go.Figure:
    return figures.make_claim_figure(claim_view.check_of_rows(d.data, d.state.check), projector=d.projector,
                                     title=d.title, subtitle=d.subtitle, source_line=d.source_line)


def _draw_timeline(d: Drawing) -> go.Figure:
    return figures.make_timeline_figure(d.data, projector=d.projector, title=d.title, subtitle=d.subtitle,
                                        source_line=d.source_line)


CHARTS: dict[str, Chart] = {chart.kind: chart for chart in (
    Chart("map", "indicator_map", N_("Map data"),
          params=lambda s: _statistics_params(s, year=s.year, year_from=s.year_from, year_to=s.year_to),
          title=lambda indicator, s: f"{indicator.label}, {s.year}",
          subtitle=lambda countries, s: f"{countries} · {describe_breakdown(s)}",
          years_in_file_name=lambda s: f"{s.year_from}-{s.year_to}-animated" if s.animate else str(s.year),
          draw=_draw_map,
          summarise=lambda data, indicator, s: summaries.summarise_map(data, indicator.label, indicator.unit, s.year),
          programme_layer="programme_markers",
          programme_params=lambda s: {"countries": list(s.countries), "year": s.year, "year_from": s.year_from,
                                      "year_to": s.year_to},
          base_map=True, animated=True, one_read_for_all_years=True),
    # The map's values ranked, beside the map (a "highest in Europe" claim needs a ranked view).
    Chart("ranking", "indicator_map", N_("Ranking data"),
          params=lambda s: _statistics_params(s, year=s.year, year_from=s.year_from, year_to=s.year_to),
          title=lambda indicator, s: tr("{indicator}, {year}: countries ranked", indicator=indicator.label,
                                        year=s.year),
          subtitle=lambda countries, s: f"{countries} · {describe_breakdown(s)}",
          years_in_file_name=lambda s: str(s.year),
          draw=_draw_ranking,
          summarise=lambda data, indicator, s: summaries.summarise_map(data, indicator.label, indicator.unit, s.year,
                                                                       ranked=True),
          one_read_for_all_years=True),
    Chart("trend", "indicator_trend", N_("Trend data"),
          params=lambda s: {**_statistics_params(s, year_from=s.year_from, year_to=s.year_to),
                            "index_base": s.index_base, "log_scale": s.scale == "log"},
          title=lambda indicator, s: tr("{indicator}, {first}-{last}", indicator=indicator.label, first=s.year_from,
                                        last=s.year_to),
          subtitle=_trend_subtitle,
          years_in_file_name=lambda s: f"{s.year_from}-{s.year_to}",
          draw=_draw_trend,
          summarise=lambda data, indicator, s: summaries.summarise_trend(data, indicator.label, indicator.unit),
          programme_layer="programmes"),
    Chart("timeline", "programmes", N_("Programme data"),
          params=lambda s: {"countries": list(s.countries)},
          title=lambda indicator, s: tr("Heroin-assisted treatment programmes"),
          subtitle=lambda countries, s: countries,
          years_in_file_name=lambda s: "all-years",
          draw=_draw_timeline,
          summarise=lambda data, indicator, s: summaries.summarise_programmes(data),
          needs_statistics=False,
          fixed_source=lambda: tr("Source: {source}", source=tr(citations.PROGRAMME_SOURCE))),
    # A number from the news beside every series it could be (the Claims page; dashboard/claim_check.py).
    Chart("claim_check", "claim_candidates", N_("Claim data"),
          params=lambda s: {"country": s.check.split(",")[0] if s.check else "",
                            "indicators": claim_view.indicators()},
          title=lambda indicator, s: claim_view.title(s.check),
          subtitle=lambda countries, s: tr("{countries} · checked against every series we hold",
                                           countries=countries),
          years_in_file_name=lambda s: s.check.split(",")[1] if s.check else "",
          draw=_draw_claim,
          summarise=lambda data, indicator, s: claim_view.summary(data, s.check),
          context_query="claim_register",
          context_params=lambda s: {"claim_ids": [s.claim]} if s.claim else None,
          context_citation=claim_view.citation,
          cited=lambda data, s: claim_view.rows_drawn(data, s.check),
          stem=lambda s: "claim_check_" + s.check.replace(",", "_").replace(".", "-")),
)}


def describe_countries(countries: tuple[str, ...], catalog: Catalog) -> str:
    """'EU-27 (27 countries)' for a preset, else up to four names and a count."""
    for name, label in PRESET_LABELS.items():
        if set(countries) == set(catalog.preset(name)):
            return tr(label) + " (" + ntr("{n} country", "{n} countries", len(countries)) + ")"
    names = [catalog.countries[code].name for code in countries]
    if len(names) <= 4:
        return ", ".join(names)
    return tr("{items} and {last}", items=", ".join(names[:3]), last=ntr("{n} more", "{n} more", len(names) - 3))


def _indicator(chart: Chart, catalog: Catalog, state: ViewState) -> Indicator | None:
    return catalog.indicators[state.indicator] if chart.needs_statistics else None


def chart_query(kind: str, catalog: Catalog, state: ViewState) -> ChartQuery:
    """The query behind a chart and its title (the Data page shows its table without drawing the chart)."""
    chart = CHARTS[kind]
    countries = describe_countries(state.countries, catalog)
    title = chart.title(_indicator(chart, catalog, state), state)
    return ChartQuery(kind, chart.query_name, chart.params(state), title, chart.subtitle(countries, state))


def table_source_line(kind: str, table: pd.DataFrame, layers: tuple[str, ...] = ()) -> str:
    """The source line of a chart's query table (the sources of its values, then its layers'), or the chart's
    fixed line; the Data page shows it under the table, build_chart under the drawn chart."""
    fixed = CHARTS[kind].fixed_source
    return fixed() if fixed is not None else citations.drawn_source_line(table, layers)


def _read(chart: Chart, query: QueryRunner, name: str, params: dict) -> pd.DataFrame:
    """A query's table for the chart's state; for a chart that reads all years at once, the state's year of the
    table of every year (the same rows as the query of that one year: tests/test_queries.py)."""
    if not chart.one_read_for_all_years:
        return query(name, **params)
    every_year = query(name, **{**params, "year": None})
    return every_year[every_year["year"] == params["year"]].reset_index(drop=True)


def _read_once_per_build(query: QueryRunner) -> QueryRunner:
    """The runner, remembering each table it read for one chart: the frames of an animated map share the table
    of every year (the app's runner caches anyway; the command line's and the exports' read files)."""
    tables: dict[str, pd.DataFrame] = {}

    def read(name: str, **params) -> pd.DataFrame:
        key = f"{name} {sorted(params.items())!r}"
        if key not in tables:
            tables[key] = query(name, **params)
        return tables[key].copy(deep=False)
    return read


def _programmes_or_none(chart: Chart, query: QueryRunner, state: ViewState) -> tuple[pd.DataFrame | None, str]:
    """The programmes for the chart's markers and bands; the statistics still draw when that extract is broken."""
    try:
        return (_read(chart, query, chart.programme_layer, chart.programme_params(state)),
                tr(citations.PROGRAMME_SOURCE))
    except db.DataUnavailable as error:
        return None, tr("HAT programmes not shown: {error}", error=db.shown(error))


def _file_stem(kind: str, state: ViewState, years: str) -> str:
    countries = "-".join(state.countries) if len(state.countries) <= 4 else f"{len(state.countries)}-countries"
    return f"{kind}_{state.indicator}_{countries}_{years}"


@dataclass(frozen=True)
class _Drawn:
    figure: go.Figure
    data: pd.DataFrame
    spec: ChartQuery
    source_line: str
    credits: tuple[str, ...]
    indicator: Indicator | None


def _draw(chart: Chart, connection: db.Connection, catalog: Catalog, state: ViewState,
          query: QueryRunner) -> _Drawn:
    """Run the chart's query and its layers' queries, then draw and cite what came back."""
    spec = chart_query(chart.kind, catalog, state)
    data = _read(chart, query, spec.query_name, spec.params)
    programmes, extra, credit_lines = None, [], []
    if chart.programme_layer:
        programmes, programme_line = _programmes_or_none(chart, query, state)
        extra.append(programme_line)
    geojson = None
    if chart.base_map:
        map_line, full_map_credit = citations.map_credit(query)
        extra.append(map_line)
        credit_lines.append(full_map_credit)
        geojson = basemap.load_geojson(connection)
    context_params = chart.context_params(state) if chart.context_query else None
    context = query(chart.context_query, **context_params) if context_params is not None else None
    cited = chart.cited(data, state)
    extra.append(chart.context_citation(context))
    source_line = table_source_line(chart.kind, cited, tuple(line for line in extra if line))
    credit_lines_drawn = () if chart.fixed_source is not None else citations.drawn_credits(cited, tuple(credit_lines))
    indicator = _indicator(chart, catalog, state)
    figure = chart.draw(Drawing(data=data, state=state, indicator=indicator, programmes=programmes, geojson=geojson,
                                projector=state.projector, title=spec.title, subtitle=spec.subtitle,
                                source_line=source_line, context=context,
                                country_names={code: country.name for code, country in catalog.countries.items()}
                                if chart.base_map else {}))
    return _Drawn(figure, data, spec, source_line, credit_lines_drawn, indicator)


def build_chart(kind: str, connection: db.Connection, catalog: Catalog, state: ViewState,
                geometry_url: str | None = None, query: QueryRunner | None = None) -> ChartView:
    """The chart of a state: drawn, cited and summarised. An animated map is the figure of the state's year with
    every year of the range as a frame; its data, summary and source line are the state's year's.
    geometry_url: the app's published map shapes (basemap.published_url); the on-screen figure refers to them.
    query: how the queries run (default db.run_query on the connection); the app passes its cached reader, so
    the layers a chart shares with others (programmes, credits) and the tables of other pages are read once."""
    with i18n.language(state.lang):  # its titles, numbers and hover text in the state's language
        return _build_chart(kind, connection, catalog, state, geometry_url, query)


def _build_chart(kind: str, connection: db.Connection, catalog: Catalog, state: ViewState,
                 geometry_url: str | None, query: QueryRunner | None) -> ChartView:
    chart = CHARTS[kind]
    query = _read_once_per_build(query or functools.partial(db.run_query, connection))
    drawn = _draw(chart, connection, catalog, state, query)
    figure, screen_title = drawn.figure, ""
    if chart.animated and state.animate and state.year_from < state.year_to:
        # The slider under the map names the year playing; the heading names the range.
        screen_title = tr("{indicator}, {years}, year by year", indicator=drawn.indicator.label,
                          years=i18n.year_range(state.year_from, state.year_to))
        years = range(state.year_from, state.year_to + 1)
        by_year = {year: drawn.figure if year == state.year
                   else _draw(chart, connection, catalog, replace(state, year=year), query).figure
                   for year in years}
        figure = figures.animate_map(by_year, shown_year=state.year, projector=state.projector)
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    frame = meta.get("frame") if isinstance(meta.get("frame"), dict) else {}
    return ChartView(kind=kind, title=drawn.spec.title, subtitle=drawn.spec.subtitle, source_line=drawn.source_line,
                     figure=figure, data=drawn.data, query_name=drawn.spec.query_name, params=drawn.spec.params,
                     credits=drawn.credits, summary=chart.summarise(drawn.data, drawn.indicator, state),
                     query_string=to_query_string(state, catalog),
                     file_stem=chart.stem(state) if chart.stem else _file_stem(kind, state,
                                                                              chart.years_in_file_name(state)),
                     footnote=str(frame.get("footnote") or ""), projector=state.projector,
                     top_strip_px=float(meta.get("label_strip_px", 0)),
                     screen_figure=figures.screen_figure(figure, geometry_url), screen_title=screen_title)


def chart_for_state(connection: db.Connection, catalog: Catalog, state: ViewState) -> ChartView:
    """The main chart of the state's page (ValueError for a page without one: site.chart_of)."""
    return build_chart(site.chart_of(state.page), connection, catalog, state)


# EMCDDA death series -> the national figures drawn beside them on the trends page (never on the same axes).
NATIONAL_COMPANION = {"drd_deaths": "national_drug_deaths", "drd_deaths_per_million_15_64": "national_drug_deaths",
                      "drd_deaths_per_million_all_ages": "national_drug_deaths"}


def national_companion_state(state: ViewState, catalog: Catalog) -> ViewState | None:
    """The national figures as published for the countries shown (and their parts, e.g. England and Wales for
    the United Kingdom), over all their years; None when the trend is not an EMCDDA death series."""
    national = NATIONAL_COMPANION.get(state.indicator)
    if national not in catalog.indicators or (state.sex, state.age_group) != ("total", "total"):
        return None
    parts = [c.iso3 for c in catalog.countries.values() if c.part_of in state.countries]
    indicator = catalog.indicators[national]
    return replace(state, indicator=national, countries=(*state.countries, *parts), year_from=indicator.year_min,
                   year_to=indicator.year_max, year=indicator.map_year, scale="linear", index_base=None)
