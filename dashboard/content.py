"""What each page shows for a view state, as plain data (charts, tables, texts): no Streamlit, no layout.

dashboard/ui/pages.py lays these out; the benchmark floor lays out the very same content from memory, and tests
read it without a browser. A Reader is where the charts and query tables come from: the app's cached one
(dashboard/ui/data.py) or DirectReader on a connection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

import pandas as pd
import pyarrow as pa

from dashboard import charts, comparability, db, profiles, site, tables, vocabulary
from dashboard.catalog import Catalog, load_catalog
from dashboard.charts import ChartView
from dashboard.figures import records
from dashboard.i18n import N_, ntr, tr
from dashboard.state import ViewState, to_params, to_query_string


class Reader(Protocol):
    def load_catalog(self) -> Catalog: ...
    def chart(self, kind: str, state: ViewState) -> ChartView: ...
    def query(self, name: str, **params: object) -> pd.DataFrame: ...
    def programme_table(self, state: ViewState) -> pd.DataFrame: ...
    def definitions_table(self) -> pd.DataFrame: ...


@dataclass
class DirectReader:
    """Charts and tables straight from a connection, built anew on every call (no cache)."""

    connection: db.Connection
    catalog: Catalog | None = None
    geometry_url: str | None = None  # where a browser fetches the map shapes (the app's, for the benchmark floor)

    def load_catalog(self) -> Catalog:
        if self.catalog is None:
            self.catalog = load_catalog(self.connection)
        return self.catalog

    def chart(self, kind: str, state: ViewState) -> ChartView:
        return charts.build_chart(kind, self.connection, self.load_catalog(), state, geometry_url=self.geometry_url)

    def query(self, name: str, **params: object) -> pd.DataFrame:
        return db.run_query(self.connection, name, **params)

    def programme_table(self, state: ViewState) -> pd.DataFrame:
        # the timeline's own query, without drawing the timeline again
        spec = charts.chart_query("timeline", self.load_catalog(), state)
        return tables.programme_table(self.query(spec.query_name, **spec.params))

    def definitions_table(self) -> pd.DataFrame:
        return tables.definitions_table(self.load_catalog())


@dataclass(frozen=True)
class MapContent:
    title: str
    chart: ChartView
    note: str
    ranked: bool = False  # chart is the map year's values as ranked bars (the page's switch), not the map
    # What to know before comparing the countries shown (brief under the chart, in full on request).
    comparability: comparability.Comparability = comparability.Comparability("", ())


@dataclass(frozen=True)
class Companion:
    """The national figures as published, beside an EMCDDA death series (or why there are none)."""

    heading: str
    intro: str
    chart: ChartView | None
    empty_note: str
    link_label: str
    link_params: dict[str, str]


@dataclass(frozen=True)
class TrendsContent:
    title: str
    chart: ChartView
    note: str
    companion: Companion | None
    comparability: comparability.Comparability = comparability.Comparability("", ())


@dataclass(frozen=True)
class Disagreement:
    label: str
    lines: tuple[str, ...]  # Markdown, one claim each


@dataclass(frozen=True)
class ProgrammeSources:
    label: str
    # field, source, kind, quote, link, read on. Arrow, not pandas: the page draws a dozen of these, and turning
    # DataFrames into Arrow for the browser was half of the programme page's rerun.
    table: pa.Table


@dataclass(frozen=True)
class ProgrammesContent:
    title: str
    chart: ChartView
    table: pd.DataFrame | None  # None: no programme for the countries
    empty_note: str
    sources_heading: str
    sources_note: str
    sources: tuple[ProgrammeSources, ...]
    disagreements_heading: str
    disagreements: tuple[Disagreement, ...]
    no_disagreement_note: str


@dataclass(frozen=True)
class ChartTable:
    """One chart's query table on the Data page, with the query that made it."""

    tab: str
    heading: str
    table: pd.DataFrame
    query_line: str
    params: dict
    sql: str
    source_line: str
    slide_query: str = ""  # the view whose rows these are (its chart's page), for a table slide of the deck


