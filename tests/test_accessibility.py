"""Accessibility kept where it is (issue 16, item 11): axe-core finds no serious or critical WCAG 2.1 A/AA violation.

Every page of dashboard/site.py PAGES is opened in headless Chromium at the laptop viewport, and the map also with
?projector=1 (same colours, larger type), against the real app (tests/browser_support.py: AppServer, offline
NetworkGuard). Once the app is idle and the page's main content is drawn, every expander in the main area is
opened (axe skips what is hidden) and axe-core (bundled by axe-playwright-python, injected with page.evaluate: no
request leaves the machine) runs with the WCAG 2.1 A and AA tags. The Data page is checked tab by tab, the
sidebar's indicator popover open, and the meeting page also with a deck, presenting, and presenting in the
projector theme.

A failure lists, per rule, its id, impact, help text and the first few elements (selector and HTML), enough to find
the line that draws them. No rule is switched off: no Streamlit-owned element needed an exclusion so far.
"""

from __future__ import annotations

import pytest

from dashboard import deck as meeting_deck
from dashboard import site
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAIN_PLOT,
    VIEWPORT,
    open_app,
    page_problems,
    wait_for_map,
    wait_idle,
)

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright",
                               reason="the accessibility tests need axe-playwright-python (requirements-dev.txt)")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.0 and 2.1, levels A and AA
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# The WCAG A/AA rules whose result depends on what is on screen (run again at each scroll position)
COLOUR_OPTIONS = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]},
                  "resultTypes": ["violations"]}
IMPACTS = ("minor", "moderate", "serious", "critical")
BLOCKING = ("serious", "critical")
SHOWN_NODES = 3  # elements listed per rule in a failure message

DRAWN_PLOT = f"{MAIN_PLOT} .main-svg"
# What "the page's main content is drawn" means, per page; a page added to site.PAGES without an entry here is
# checked once its title (every page has an st.title) is there.
READY = {"map": DRAWN_PLOT, "trends": DRAWN_PLOT, "programmes": DRAWN_PLOT,
         "data": '[data-testid="stMain"] [data-testid="stDataFrame"]', "meeting": '[data-testid="stMain"] h1',
         "claims-check": DRAWN_PLOT, "claims-register": '[data-testid="stMain"] [data-testid="stDataFrame"]',
         "country-profile": DRAWN_PLOT}
LAPTOP = [pytest.param(f"/{page.name}", page.name, id=page.name) for page in site.PAGES]
# The projector theme has the laptop's colours in larger type: one page with the most chart text is checked in it.
PROJECTOR = [pytest.param("/map?projector=1", "map", id="map-projector")]
# The Claims page with a check drawn (verdict colours, the chart, the candidates) and with a rank claim picked.
# A country's profile: its table of series with trend lines, its programme timeline, its claims.
PROFILE = [pytest.param("/country?country=NOR", "country-profile", id="country-profile")]
CLAIMS = [pytest.param("/claims?check=NOR,2015,81,per_million", "claims-check", id="claims-check"),
          pytest.param("/claims?claim=PRESS-008", "claims-register", id="claims-rank-claim")]
