"""Hostile links: a corpus of query strings no page may choke on.

Every query string in CORPUS is parsed the way Streamlit parses a browser's URL
(urllib.parse.parse_qs with keep_blank_values=True, so repeated keys give lists) and then:

* fed to dashboard.state.parse_state directly (fast): the state must be valid (known countries, years inside
  the indicator's range, a known breakdown and scale) and every notice short and printable;
* opened on EVERY page (map, trends, programmes, data) with streamlit.testing.v1.AppTest: the page must show
  its title and its chart or tables, at most one short st.warning, no st.error, no exception, and no
  'Traceback' or SQL error text anywhere in what was rendered.

A valid ?page= value (links from exports and decks) opens that page with the same filters; for those cases the
page expected is the one named (the meeting page is then only checked for title, errors and notices).

Speed: each page keeps ONE AppTest (one browser session) and the cases only change its query params between
runs, which is what a user pasting links into the same tab does; a failing case is re-run in a fresh AppTest
so the report says whether it depends on the session. The whole corpus runs on all four pages (no sampling):
about 90 s (85 s CPU) on the shared two-core machine, most of it the map and data pages.

The data files in data/extracts must be byte-identical after the module (the last test compares hashes).
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qs, quote

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import db, settings, site
from dashboard import state as view_state
from dashboard.catalog import load_catalog
from tests.apptest_support import open_page

PAGES = site.EXPLORER_PAGES
# A valid ?page= (links from exports and decks) opens that page with the same filters (dashboard/ui/filters.py).
REDIRECT_PAGES = site.PAGE_NAMES
KEYS = view_state.KNOWN_KEYS
# Text that must never reach a page: a traceback or DuckDB's error text.
FORBIDDEN = ("Traceback", "Binder Error", "Parser Error", "Catalog Error", "duckdb")
MAX_WARNING_CHARS = 3000


def q(value: str) -> str:
    """Percent-encode a value the way a browser's address bar would send it."""
    return quote(value, safe="")


# --- the corpus: (name, query string) ------------------------------------------------------------------------

SQL = [
    "NOR');DROP VIEW facts;--",
    "drd_deaths UNION SELECT * FROM read_csv('/etc/passwd')",
    "2000 OR 1=1",
    "' OR '1'='1",
    "1; ATTACH '/tmp/evil.db' AS evil; --",
    "'); COPY facts TO '/tmp/leak.csv'; --",
    "$indicator",
    "x\"; PRAGMA database_list; --",
]
YEARS = ["-1", "0", "99999", "1e9", "2e3", "2000.0", "0x7D0", "２０１５", "٢٠١٥", "MMXV", "2000-2010", "1", "9999"]
UNICODE = {
    "rtl-mark": "\u202eRON\u200f",
    "emoji": "🇳🇴😀",
    "nul": "NOR\x00",
    "zwj": "N\u200dO\u200dR",
    "combining": "N\u0301O\u0308R\u0336" * 3,
    "fullwidth": "ＮＯＲ",
    "bom": "\ufeffNOR",
    "newline": "NOR\nSWE",
    "tab": "NOR\tSWE",
    "zalgo": "N" + "\u0336\u0337\u0338" * 40,
}


