"""The pages of the app, declared once: name, URL path, title, icon, script, main chart and default countries.

app.py builds Streamlit's navigation from this list, the view state accepts its names, the filters link to its
scripts, the meeting page and exports find a page's chart here, and the tests walk it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_, tr


@dataclass(frozen=True)
class Page:
    name: str  # the `page` of a view state, and the URL path ("/trends")
    title: str  # in the navigation (English; tr() it where it is shown)
    icon: str
    # The kind in dashboard.charts.CHARTS a state of this page is drawn as (on the page, in exports, decks and the
    # CLI; the Data page shows it as a table); None: no chart of its own.
    chart: str | None
    default_preset: str = "emcdda"  # the countries a fresh visit shows (dashboard.catalog.PRESET_LABELS)
    explorer: bool = True  # a page of the shared filters (the meeting page has its own controls)
    # Queries the page runs itself, beside its chart's (the Data page shows every chart's table undrawn).
    queries: tuple[str, ...] = ()
    heading: str = ""  # the page's own title, the question it answers
    # A page without a chart in dashboard.charts whose link still draws one view (its own parameters, read by
    # dashboard/views.py): slides, exports and embeds of it work like any other.
    own_view: bool = False

    @property
    def script(self) -> str:
        return f"app_pages/{self.name}.py"


PAGES: tuple[Page, ...] = (
    Page("map", N_("Map"), ":material/map:", chart="map", heading=N_("Where are drug-induced deaths highest?")),
    Page("trends", N_("Trends"), ":material/show_chart:", chart="trend", heading=N_("How have the numbers moved?")),
    # The programme timeline is about every HAT country (Switzerland and Canada are outside the EMCDDA set).
    Page("programmes", N_("Programmes"), ":material/medication:", chart="timeline", default_preset="hat",
         queries=("programme_claims", "programme_sources"),
         heading=N_("Where and when has heroin-assisted treatment run?")),
    Page("data", N_("Data & sources"), ":material/table_view:", chart="trend",
         queries=("indicator_map", "programmes", "source_list", "quality_flag_list"), heading=N_("Data and sources")),
    # A number from the news checked against every series (dashboard/claim_check.py), and the claim register.
    Page("claims", N_("Claims"), ":material/fact_check:", chart="claim_check", explorer=False,
         queries=("claim_register",), heading=N_("Check a number from the news")),
    # One country: every series we hold, its programmes and the claims about it (dashboard/profiles.py).
    Page("country", N_("Country profiles"), ":material/flag:", chart=None, explorer=False,
         queries=("country_profile", "claim_register"), heading=N_("Country profiles"), own_view=True),
    # Countries aligned on the year their HAT started (dashboard/before_after.py).
    Page("before-after", N_("Before and after HAT"), ":material/compare_arrows:", chart=None, explorer=False,
         queries=("indicator_trend", "programmes", "programme_claims"),
         heading=N_("Before and after heroin-assisted treatment"), own_view=True),
    # The cities that run or ran HAT, per 100,000 inhabitants (dashboard/cities.py).
    Page("cities", N_("HAT cities"), ":material/location_city:", chart=None, explorer=False, queries=("hat_cities",),
         heading=N_("Heroin-assisted treatment by city"), own_view=True),
    Page("meeting", N_("Meeting mode"), ":material/co_present:", chart=None, explorer=False),
)
BY_NAME = {page.name: page for page in PAGES}
PAGE_NAMES = tuple(BY_NAME)
EXPLORER_PAGES = tuple(page.name for page in PAGES if page.explorer)
DEFAULT_PAGE = PAGES[0].name


def has_chart(page: str) -> bool:
    """Whether a page's state can be drawn as a chart (a slide, an export, an embed)."""
    found = BY_NAME.get(page)
    return bool(found and found.chart)


def has_view(page: str) -> bool:
    """Whether a page's link draws a view (a slide, an export, an embed): its chart, or its own view."""
    found = BY_NAME.get(page)
    return bool(found and (found.chart or found.own_view))


def chart_of(page: str) -> str:
    """The chart kind a page's state is drawn as (in exports, decks and the CLI). A page without one (the country
    profile, before-after, the meeting page) is a ValueError: it is never drawn as some other chart (issue 12:
    every pasted link used to become a map)."""
    if not has_chart(page):
        title = tr(BY_NAME[page].title) if page in BY_NAME else repr(page)
        raise ValueError(tr("The {page} page has no chart that a slide, an export or an embed can show yet.",
                            page=title))
    return BY_NAME[page].chart


def page_of_chart(kind: str) -> str:
    """The page that draws a chart kind (the ranked bars are the map page's other view)."""
    return next((page.name for page in PAGES if page.chart == kind and page.name != "data"), DEFAULT_PAGE)
