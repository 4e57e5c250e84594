"""A pasted link of any page (any host, port or path prefix, with or without the path) opens exactly that page's
view; what is not a view of the app is refused with the reason (issue 12: every link used to become a map)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard import links, settings


@pytest.mark.parametrize(("link", "page", "query"), [
    ("http://localhost:8501/trends?indicator=drd_deaths&countries=NOR,SWE", "trends",
     "page=trends&indicator=drd_deaths&countries=NOR,SWE"),
    ("https://atlas.example.org:9000/dpa/programmes?preset=hat", "programmes", "page=programmes&preset=hat"),
    ("localhost:8501/data?countries=NOR", "data", "page=data&countries=NOR"),
    ("127.0.0.1:8502/map/?year=2012", "map", "page=map&year=2012"),
    ("/claims?check=NOR,2015,81,per_million", "claims", "page=claims&check=NOR,2015,81,per_million"),
    ("trends?preset=nordic", "trends", "page=trends&preset=nordic"),
    ("page=trends&preset=nordic&scale=log", "trends", "page=trends&preset=nordic&scale=log"),
    ("?page=map&year=2010", "map", "page=map&year=2010"),
    ("HTTP://LOCALHOST:8501/map", "map", "page=map"),
    # The path wins over a page parameter, as in the browser; the embed page's chart is its `page` parameter.
    ("http://localhost:8501/trends?page=map&preset=nordic", "trends", "page=trends&preset=nordic"),
    ("http://localhost:8501/embed?page=programmes&preset=hat&embed=true", "programmes", "page=programmes&preset=hat"),
    ("  http://localhost:8501/map?year=2012  ", "map", "page=map&year=2012"),
])
def test_each_pages_link_opens_that_page(link, page, query):
    linked = links.parse_link(link)
    assert (linked.page, linked.query_string, linked.notices) == (page, query, ())


def test_a_root_link_with_filters_opens_the_map_and_says_so():
    linked = links.parse_link("http://localhost:8501/?countries=NOR,SWE")
    assert linked.page == "map" and linked.notices == ("The link names no page; it opens the map page.",)


@pytest.mark.parametrize(("link", "message"), [
    ("", "Paste a link of this app"),
    ("https://www.google.com/search?q=heroin", "The link's path '/search' is not a page of this app"),
    ("https://www.emcdda.europa.eu/data/stats2019/drd_en", "is not a page of this app"),
    ("http://localhost:8501/meeting?deck=abc", "a whole meeting deck"),
    ("page=meeting", "the meeting page, not to a view"),
    ("http://localhost:8501/?page=nowhere", "names the page 'nowhere'"),
    ("http://localhost:8501/", "names no page and no filter"),
    ("https://example.org/?q=1", "names no page and no filter"),
    ("javascript:alert(1)", "Only http and https links"),
    ("file:///etc/passwd", "Only http and https links"),
    ("data:text/html,<script>x</script>", "Only http and https links"),
    ("http://[::1/trends", "is not a link"),
    ("http://localhost:8501/trends?x=1\n<script>", "control characters"),
    ("http://localhost:8501/trends?" + "x" * 9000, "too long"),
])
def test_a_foreign_hostile_or_deck_link_is_refused_with_the_reason(link, message):
    with pytest.raises(ValueError, match=message):
        links.parse_link(link)


def test_a_refusal_quotes_the_link_short_and_inert():
    with pytest.raises(ValueError) as refused:
        links.parse_link("https://evil.example/[click](http://evil.example)/" + "a" * 200)
    assert "](" not in str(refused.value) and len(str(refused.value)) < 200


@pytest.mark.process
@pytest.mark.parametrize(("view", "expected"), [
    ("http://localhost:8501/trends?countries=NOR,SWE&indicator=drd_deaths", "trend_"),
    ("https://atlas.example.org/dpa/programmes?preset=hat", "timeline"),
])
def test_the_cli_exports_the_view_of_a_pasted_link(tmp_path, view, expected):
    done = subprocess.run([sys.executable, "-m", "dashboard", "export", "--view", view, "--format", "csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = list(tmp_path.glob("*.csv"))
    assert len(written) == 1 and written[0].name.startswith(expected), written


@pytest.mark.process
def test_the_cli_refuses_a_link_that_is_not_a_view(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard", "export", "--view",
                           "https://www.google.com/search?q=x", "--format", "csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "is not a page of this app" in done.stderr and not list(tmp_path.iterdir())
    assert settings.REPO_ROOT  # the CLI ran from a folder of its own, writing nothing there