@dataclass(frozen=True)
class DataContent:
    title: str
    intro: str
    charts: tuple[ChartTable, ...]
    definitions_note: str
    definitions: pd.DataFrame
    flags_heading: str
    flags_note: str
    flags: pd.DataFrame
    sources: pd.DataFrame
    maps_note: str
    # What to know before comparing the countries of the state's trend (dashboard/comparability.py), in full.
    comparability: comparability.Comparability = comparability.Comparability("", ())


MAP_NOTE = N_("Grey countries reported no data for this year; that is not the same as a low value. Markers show "
               "heroin-assisted treatment programmes. Click a country to add it to the selection.")
TRENDS_NOTE = N_("Gaps are years a country did not report; lines are never drawn across them. Shaded bands mark "
                  "heroin-assisted treatment trials and pilots; dotted lines mark the start of regular treatment.")
# The Data page's notes on definitions: one message per point (a Markdown list where shown).
DEFINITIONS_NOTES = (
    N_("National definitions of drug-induced deaths differ; the EMCDDA warns that absolute numbers "
       "are not directly comparable between countries."),
    N_("The rate per million aged 15-64 is the EMCDDA's: deaths aged 15-64 (the ten age bands) over "
       "the population aged 15-64. Our population is UN World Population Prospects 2017 (projections "
       "after 2015), not the Eurostat population the EMCDDA uses; every rate shows the deaths and the "
       "population it came from. Where the age bands are missing the rate is flagged as not the "
       "EMCDDA's. 'Per million inhabitants' is a separate rate over the whole population."),
    N_("National figures as published are their own series, each value with the definition and "
       "the page it was read from; they are never joined to the EMCDDA series."),
    N_("IHME GBD series are modelled estimates, not EMCDDA counts; Eurostat 'drug dependence' deaths "
       "are a cause-of-death category far below drug-induced deaths. They are separate indicators."),
    N_("Empty cells mean 'not reported', never zero."))
# The programme register's closed sets of words (data/reference/programme_*.csv), as the programme page shows them.
PROGRAMME_FIELDS = {
    "capacity_note": N_("capacity note"), "city_or_sites": N_("city or sites"), "eligibility": N_("eligibility"),
    "end_date": N_("end date"), "end_year": N_("end year"), "first_clinic_opening": N_("first clinic opening"),
    "legal_anchoring_year": N_("legal anchoring year"), "medication_form": N_("medication form"),
    "notes": N_("notes"), "outcomes": N_("outcomes"), "patients": N_("patients"),
    "patients_note": N_("patients note"), "patients_numeric": N_("patients numeric"),
    "patients_numeric_basis": N_("patients numeric basis"), "patients_numeric_year": N_("patients numeric year"),
    "phase": N_("phase"), "programme_name": N_("programme name"), "programme_type": N_("programme type"),
    "start_date": N_("start date"), "start_year": N_("start year"), "status": N_("status"),
    "status_as_of": N_("status as of"), "treated_patients": N_("treated patients")}
CLAIM_STATUSES = {"supported": N_("supported"), "contradicted": N_("contradicted"), "disputed": N_("disputed")}
SOURCE_KINDS = {"primary": N_("primary"), "secondary": N_("secondary"), "press": N_("press")}


def _word(words: dict[str, str], value: str) -> str:
    """A register's word in the reader's language (one we do not know, as it is, underscores as spaces)."""
    return tr(words[value]) if value in words else str(value).replace("_", " ")


def definitions_note() -> str:
    return "\n".join(f"- {tr(point)}" for point in DEFINITIONS_NOTES)
MAPS_NOTE = N_("Map shapes: Natural Earth (public domain) via world-atlas 2.0.2 (ISC); base-map TopoJSON "
               "from plotly.js 2.35.3 (MIT), served by this app so maps work offline.")


