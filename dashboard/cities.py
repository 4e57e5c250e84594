"""HAT cities compared (/cities, issue 15 item 4): the cities that run or ran heroin-assisted treatment, each one's
newest sourced figure per 100,000 inhabitants of the city, Oslo and Bergen highlighted by default.

The link holds the view: measure (patients, places, a trial's participants in all its arms, entrants) and
highlight (the cities drawn in colour, comma-separated). Read here for the page, its exports, deck slides, embeds
and the command line alike (dashboard/views.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from dashboard import i18n
from dashboard.catalog import Catalog
from dashboard.charts import ChartView, QueryRunner
from dashboard.figures import records, screen_figure
from dashboard.figures.cities import apart_note, make_cities_figure
from dashboard.i18n import N_, tr
from dashboard.state import read_choice, read_language, read_switch, shown, unknown_parameters

PAGE = "cities"
MEASURES = {  # key -> what the bars count
    "patients": N_("patients in treatment"),
    "places": N_("treatment places"),
    "participants": N_("trial participants (all arms)"),
    "entrants": N_("people who entered over the programme's course"),
}
DEFAULT_HIGHLIGHT = ("Oslo", "Bergen")
KNOWN_KEYS = ("measure", "highlight")  # the link's own
MAX_HIGHLIGHT = 20
CANNOT_SHOW = N_("Cities count in their own ways (patients on a day, in a year, places; city or metropolitan "
                 "programmes), in different years; a city's rate says how far HAT reaches there, not how many "
                 "people need it.")


@dataclass(frozen=True)
class Settings:
    measure: str = "patients"
    highlight: tuple[str, ...] = DEFAULT_HIGHLIGHT
    projector: bool = False
    lang: str = i18n.DEFAULT

    def query_string(self) -> str:
        params = {"page": PAGE, "measure": self.measure, "highlight": ",".join(self.highlight)}
        return urlencode(params | ({"projector": "1"} if self.projector else {})
                         | ({"lang": self.lang} if self.lang != i18n.DEFAULT else {}), safe=",")


def all_figures(query: QueryRunner) -> pd.DataFrame:
    """Every city figure of every measure (queries/hat_cities.sql)."""
    return query("hat_cities", measures=list(MEASURES))


def read_params(params: Mapping[str, str], cities: list[str]) -> tuple[Settings, list[str]]:
    """A link's parameters as settings, and notices for what was not used: never raises. cities: those with
    figures; a highlighted city is matched in any case."""
    notices: list[str] = []
    unknown_parameters(params, KNOWN_KEYS, notices)
    measure = read_choice(params.get("measure"), tuple(MEASURES), "patients", "measure", notices)
    highlight = DEFAULT_HIGHLIGHT
    if "highlight" in params:
        by_name = {city.casefold(): city for city in cities}
        asked = [name.strip() for name in str(params["highlight"]).split(",") if name.strip()][:MAX_HIGHLIGHT]
        unknown = [name for name in asked if name.casefold() not in by_name]
        if unknown:
            notices.append(f"No HAT city named {', '.join(shown(name, 30) for name in unknown[:5])} in the register;"
                           " not highlighted.")
        highlight = tuple(dict.fromkeys(by_name[name.casefold()] for name in asked if name.casefold() in by_name))
    return Settings(measure=measure, highlight=highlight,
                    projector=read_switch(params.get("projector"), "projector", notices),
                    lang=read_language(params.get("lang"), notices)), notices


def newest(figures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Each city's newest figure of the measure (one bar per city)."""
    return figures[(figures["measure"] == measure) & figures["latest"]].reset_index(drop=True)


def view_of(settings: Settings, query: QueryRunner, catalog: Catalog) -> ChartView:
    """The cities view a link's settings draw."""
    with i18n.language(settings.lang):
        return _view_of(settings, query, catalog)


def _view_of(settings: Settings, query: QueryRunner, catalog: Catalog) -> ChartView:
    counted = tr(MEASURES[settings.measure])
    drawn = newest(all_figures(query), settings.measure)
    years = sorted({int(year) for year in drawn["as_of_year"]})
    span = i18n.year_range(years[0], years[-1]) if years else ""
    title = tr("Heroin-assisted treatment by city: {counted} per 100,000 inhabitants", counted=counted)
    subtitle = (tr("Each city's newest published figure ({span}), over the city's own population", span=span)
                + (tr("; highlighted: {cities}", cities=", ".join(settings.highlight)) if settings.highlight
                   else ""))
    source_line = tr("Source: Drug Policy Atlas register of HAT cities: each figure from its own source (programme "
                     "reports, city and health authorities, trial papers, news), each population from the national "
                     "or city statistics office; every source is listed in the table and the data exports.")
    footnote = " ".join(part for part in (apart_note(records(drawn)), tr(CANNOT_SHOW)) if part)
    figure = make_cities_figure(drawn, highlight=settings.highlight, title=title, subtitle=subtitle,
                                source_line=source_line, footnote=footnote, projector=settings.projector)
    ranked = drawn.sort_values("per_100k", ascending=False)
    summary = f"{title}, {span}. " + "; ".join(
        f"{row.city} {row.per_100k:,.1f} ({row.value:,} {counted}, {row.as_of})" for row in ranked.itertuples())
    return ChartView(kind="hat_cities", title=title, subtitle=subtitle, source_line=source_line, figure=figure,
                     screen_figure=screen_figure(figure),
                     data=ranked.reset_index(drop=True), query_name="hat_cities",
                     params={"measures": [settings.measure]}, summary=summary + ".",
                     query_string=settings.query_string(), file_stem=f"hat-cities_{settings.measure}",
                     footnote=footnote, projector=settings.projector)


def linked_view(params: Mapping[str, str], query: QueryRunner, catalog: Catalog) -> tuple[ChartView, list[str]]:
    """A /cities link as its view (dashboard/views.py); ValueError when no city has a figure of the measure."""
    figures = all_figures(query)
    settings, notices = read_params(params, sorted(figures["city"].unique()))
    if newest(figures, settings.measure).empty:
        raise ValueError(f"No HAT city has a figure of {MEASURES[settings.measure]} in the register.")
    return view_of(settings, query, catalog), notices
