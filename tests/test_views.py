"""The country profile's chart and before-after as views like any other (issue 15 item 5): a link draws the same
view in a deck slide, an export, an embed and the CLI (dashboard/views.py), and a link that draws none says why."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import before_after, db, profiles, slides, views
from dashboard import deck as meeting_deck
from dashboard.catalog import load_catalog
from tests.apptest_support import open_embed, open_page


def _claims(connection):
    return before_after.register_claims(lambda name, **params: db.run_query(connection, name, **params),
                                        load_catalog(connection))


NAMES = {"DNK": "Denmark", "CHE": "Switzerland", "NLD": "Netherlands", "DEU": "Germany"}


def test_a_before_after_link_reads_back_as_the_settings_it_was_written_from(connection):
    claims = _claims(connection)  # the fixture: Denmark's regular start 2010 (register) or 2009 (a claim)
    chosen, notices = before_after.read_params(
        {"countries": "dnk,CHE", "event": "regular", "measure": "deaths", "index": "1", "start_DNK": "2009"},
        claims, NAMES)
    assert notices == [] and chosen.starts == (("DNK", 2009), ("CHE", 1985)) and chosen.index and chosen.compare
    assert chosen.register == (("DNK", 2010), ("CHE", 1985))
    # Written back: the register's own start is left out, the chosen claim kept; read again, the same settings.
    written = chosen.to_params()
    assert written["start_DNK"] == "2009" and "start_CHE" not in written and "compare" not in written
    assert before_after.read_params(written, claims, NAMES) == (chosen, [])


@pytest.mark.parametrize(("params", "notice"), [
    ({"countries": "DNK", "start_DNK": "1066"}, "Denmark: no source claims '1066' as the start; the register's 2010"),
    ({"countries": "DNK", "start_DNK": "soon"}, "no source claims 'soon'"),
    ({"countries": "DNK", "index": "maybe"}, "Parameter 'index' must be 1 or 0, not 'maybe'; turned off."),
    ({"countries": "DNK", "compare": "maybe"}, "Parameter 'compare' must be 1 or 0, not 'maybe'; left on."),
    ({"countries": "DNK", "colour": "red"}, "Unknown parameter 'colour' ignored."),
    ({"countries": ",".join(["DNK"] * 3 + [f"X{n:02d}" for n in range(25)])}, "Only the first 20 of 26 countries"),
])
def test_a_before_after_link_with_bad_settings_gets_a_notice_and_defaults(connection, params, notice):
    chosen, notices = before_after.read_params(params, _claims(connection), NAMES)
    assert any(notice in text for text in notices), notices
    assert chosen.countries[:1] == ["DNK"] and dict(chosen.starts)["DNK"] == 2010


def test_a_before_after_link_draws_the_same_view_as_the_page_and_keeps_its_settings(connection):
    link = "page=before-after&countries=DNK&event=regular&measure=deaths&start_DNK=2009&compare=0"
    view, notices = views.view_of_link(link, connection, load_catalog(connection))
    assert notices == [] and view.kind == "before_after"
    assert set(view.data["start_year"]) == {2009} and set(view.data["iso3"]) == {"DNK"}
    assert view.data.set_index("relative_year")["year"][0] == 2009  # year 0 is the start picked, not the register's
    assert [trace.name for trace in view.figure.data] == ["Denmark 2009"]  # compare=0: no comparison line
    assert views.normalised_link(link, connection, load_catalog(connection))[0] == view.query_string
    assert "start_DNK=2009" in view.query_string and "compare=0" in view.query_string
    projected, _ = views.view_of_link(link, connection, load_catalog(connection), projector=True)
    assert projected.projector and "projector=1" in projected.query_string


@pytest.mark.parametrize(("link", "reason"), [
    ("page=before-after&countries=ATLANTIS", "names no country with a HAT start"),
    ("page=country&country=ATLANTIS", "Unknown country 'ATLANTIS'"),
    ("page=country", "names no country"),
    ("page=country&country=NOR", "we hold no clients in methadone treatment"),  # the fixture has no methadone series
    ("page=before-after&countries=DNK&measure=ost", "not in these extracts"),
    ("page=meeting", "Meeting mode"),
])
def test_a_link_that_draws_no_view_is_refused_with_the_reason(connection, link, reason):
    with pytest.raises(ValueError, match=reason):
        views.view_of_link(link, connection, load_catalog(connection))


def test_a_country_profile_link_draws_its_two_series_chart_on_the_shipped_data(shipped_connection):
    known = load_catalog(shipped_connection)
    view, notices = views.view_of_link("page=country&country=norway&embed=true", shipped_connection, known)
    assert notices == [] and view.kind == "country_pair" and view.query_string == "page=country&country=NOR"
    assert set(view.data["iso3"]) == {"NOR"} and {trace.yaxis for trace in view.figure.data} == {"y", "y2"}
    table = slides.build_slide(meeting_deck.DeckItem(view.query_string, kind="table"), view).table
    years = [int(column) for column in table.columns[1:]]
    assert len(years) == slides.TREND_YEARS and years == sorted(years)
    labels = ("Drug-induced deaths per million aged 15-64", "Clients in methadone treatment per 100,000 aged 15-64")
    for indicator_id, label in zip(profiles.PAIR, labels, strict=True):
        drawn = view.data[view.data["indicator_id"] == indicator_id].dropna(subset=["value"]).set_index("year")
        row = next(cells for cells in table.rows if cells[0] == label)
        # Each cell is the value drawn, to one decimal, and a year the series does not report is a dash.
        assert list(row[1:]) == [f"{drawn.at[year, 'value']:,.1f}" if year in drawn.index else "–" for year in years]


def test_a_deck_of_both_views_draws_them_as_charts_and_tables(connection):
    deck = (meeting_deck.Deck().add("page=before-after&countries=DNK,CHE", "n")
            .add("page=before-after&countries=DNK,CHE", kind="table").add("page=country&country=ATLANTIS", "keep"))
    shown, notices = slides.deck_slides(connection, load_catalog(connection), deck)
    assert [slide.kind for slide in shown] == ["chart", "table", "text"]
    assert shown[0].view.kind == "before_after" and shown[0].note == "n"
    table = shown[1].table
    assert table.columns == ("Country", "Start", "Years before", "Mean before", "Years after", "Mean after")
    denmark = next(row for row in table.rows if row[0] == "Denmark")
    data = shown[1].view.data[shown[1].view.data["iso3"] == "DNK"]
    before = data.loc[data["relative_year"] < 0, "value"].dropna()
    after = data.loc[data["relative_year"] > 0, "value"].dropna()
    assert len(after) > 0 and denmark[1] == "2010"  # the fixture's Danish series starts in 2010
    assert denmark[2:] == (f"{len(before)} of 10", f"{before.mean():.1f}" if len(before) else "–",
                           f"{len(after)} of 10", f"{after.mean():.1f}")
    assert shown[2].title == "This slide cannot be drawn" and shown[2].note == "keep"
    assert notices == ["Slide 3: Unknown country 'ATLANTIS'; name it by its ISO 3166 alpha-3 code (such as NOR) or "
                       "its name in English or Norwegian."]


def test_the_embed_page_draws_a_before_after_link_and_explains_a_profile_it_cannot(connection):
    app = open_embed(page="before-after", countries="DNK", compare="0")
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in figure["data"]] == ["Denmark 2010"]
    assert any("before and after regular treatment" in m.value for m in app.markdown)
    app = open_embed(page="country", country="NOR")  # the fixture lacks the methadone series
    assert not app.get("plotly_chart") and any("no clients in methadone treatment" in i.value for i in app.info)


def test_the_meeting_page_adds_a_pasted_before_after_link_with_its_corrections():
    app = open_page("meeting")
    app.text_input(key="deck_new_view").input(
        "http://localhost:8501/before-after?countries=DNK&start_DNK=1066&x=1").run()
    assert not app.exception
    added = [s.value for s in app.success]
    assert added and added[0].startswith("Added the Before and after HAT view as a chart"), added
    assert "no source claims" in added[0]
    assert any(m.value.startswith("**1. Drug-induced deaths per million aged 15-64, before and after")
               for m in app.markdown)


@pytest.mark.process
def test_the_cli_exports_a_before_after_link_and_refuses_a_profile_it_cannot_draw(tmp_path):
    done = subprocess.run([sys.executable, "-m", "dashboard", "export", "--view",
                           "http://localhost:8501/before-after?countries=DNK", "--format", "csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [path.name for path in tmp_path.glob("*.csv")] == ["before-after_deaths_regular_DNK.csv"]
    done = subprocess.run([sys.executable, "-m", "dashboard", "export", "--view", "page=country&country=XYZ",
                           "--format", "csv", "-o", str(tmp_path / "x.csv")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Unknown country 'XYZ'" in done.stderr and not (tmp_path / "x.csv").exists()