def edition_notice(reader: Reader) -> str:
    """Under every page's filters: which edition the EMCDDA series come from, their last data year, and where
    newer figures are; empty when the statistics cannot be read."""
    try:
        editions = {row["family"]: row for row in records(reader.query("data_editions"))}
    except db.DataUnavailable:
        return ""
    emcdda, national = editions.get("EMCDDA"), editions.get("national")
    lines = []
    if emcdda:
        edition = str(emcdda["edition"] or "").split(" (")[0]
        lines.append(tr("**EMCDDA figures: {edition} edition, data years to {last}.** Newer EMCDDA/EUDA figures are "
                        "not in this edition (see the EUDA's European Drug Report and Statistical Bulletin).",
                        edition=edition, last=emcdda["year_max"]))
    if national:
        lines.append(tr("National figures as published by national authorities reach {last}: on the Trends page, "
                        "topic '{topic}', each value with its own citation.", last=national["year_max"],
                        topic=vocabulary.topic("National figures as published")))
    return "\n\n".join(lines)


def map_content(reader: Reader, state: ViewState, ranked: bool = False) -> MapContent:
    view = reader.chart("ranking" if ranked else "map", state)
    return MapContent(tr(site.BY_NAME["map"].heading), view, tr(MAP_NOTE), ranked,
                      comparability_notes(reader, state, view.data))


def trends_content(reader: Reader, state: ViewState) -> TrendsContent:
    view = reader.chart("trend", state)
    return TrendsContent(tr(site.BY_NAME["trends"].heading), view, tr(TRENDS_NOTE), national_companion(reader, state),
                         comparability_notes(reader, state, view.data))


def comparability_notes(reader: Reader, state: ViewState, data: pd.DataFrame) -> comparability.Comparability:
    """The notes on the values a chart of several countries draws (dashboard/comparability.py)."""
    indicator = reader.load_catalog().indicators.get(state.indicator)
    if indicator is None:
        return comparability.Comparability("", ())
    try:
        labels = {row["flag"]: row["label"] for row in records(reader.query("quality_flag_labels"))}
    except db.DataUnavailable:  # the notes still come, with the flags' codes
        labels = {}
    return comparability.comparability(data, indicator.caveat or "", indicator.unit, labels, indicator.topic)


def national_companion(reader: Reader, state: ViewState) -> Companion | None:
    """Beside an EMCDDA death series: the same countries' figures as their national authorities publish them,
    only the countries (and parts) that have them; None when the trend is not an EMCDDA death series."""
    catalog = reader.load_catalog()
    companion = charts.national_companion_state(state, catalog)
    if companion is None:
        return None
    view = reader.chart("trend", companion)
    held = tuple(dict.fromkeys(view.data.loc[view.data["value"].notna(), "iso3"]))
    if held and held != companion.countries:
        companion = replace(companion, countries=held)
        view = reader.chart("trend", companion)
    return Companion(
        heading=tr("Beside it: national figures as published, to the latest year"),
        intro=tr("Each national authority counts with its own definition (in the hover of every value) and later "
                 "revisions; these are not EMCDDA figures and are never joined to the line above."),
        chart=view if held else None,
        empty_note=tr("No national figures as published are held for the countries shown."),
        link_label=tr("Open the national figures as the main chart"),
        link_params={key: value for key, value in to_params(companion, catalog).items() if key != "page"})


def _disagreements(claims: pd.DataFrame) -> tuple[Disagreement, ...]:
    grouped: dict[tuple[str, str], list[dict]] = {}
    for claim in records(claims):
        grouped.setdefault((claim["programme_name"], claim["field"]), []).append(claim)
    found = []
    for (programme, field), group in grouped.items():
        values = tr(" vs ").join(f"**{v}**" for v in dict.fromkeys(claim["claimed_value"] for claim in group))
        lines = []
        for claim in group:
            title, url = claim["source_title"], claim["source_url"]
            link = f"[{title}]({url})" if url else tr("{title} (no URL: {reason})", title=title,
                                                        reason=claim["no_url_reason"])
            status = _word(CLAIM_STATUSES, claim["claim_status"])
            lines.append(f"- **{claim['claimed_value']}** ({status}) — {link}. {claim['note'] or ''}")
        found.append(Disagreement(tr("Sources disagree — {programme}: {field} — {values}", programme=programme,
                                     field=_word(PROGRAMME_FIELDS, field), values=values), tuple(lines)))
    return tuple(found)