CLOSED_EXPANDERS = '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary'
# Streamlit scrolls these two, not the document: axe sees one screen of each at a time
SCROLLERS = ('[data-testid="stMain"]', '[data-testid="stSidebarContent"]')
JS_OPEN_EXPANDERS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(summary => summary.checkVisibility()).forEach(summary => summary.click())"""
JS_EXPANDERS_STILL = """() => document.getAnimations().every(animation => animation.playState !== 'running'
  || !(animation.effect && animation.effect.target && animation.effect.target.closest('details')))"""
JS_SCROLL_STEPS = """(selector) => {
  const box = document.querySelector(selector);
  // a scroller hidden (the sidebar of a presented slide) has nothing to scan
  return box && box.clientHeight ? Math.ceil((box.scrollHeight - box.clientHeight) / (0.9 * box.clientHeight)) + 1 : 0;
}"""
JS_SCROLL_TO_STEP = """([selector, step]) => new Promise(resolve => {
  const box = document.querySelector(selector);
  box.scrollTop = step * 0.9 * box.clientHeight;
  requestAnimationFrame(() => requestAnimationFrame(resolve));
})"""
TABS = '[data-testid="stMain"] [data-testid="stTabs"] [role="tab"]'  # the Data page's
DECK = meeting_deck.Deck(items=(meeting_deck.DeckItem("page=trends&countries=NOR,SWE", "Norway against Sweden."),
                                meeting_deck.DeckItem("page=map&year=2010")))


@pytest.fixture(scope="module")
def page(app_server, net):
    """One tab walked from page to page (Debian's Chromium, every request through the guard)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        net.attach(context)
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture
def url(app_server):
    return lambda path: app_server.base_url + path


def open_page(page, address: str, name: str) -> None:
    """Open a page, wait until the app is idle and its main content is drawn, and check it is a working page."""
    open_app(page, address, ready=READY.get(name, '[data-testid="stMain"] h1'))
    if name == "map":
        wait_for_map(page)
    wait_idle(page)
    assert page_problems(page) == [], f"{address} did not draw its page: nothing meaningful to check"


def open_expanders(page) -> None:
    """Open every visible closed expander in the main area (axe does not check what is hidden) and wait until
    their opening animations ended (axe would read half-faded colours)."""
    page.evaluate(JS_OPEN_EXPANDERS, CLOSED_EXPANDERS)
    page.wait_for_function(JS_EXPANDERS_STILL)
    wait_idle(page)


def _merge(found: dict[str, dict], violations: list[dict]) -> None:
    for violation in violations:
        known = found.setdefault(violation["id"], {**violation, "nodes": []})
        targets = {_target(node) for node in known["nodes"]}
        known["nodes"] += [node for node in violation["nodes"] if _target(node) not in targets]
        if IMPACTS.index(violation["impact"]) > IMPACTS.index(known["impact"]):
            known["impact"] = violation["impact"]


def scan(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, in the main frame (the app draws no iframe).

    axe checks colours only of what is on screen (text scrolled out of the main area or the sidebar is skipped,
    not reported), so the colour rules run again with each scroll container stepped through, a screen at a time."""
    assert len(page.frames) == 1, "axe-playwright-python injects axe into the main frame only: check the iframes too"
    axe = axe_sync.Axe()
    found: dict[str, dict] = {}
    _merge(found, axe.run(page, options=AXE_OPTIONS).response["violations"])
    for scroller in SCROLLERS:
        steps = page.evaluate(JS_SCROLL_STEPS, scroller)
        for step in range(1, steps):
            page.evaluate(JS_SCROLL_TO_STEP, [scroller, step])
            _merge(found, axe.run(page, options=COLOUR_OPTIONS).response["violations"])
        if steps > 1:
            page.evaluate(JS_SCROLL_TO_STEP, [scroller, 0])
    return list(found.values())


def _target(node: dict) -> str:
    # a target is a list of selectors, one per frame or shadow root on the way to the element
    return " >>> ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(f"{violation['id']} ({violation['impact']}, {len(nodes)} elements): {violation['help']} "
                     f"<{violation['helpUrl']}>")
        for node in nodes[:SHOWN_NODES]:
            lines.append(f"    {_target(node)}")
            lines.append(f"      html: {' '.join(node['html'].split())[:160]}")
        if len(nodes) > SHOWN_NODES:
            lines.append(f"    ... and {len(nodes) - SHOWN_NODES} more")
        summary = " ".join((nodes[0].get("failureSummary") or "").split()) if nodes else ""
        if summary:
            lines.append(f"    first: {summary[:300]}")
    return "\n".join(lines)


def labelled(violations: list[dict], state: str) -> list[dict]:
    """The violations with the state of the page they were found in, for a message about several states."""
    return [{**violation, "id": f"{violation['id']} [{state}]"} for violation in violations]


def assert_no_blocking(where: str, violations: list[dict]) -> None:
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, (f"{where}: {len(blocking)} serious or critical WCAG 2.1 A/AA violations (axe-core):\n"
                          + describe(blocking))


@pytest.mark.parametrize(("path", "name"), LAPTOP + PROJECTOR + CLAIMS + PROFILE)
def test_page_has_no_serious_or_critical_violation(path, name, page, url):
    open_page(page, url(path), name)
    tabs = page.locator(TABS)
    if not tabs.count():
        open_expanders(page)
        assert_no_blocking(path, scan(page))
        return
    found = []
    for index in range(tabs.count()):  # a page with tabs shows one at a time: check each one
        tabs.nth(index).click()
        wait_idle(page)
        open_expanders(page)
        found += labelled(scan(page), f"tab {tabs.nth(index).inner_text().strip()!r}")
    assert_no_blocking(path, found)


def test_indicator_popover_has_no_serious_or_critical_violation(page, url):
    open_page(page, url("/trends"), "trends")
    page.locator('[data-testid="stSidebar"] [data-testid="stPopover"] button').first.click()
    page.wait_for_selector('[data-testid="stPopoverBody"]')
    found = scan(page)
    page.keyboard.press("Escape")
    assert_no_blocking("/trends, indicator popover open", found)


def test_meeting_deck_has_no_serious_or_critical_violation(page, url):
    """A deck of two slides: while it is prepared, presented (audience and presenter views), and presented in the
    projector theme."""
    token = meeting_deck.to_url_token(DECK)
    open_page(page, url(f"/meeting?deck={token}"), "meeting")
    page.get_by_text("Speaker note").first.wait_for()
    found = {"preparing": scan(page)}
    for label, query in [("presenting", "present=audience&slide=1"), ("presenter view", "present=presenter&slide=1"),
                         ("presenting, projector theme", "present=audience&slide=2&projector=1")]:
        open_app(page, url(f"/meeting?deck={token}&{query}"), ready=".dpa-slide-title")
        page.wait_for_selector(DRAWN_PLOT)
        wait_idle(page)
        found[label] = scan(page)
    assert_no_blocking("/meeting with a deck", [violation for state, violations in found.items()
                                                for violation in labelled(violations, state)])


def test_axe_ran_offline(page, net):
    """Runs last: axe's script came from the package, not from a CDN; the walk made no request to another host."""
    if not net.own:
        pytest.skip("no other accessibility test ran in this session")
    assert page.evaluate("() => typeof axe === 'object' && axe.version"), "axe-core was injected into the page"
    assert sorted(set(net.foreign)) == [], "requests to other hosts were blocked"