def _corpus() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    add = cases.append
    for n, payload in enumerate(SQL):  # SQL fragments in every parameter
        for key in KEYS:
            add((f"sql{n}-{key}", f"{key}={q(payload)}"))
    add(("sql-raw-countries", "countries=NOR');DROP VIEW facts;--"))
    add(("sql-raw-indicator", "indicator=drd_deaths UNION SELECT * FROM read_csv('/etc/passwd')"))
    add(("sql-raw-from", "from=2000 OR 1=1"))
    add(("sql-in-key", f"{q('countries=NOR; DROP VIEW facts')}=1"))
    for key in KEYS:  # quotes and backslashes
        add((f"quotes-{key}", f"{key}={q(chr(39) + chr(34) + chr(92) + chr(96) + chr(39) * 3)}"))
    add(("backslash-path", f"indicator={q('..' + chr(92) + '..' + chr(92) + 'etc' + chr(92) + 'passwd')}"))
    add(("path-traversal", "indicator=../../../etc/passwd&countries=../../data/extracts"))
    # country codes: unknown, mixed case, separators
    for name, value in {"unknown": "XXX,ATL", "lower": "nor,swe", "mixed": "nOr,Swe,DEU", "iso2": "NO,SE",
                        "spaces": " NOR , SWE ", "semicolons": "NOR;SWE", "pipes": "NOR|SWE", "dup": "NOR,NOR,nor",
                        "commas": ",,,NOR,,,", "numeric": "578,752", "mixed-known-unknown": "NOR,XXX,SWE,YYY"}.items():
        add((f"countries-{name}", f"countries={q(value)}"))
    add(("countries-plus", "countries=NOR+SWE"))
    add(("countries-encoded-space", "countries=NOR%20,%20SWE"))
    add(("indicator-plus", "indicator=drd+deaths"))
    add(("indicator-case", "indicator=DRD_DEATHS"))
    add(("preset-case", "preset=Nordic"))
    for key in ("from", "to", "year", "index"):  # absurd years
        for value in YEARS:
            add((f"year-{key}-{value}", f"{key}={q(value)}"))
    add(("years-reversed", "from=2015&to=2000"))
    add(("years-reversed-absurd", "from=99999&to=-1"))
    add(("years-equal-outside", "from=1800&to=1800&year=1800"))
    add(("year-outside-range", "from=2000&to=2005&year=2016&index=2016"))
    add(("years-other-indicator", "indicator=eurostat_toxico_deaths&from=1995&to=2000&year=1995&index=1995"))
    for key in KEYS:  # repeated keys: parse_qs gives lists
        add((f"repeated-{key}", f"{key}=a&{key}=b&{key}="))
    add(("repeated-countries-valid", "countries=NOR&countries=SWE&countries=DEU"))
    add(("repeated-1000", "&".join(f"countries={code}" for code in ["NOR", "SWE"] * 500)))
    # thousands of values
    add(("countries-5000-codes", "countries=" + ",".join(f"C{i:04d}" for i in range(5000))))
    add(("countries-5000-known", "countries=" + ",".join(["NOR", "SWE", "DEU", "NLD", "CHE"] * 1000)))
    add(("countries-100-known", "countries=" + ",".join(["NOR", "SWE", "DEU", "NLD"] * 25)))
    add(("countries-101-unknown", "countries=" + ",".join(f"Z{i:02d}" for i in range(101))))
    add(("unknown-keys-1000", "&".join(f"k{i}=v" for i in range(1000))))
    for key in KEYS:  # very long strings (100k characters)
        add((f"long-{key}", f"{key}={'A' * 100_000}"))
    add(("long-key", f"{'k' * 100_000}=1"))
    add(("long-unicode", "countries=" + q("😀" * 30_000)))
    for key in ("countries", "indicator", "preset", "sex", "age", "scale", "from"):  # unicode
        for name, value in UNICODE.items():
            if key in ("countries", "indicator") or name in ("nul", "rtl-mark", "emoji", "fullwidth"):
                add((f"unicode-{name}-{key}", f"{key}={q(value)}"))
    add(("unicode-key", f"{q(chr(0x202e) + 'seirtnuoc')}=NOR&{q('countries' + chr(0x200d))}=SWE"))
    for key in KEYS:  # empty values
        add((f"empty-{key}", f"{key}="))
    add(("empty-all", "&".join(f"{key}=" for key in KEYS)))
    add(("bare-keys", "&".join(KEYS)))
    add(("empty-query", ""))
    add(("only-separators", "&&&&=&=="))
    # unknown keys, mixed-case keys, Streamlit's own keys
    for name, raw in {"utm": "utm_source=newsletter&fbclid=abc", "case-keys": "Countries=NOR&FROM=2000&Indicator=x",
                      "script-key": f"{q('<script>alert(1)</script>')}=1", "embed": "embed=true&embed_options=x",
                      "page-admin": "page=admin", "page-traversal": "page=../../app", "page-other": "page=data",
                      "page-meeting": "page=meeting", "dunder": "__proto__=x&constructor=y"}.items():
        add((f"keys-{name}", raw))
    # percent-encoding garbage
    for name, raw in {"lone-percent": "countries=%", "bad-hex": "countries=%zz%G1",
                      "truncated-utf8": "indicator=%E2%82",
                      "invalid-utf8": "countries=%ff%fe%fd", "encoded-nul": "countries=NOR%00SWE",
                      "encoded-newline": "from=2000%0A&to=2010%0D%0A", "double-encoded": "countries=NOR%252CSWE",
                      "encoded-amp": "countries=NOR%26from%3D1800", "encoded-equals": "from%3D2000=1",
                      "overlong-utf8": "countries=%C0%AE%C0%AE%2F", "percent-in-key": "%=1&%%=2",
                      "encoded-surrogate": "countries=%ED%B3%BF"}.items():
        add((f"pct-{name}", raw))
    # markup that must not become active in a notice (the notices are rendered as Markdown)
    for name, value in {"md-image": "![x](//e.co/a.png)", "md-link": "[Log in](//e.co)",
                        "html": "<img src=x onerror=alert(1)>", "latex": "$\\color{red}{X}$",
                        "code": "`x`", "directive": ":red[ALERT]"}.items():
        add((f"markup-preset-{name}", f"preset={q(value)}"))
        add((f"markup-key-{name}", f"{q(value)}=1"))
    add(("markup-countries", f"countries={q('[A](//e.co),![B](//e.co/b.png)')}"))
    # a valid link with one bad value in every position
    add(("valid-plus-garbage", "indicator=drd_deaths&countries=NOR,SWE&from=2000&to=2010&year=2005&sex=female"
         "&age=25-29&scale=log&index=2001&zzz=1"))
    add(("valid-full", "indicator=drd_deaths&countries=NOR,SWE&from=2000&to=2010&year=2005&sex=male&scale=log"
         "&index=2001"))
    add(("combination-impossible", "indicator=drd_deaths&sex=male&age=20-24"))
    add(("sex-on-rate", "indicator=drd_deaths_per_million_15_64&sex=female&age=15-19"))
    add(("projector-twice", "projector=1&projector=0"))
    add(("projector-word", "projector=maybe"))
    return cases


