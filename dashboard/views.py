"""Any link of the app as the one view it draws: a page's chart (dashboard/charts.py, from the view state) or the
view of a page that reads its own parameters (a country profile's deaths-and-treatment chart, before-after).

Deck slides, the present mode, the embed page, the meeting page's pasted links and the command line all ask here,
so a link draws the same view everywhere, and a page that draws none is refused with the reason.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import replace
from urllib.parse import parse_qs

from dashboard import before_after, charts, cities, db, i18n, profiles, site
from dashboard.catalog import Catalog
from dashboard.charts import ChartView, QueryRunner
from dashboard.i18n import tr
from dashboard.state import from_query_string, to_query_string


def _before_after(params: Mapping[str, str], query: QueryRunner, catalog: Catalog) -> tuple[ChartView, list[str]]:
    names = {code: country.name for code, country in catalog.countries.items()}  # in the reader's language
    settings, notices = before_after.read_params(params, before_after.register_claims(query, catalog), names)
    if not settings.starts:
        raise ValueError(tr("The before-and-after link names no country with a HAT start in our register."))
    return before_after.view_of(settings, query, catalog), notices


# The pages whose link is read by the page's own module (site.Page.own_view), not the view state.
OWN_VIEWS: dict[str, Callable[[Mapping[str, str], QueryRunner, Catalog], tuple[ChartView, list[str]]]] = {
    "country": profiles.linked_pair,
    "before-after": _before_after,
    "cities": cities.linked_view,
}


def page_of(query_string: str) -> str:
    """The page a query string names (the default page when it names none or an unknown one)."""
    named = parse_qs(query_string.split("?", 1)[-1], keep_blank_values=True).get("page") or [site.DEFAULT_PAGE]
    return named[-1] if named[-1] in site.PAGE_NAMES else site.DEFAULT_PAGE


def _last_values(query_string: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(query_string.split("?", 1)[-1],
                                                        keep_blank_values=True).items()}


def language_of(query_string: str, default: str = i18n.DEFAULT) -> str:
    """The language a link's view is written in: its `lang` when that is one we write, else `default` (English:
    a link without `lang`, or with a malformed one, is drawn in English, the malformed one with a notice)."""
    named = _last_values(query_string).get("lang", "").strip().lower()
    return named if i18n.is_known(named) else default


def view_language(view: ChartView) -> str:
    """The language a view was drawn in (its own link's `lang`: the state writes it when it is not English), so
    what is written around it (a slide's table, an export's stamp, the file's headings) is in the same one."""
    return language_of(view.query_string)


def with_language(query_string: str, lang: str) -> str:
    """The link with its `lang` set to `lang` (English: no `lang`, as the state writes it), the rest as it was."""
    kept = [part for part in query_string.split("?", 1)[-1].split("&") if part and part.split("=", 1)[0] != "lang"]
    return "&".join([*kept, *([f"lang={lang}"] if lang != i18n.DEFAULT else [])])


def view_of_link(query_string: str, connection: db.Connection, catalog: Catalog, *, query: QueryRunner | None = None,
                 projector: bool = False) -> tuple[ChartView, list[str]]:
    """The view a link draws and the notices on what in it was corrected; ValueError, with the reason, for a link
    that draws none (a page without a view, a profile of an unknown country, a measure not in the extracts).
    projector: drawn in the projector theme whatever the link says (a presented or exported deck)."""
    lang = language_of(query_string, i18n.DEFAULT)
    with i18n.language(lang):  # the link's language
        view, notices = _view_of_link(query_string, connection, catalog, query, projector)
    if language_of(view.query_string, i18n.DEFAULT) != lang:  # a page whose own link left `lang` out
        view = replace(view, query_string=with_language(view.query_string, lang))
    return view, notices


def _view_of_link(query_string: str, connection: db.Connection, catalog: Catalog, query: QueryRunner | None,
                  projector: bool) -> tuple[ChartView, list[str]]:
    query = query or functools.partial(db.run_query, connection)
    page = page_of(query_string)
    if site.BY_NAME[page].own_view:
        params = _last_values(query_string) | ({"projector": "1"} if projector else {})
        return OWN_VIEWS[page](params, query, catalog)
    state, notices = from_query_string(query_string, catalog)
    kind = site.chart_of(state.page)  # ValueError for a page without a chart (the meeting page)
    state = replace(state, projector=True) if projector else state
    return charts.build_chart(kind, connection, catalog, state, query=query), notices


def normalised_link(query_string: str, connection: db.Connection, catalog: Catalog, *,
                    query: QueryRunner | None = None) -> tuple[str, list[str]]:
    """The link as its view reopens it (corrections made once, when it is added to a deck), with the notices on
    what was corrected; ValueError for a link that draws nothing."""
    if site.BY_NAME[page_of(query_string)].own_view:
        view, notices = view_of_link(query_string, connection, catalog, query=query)
        return view.query_string, notices
    state, notices = from_query_string(query_string, catalog)
    site.chart_of(state.page)
    return to_query_string(state, catalog), notices