def _sources_per_programme(programmes: pd.DataFrame, cited_rows: pd.DataFrame) -> tuple[ProgrammeSources, ...]:
    by_programme: dict[str, list[dict]] = {}
    for row in records(cited_rows):
        by_programme.setdefault(row["programme_id"], []).append(row)
    found = []
    for row in records(programmes):
        cited = by_programme.get(row["programme_id"], [])
        found.append(ProgrammeSources(
            ntr("{country}: {programme} ({n} source by field)", "{country}: {programme} ({n} sources by field)",
                len(cited), country=row["country"], programme=row["programme_name"]),
            pa.table({tr("Field"): pa.array([_word(PROGRAMME_FIELDS, c["field"]) for c in cited], pa.string()),
                      tr("Source"): pa.array([c["source_title"] for c in cited], pa.string()),
                      tr("Kind of source"): pa.array([_word(SOURCE_KINDS, c["source_kind"]) for c in cited],
                                                     pa.string()),
                      tr("Quote"): pa.array([c["quote"] for c in cited], pa.string()),
                      tr("Link"): pa.array([c["source_url"] or tr("no URL: {reason}", reason=c["no_url_reason"])
                                            for c in cited], pa.string()),
                      tr("Read on"): pa.array([c["accessed"] for c in cited], pa.string())})))
    return tuple(found)


def programmes_content(reader: Reader, state: ViewState) -> ProgrammesContent:
    view = reader.chart("timeline", state)
    countries = list(state.countries)
    has_programmes = not view.data.empty
    return ProgrammesContent(
        title=tr(site.BY_NAME["programmes"].heading), chart=view,
        table=reader.programme_table(state) if has_programmes else None,
        empty_note=tr("No heroin-assisted treatment programme recorded for the selected countries."),
        sources_heading=tr("Sources per fact"),
        sources_note=tr("Which page supports which field of each programme. '{secondary}' marks an aggregator or "
                        "forum page where no primary source was found; '{press}' a newspaper or broadcaster.",
                        secondary=tr(SOURCE_KINDS["secondary"]), press=tr(SOURCE_KINDS["press"])),
        sources=(_sources_per_programme(view.data, reader.query("programme_sources", countries=countries))
                 if has_programmes else ()),
        disagreements_heading=tr("Where sources disagree"),
        disagreements=_disagreements(reader.query("programme_claims", countries=countries)),
        no_disagreement_note=tr("No conflicting claims recorded for the selected countries."))


def data_content(reader: Reader, state: ViewState) -> DataContent:
    catalog = reader.load_catalog()
    chart_tables = []
    notes = comparability.Comparability("", ())
    for kind, chart in charts.CHARTS.items():
        if kind == "claim_check" and not state.check:
            continue  # a check's table is the Claims page's; a state without one has none
        spec = charts.chart_query(kind, catalog, state)  # the chart's own query, without drawing the chart
        table = reader.query(spec.query_name, **spec.params)
        if kind == "trend":
            notes = comparability_notes(reader, state, table)
        chart_tables.append(ChartTable(
            tab=chart.table_tab, heading=f"**{spec.title}** — {spec.subtitle}", table=table,
            query_line=tr("Query file: `queries/{name}.sql`; bound parameters:", name=spec.query_name),
            params=spec.params,
            sql=db.load_query(spec.query_name), source_line=charts.table_source_line(kind, table),
            slide_query=to_query_string(replace(state, page=site.page_of_chart(kind)), catalog)))
    return DataContent(
        title=tr(site.BY_NAME["data"].heading),
        intro=tr("Every chart's data as a table, with the SQL file and the parameters that produced it."),
        charts=tuple(chart_tables), definitions_note=definitions_note(), definitions=reader.definitions_table(),
        flags_heading=tr("Flags on values"),
        flags_note=tr("Shown with the value in every hover, table and export (columns quality_flags and "
                      "value_note)."),
        flags=reader.query("quality_flag_list"), sources=reader.query("source_list"), maps_note=tr(MAPS_NOTE),
        comparability=notes)


# What each page shows for a state: the one list the app's cached reader and the benchmark floor both use.
PAGE_CONTENT = {"map": map_content, "trends": trends_content, "programmes": programmes_content,
                "data": data_content, "country": profiles.country_content}