CORPUS = _corpus()
assert len(CORPUS) >= 100
assert len({name for name, _ in CORPUS}) == len(CORPUS), "case names are unique"
assert not any(word.lower() in qs.lower() for _, qs in CORPUS for word in FORBIDDEN), "corpus must not echo markers"


def params_of(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


# --- fixtures ---------------------------------------------------------------------------------------------------


def _hash_extracts() -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(settings.DATA_DIR.iterdir()) if path.is_file()}


@pytest.fixture(scope="module")
def extract_hashes():
    """The extracts' hashes before the module; after it they must be byte-identical."""
    before = _hash_extracts()
    yield before
    assert _hash_extracts() == before, "a hostile link changed the data files"


@pytest.fixture(scope="module")
def catalog(connection):
    return load_catalog(connection)


@pytest.fixture(scope="module")
def titles(extract_hashes) -> dict[str, str]:
    """What each page shows as its title for a clean link."""
    found = {}
    for page in REDIRECT_PAGES:
        app = open_page(page)
        assert app.title, f"{page}: no title on a clean link"
        found[page] = app.title[0].value
    return found


@pytest.fixture(scope="module")
def sessions(titles) -> dict[str, AppTest]:
    """One AppTest per page, reused across the corpus (created on first use)."""
    return {}


def shown_page(page: str, query: str) -> str:
    """The page a link opens from a page's URL: the last ?page= value when it names a page, else that page."""
    requested = (params_of(query).get("page") or [None])[-1]
    return requested if requested in REDIRECT_PAGES else page


# --- parse_state on the whole corpus ---------------------------------------------------------------------------


def _printable(text: str) -> bool:
    return all(ch.isprintable() for ch in text)


@pytest.mark.parametrize(("name", "query"), CORPUS, ids=[name for name, _ in CORPUS])
def test_parse_state_gives_a_valid_state_and_short_notices(catalog, name, query):
    params = params_of(query)
    state, notices = view_state.parse_state(params, catalog)
    indicator = catalog.indicators[state.indicator]
    assert all(code in catalog.countries for code in state.countries)
    # An empty selection only where the link's last countries= is blank: someone cleared it (the pages say how
    # to choose); anything else unusable falls back to the default countries.
    last_countries = (params.get("countries") or [None])[-1]
    assert state.countries or (last_countries is not None and not last_countries.strip(" ,"))
    assert len(state.countries) == len(set(state.countries)) <= view_state.MAX_COUNTRIES
    assert indicator.year_min <= state.year_from <= state.year <= state.year_to <= indicator.year_max
    assert state.index_base in (None, view_state.FIRST_YEAR) or state.year_from <= state.index_base <= state.year_to
    assert state.sex in indicator.sexes and state.age_group in indicator.age_groups
    assert f"{state.sex}/{state.age_group}" in indicator.breakdowns
    assert state.scale in view_state.SCALES and state.page in site.PAGE_NAMES
    for notice in notices:
        assert len(notice) < 300 and _printable(notice), notice
        assert not any(mark in notice for mark in "[]<>`$"), f"notice carries Markdown markup: {notice}"
    # the corrected state is canonical: writing it back to a URL and reading it again changes nothing
    again, again_notices = view_state.from_query_string(view_state.to_query_string(state, catalog), catalog)
    assert again == state and again_notices == []


def test_the_corpus_is_large_and_covers_every_key():
    assert len(CORPUS) >= 100
    for key in KEYS:
        assert sum(1 for _, qs in CORPUS if key in params_of(qs)) >= 5, key


# --- every case on every page -----------------------------------------------------------------------------------


def _nodes(node):
    if getattr(node, "proto", None) is not None:
        yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def problems_on(app: AppTest, page: str, title: str) -> list[str]:
    """Everything wrong with what a page rendered (empty when the page is fine)."""
    found = []
    if app.exception:
        found.append(f"exception: {[e.value for e in app.exception][:1]}")
    if app.error:
        found.append(f"st.error: {[e.value[:200] for e in app.error]}")
    if [t.value for t in app.title][:1] != [title]:
        found.append(f"title {[t.value for t in app.title]} instead of {title!r}")
    if len(app.warning) > 1:
        found.append(f"{len(app.warning)} warnings")
    for warning in app.warning:
        lines = warning.value.splitlines()
        if len(warning.value) > MAX_WARNING_CHARS or sum(line.startswith("- ") for line in lines) > 9:
            found.append(f"warning too long: {len(warning.value)} characters, {len(lines)} lines")
    cleared = any("No country selected" in info.value for info in app.info)
    if cleared:  # a link whose last countries= is blank: the page shows the hint instead of a chart
        if app.get("plotly_chart") or app.dataframe:
            found.append("a chart or table beside the no-country hint")
    elif page == "data":
        if len(app.dataframe) < 4:
            found.append(f"data page shows {len(app.dataframe)} tables")
    elif page in PAGES and not app.get("plotly_chart"):
        found.append("no chart")
    blob = b"".join(node.proto.SerializeToString() for node in _nodes(app._tree)).lower()
    found += [f"rendered text contains {word!r}" for word in FORBIDDEN if word.lower().encode() in blob]
    return found


def run_case(app: AppTest, query: str) -> AppTest:
    app.query_params = params_of(query)
    return app.run()


def distinct_cases() -> list[tuple[str, str, str, int]]:
    """Per page, one case for each distinct normalised state it leads to (the page shown, the state it parses to,
    whether it raises a notice): (page, name, query, how many corpus cases it stands for). parse_state is checked
    on every case above; the app only needs to show each distinct outcome once."""
    catalog = load_catalog(db.connect(settings.DATA_DIR))
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for page in PAGES:
        for name, query in CORPUS:
            shown = shown_page(page, query)
            state, notices = view_state.parse_state(params_of(query), catalog, page=shown)
            key = (page, shown, view_state.to_query_string(state, catalog), bool(notices))
            groups.setdefault(key, []).append((name, query))
    return [(key[0], cases[0][0], cases[0][1], len(cases)) for key, cases in groups.items()]


DISTINCT = distinct_cases()


@pytest.mark.corpus
@pytest.mark.parametrize(("page", "name", "query", "stands_for"), DISTINCT,
                         ids=[f"{page}-{name}" for page, name, _, _ in DISTINCT])
def test_page_survives_hostile_link(sessions, titles, page, name, query, stands_for):
    expected = shown_page(page, query)
    title = titles[expected]
    app = sessions.get(page) or sessions.setdefault(page, open_page(page))
    found = problems_on(run_case(app, query), expected, title)
    if found:
        fresh = problems_on(run_case(open_page(page), query), expected, title)
        sessions[page] = open_page(page)  # don't let a broken session spoil the next cases
        pytest.fail(f"{page} {name} (and {stands_for - 1} cases like it): {found}; in a fresh session: "
                    f"{fresh or 'fine'}")


def test_distinct_cases_cover_every_page_and_fewer_runs_than_the_corpus():
    assert {page for page, *_ in DISTINCT} == set(PAGES)
    assert sum(stands_for for *_, stands_for in DISTINCT) == len(CORPUS) * len(PAGES)
    assert len(DISTINCT) < len(CORPUS) * len(PAGES)


def test_markup_in_a_link_stays_inert_in_the_notice(extract_hashes):
    """The notice is Markdown: a value from the URL must not become a link, an image, HTML, code or LaTeX."""
    app = open_page("trends")
    for name, query in CORPUS:
        if not name.startswith("markup-"):
            continue
        run_case(app, query)
        assert len(app.warning) == 1, name
        text = app.warning[0].value
        assert not any(mark in text for mark in "[]<>`$"), (name, text)


def test_notices_show_the_offending_value_safely(catalog):
    """The value is shown (so the user can see what was wrong) but only printable and at most ~24 characters."""
    _, notices = view_state.parse_state(params_of("preset=" + q("\u202eevil\u200dpreset" + "x" * 100)), catalog)
    [notice] = notices
    assert "evil?preset" in notice and "x" * 30 not in notice and _printable(notice)
    assert unicodedata.category("\u202e") == "Cf"  # the RTL override is a format character, replaced by '?'


def test_extracts_are_unchanged_after_the_corpus(extract_hashes):
    assert _hash_extracts() == extract_hashes
