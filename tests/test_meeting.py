"""Meeting mode and the export panel, driven through AppTest: collect, annotate, reorder, present, save."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import deck as meeting_deck
from dashboard.ui import export_panel
from tests.apptest_support import open_page


def open_export_panel(app: AppTest, kind: str) -> AppTest:
    """Open a chart's export panel, as a click on it does: its contents are drawn only while it is open."""
    app.session_state[export_panel.panel_key(kind)] = True
    return app.run()


def add_current_view(app: AppTest, kind: str, note: str) -> None:
    open_export_panel(app, kind)
    app.text_area(key=f"note_{kind}").input(note)
    app.button(key=f"add_{kind}").click().run()
    assert not app.exception


def test_views_collected_from_pages_appear_in_the_deck_with_notes():
    app = open_page("trends", countries="NOR,SWE", indicator="drd_deaths")
    add_current_view(app, "trend", "Norway's peak")
    app = open_page("map", app, countries="DNK,FIN", year="2013")
    add_current_view(app, "map", "Denmark and Finland")
    app = open_page("meeting", app)
    deck = app.session_state["deck"]
    assert [item.note for item in deck.items] == ["Norway's peak", "Denmark and Finland"]
    assert "countries=NOR%2CSWE" in deck.items[0].query_string or "countries=NOR,SWE" in deck.items[0].query_string
    headings = [m.value for m in app.markdown if m.value.startswith(("**1.", "**2."))]
    assert headings[0].startswith("**1. Drug-induced deaths, 2010-2015") and "Norway, Sweden" in headings[0]
    assert headings[1].startswith("**2. Drug-induced deaths, 2013") and "Denmark, Finland" in headings[1]
    assert "deck" in app.query_params  # the address bar is a link to the deck


@pytest.fixture
def three_slide_app():
    deck = (meeting_deck.Deck(title="Council briefing")
            .add("page=trends&indicator=drd_deaths&countries=NOR", "one")
            .add("page=map&year=2012", "two")
            .add("page=programmes&preset=hat", "three"))
    return open_page("meeting", deck=meeting_deck.to_url_token(deck))


def test_a_deck_link_opens_the_deck(three_slide_app):
    deck = three_slide_app.session_state["deck"]
    assert deck.title == "Council briefing" and [i.note for i in deck.items] == ["one", "two", "three"]


def test_reorder_remove_and_edit_notes(three_slide_app):
    app = three_slide_app
    app.button(key="deck_down_0").click().run()
    assert [i.note for i in app.session_state["deck"].items] == ["two", "one", "three"]
    app.button(key="deck_remove_2").click().run()
    assert [i.note for i in app.session_state["deck"].items] == ["two", "one"]
    app.text_area(key="deck_note_1").input("the Norwegian story").run()
    assert [i.note for i in app.session_state["deck"].items] == ["two", "the Norwegian story"]
    assert not app.exception


def test_present_mode_walks_through_slides_and_keeps_the_slide_in_the_url(three_slide_app):
    app = three_slide_app
    [b for b in app.button if b.label.startswith("Present")][0].click().run()
    assert app.query_params["present"] == "audience" and app.query_params["slide"] == "1"
    assert "Drug-induced deaths, 2010-2015" in _slide_text(app)
    assert "Slide 1 of 3" in _slide_text(app)
    app.button(key="present_forward").click().run()
    assert app.query_params["slide"] == "2"
    assert "Drug-induced deaths per million aged 15-64, 2012" in _slide_text(app)
    app.button(key="present_forward").click().run()
    assert "Heroin-assisted treatment programmes" in _slide_text(app)
    assert app.button(key="present_forward").disabled
    # The audience never sees a speaker note; the presenter view does.
    assert "three" not in _slide_text(app) and not app.text_area
    app.query_params["present"] = "presenter"
    app.run()
    assert "three" in _slide_text(app) and "Slide 3 of 3" in _slide_text(app)
    app.button(key="present_leave").click().run()
    assert "present" not in app.query_params and app.title[0].value == "Meeting mode"


def _slide_text(app: AppTest) -> str:
    """Every st.html body of the page (a presented slide is set as HTML)."""
    return " ".join(element.proto.body for element in app.get("html"))


def test_a_reloaded_presentation_opens_at_its_slide_and_a_bad_mode_says_so():
    deck = meeting_deck.Deck().add("page=map&year=2012", "two").add("page=programmes&preset=hat", "three")
    app = open_page("meeting", deck=meeting_deck.to_url_token(deck), present="audience", slide="2")
    assert "Heroin-assisted treatment programmes" in _slide_text(app) and "Slide 2 of 2" in _slide_text(app)
    app = open_page("meeting", deck=meeting_deck.to_url_token(deck), present="audience", slide="99")
    assert "Slide 2 of 2" in _slide_text(app)
    app = open_page("meeting", deck=meeting_deck.to_url_token(deck), present="slideshow", slide="x")
    assert any("'present' must be audience or presenter" in w.value for w in app.warning)
    assert app.title[0].value == "Meeting mode"


def test_title_text_and_table_slides_are_presented():
    deck = (meeting_deck.Deck()
            .append(meeting_deck.DeckItem(kind="title", title="Heroin-assisted treatment in Bergen",
                                          text="Council briefing, 3 December"))
            .append(meeting_deck.DeckItem(kind="text", title="What we ask",
                                          text="Fund 50 more places.\nReview in 2028."))
            .add("page=map&year=2012&countries=NOR,SWE,DNK", kind="table"))
    token = meeting_deck.to_url_token(deck)
    app = open_page("meeting", deck=token, present="audience", slide="1")
    assert "Heroin-assisted treatment in Bergen" in _slide_text(app) and "Council briefing" in _slide_text(app)
    app = open_page("meeting", deck=token, present="audience", slide="2")
    assert "Fund 50 more places.\nReview in 2028." in _slide_text(app)
    app = open_page("meeting", deck=token, present="audience", slide="3")
    text = _slide_text(app)
    assert "<table class='dpa-slide-table'>" in text and "<th scope='col'>Country</th>" in text
    assert not app.get("plotly_chart")
    rows = [row for row in text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>") if row]
    # One row per country with a value in 2012, highest first, as the fixture's rates round (Norway 241 deaths,
    # Denmark 180); the fixture has none for Sweden in 2012, and the slide says so.
    cells = [[cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]] for row in rows]
    assert cells == [["1", "Norway", "70.9", "241"], ["2", "Denmark", "48.6", "180"]], cells
    assert "1 country has no value for the year." in text


def test_pasting_each_pages_link_adds_that_pages_view(three_slide_app):
    app = open_page("meeting")
    links = {"trends": "http://localhost:8501/trends?preset=nordic&scale=log",
             "programmes": "https://atlas.example.org/dpa/programmes?preset=hat",
             "data": "localhost:9000/data?countries=NOR,SWE",
             "map": "http://127.0.0.1:8502/map?year=2012",
             "claims": "/claims?check=NOR,2015,81,per_million"}
    for link in links.values():
        app.text_input(key="deck_new_view").input(link).run()
        assert not app.error, [e.value for e in app.error]
    items = app.session_state["deck"].items
    assert [item.query_string.split("&")[0] for item in items] == [f"page={page}" for page in links]
    assert [item.kind for item in items] == ["chart", "chart", "table", "chart", "chart"]
    assert "scale=log" in items[0].query_string and "year=2012" in items[3].query_string
    assert any("Added the Claims view as a chart" in s.value for s in app.success)


@pytest.mark.parametrize(("link", "message"), [
    ("https://www.google.com/search?q=heroin", "is not a page of this app"),
    ("http://localhost:8501/meeting?deck=abc", "a whole meeting deck"),
    ("javascript:alert(1)", "Only http and https"),
    ("http://localhost:8501/?page=nowhere", "names the page 'nowhere'"),
    ("http://localhost:8501/", "names no page and no filter"),
])
def test_a_foreign_or_hostile_link_is_refused_with_the_reason_and_adds_nothing(link, message):
    app = open_page("meeting")
    app.text_input(key="deck_new_view").input(link).run()
    assert any(message in e.value for e in app.error), [e.value for e in app.error]
    assert not app.session_state["deck"].items


def test_a_title_slide_is_added_from_the_form_and_the_deck_title_names_the_files():
    app = open_page("meeting")
    app.text_input(key="deck_title").input("Bergen council, 3 December").run()
    app.text_input(key="deck_text_title").input("HAT in Bergen")
    [b for b in app.button if b.label == "Add this slide"][0].click().run()
    deck = app.session_state["deck"]
    assert deck.title == "Bergen council, 3 December"
    assert deck.items[0].kind == "title" and deck.items[0].title == "HAT in Bergen"
    assert meeting_deck.from_url_token(app.query_params["deck"]).title == "Bergen council, 3 December"


def test_the_slide_list_buttons_have_names_a_screen_reader_reads(three_slide_app):
    labels = {b.label for b in three_slide_app.button}
    assert {"Move up", "Move down", "Remove"} <= labels


def test_the_added_message_counts_in_good_english():
    assert export_panel.added_message(1) == "Added to the meeting deck (1 slide)."
    assert export_panel.added_message(2) == "Added to the meeting deck (2 slides)."
    assert export_panel.added_message(1, "table") == "The table was added to the meeting deck (1 slide)."


def test_a_damaged_deck_link_says_so_and_keeps_the_page():
    app = open_page("meeting", deck="not-a-real-deck-token")
    assert any("could not be opened" in w.value for w in app.warning)
    assert not app.exception and not app.error


def test_export_panel_offers_every_format():
    app = open_page("trends", countries="NOR")
    assert not app.get("download_button"), "a closed panel draws nothing"
    open_export_panel(app, "trend")
    labels = {button.proto.label for button in app.get("download_button")}
    assert {"PNG for slides", "PNG for print (300 dpi)", "SVG", "PDF", "Interactive HTML (offline)",
            "Data (CSV)", "Data and sources (XLSX)"} <= labels


# Reliability round two (issue 18, finding 3): a deck can never grow past what its link and its file can hold.
def incompressible_note(seed: int, length: int = meeting_deck.MAX_NOTE_LENGTH) -> str:
    """Greek letters in a fixed pseudo-random order: a note zlib cannot shrink much (as real Greek prose, Cyrillic
    or pasted numbers do not shrink like English)."""
    import random

    rng = random.Random(seed)
    return "".join(rng.choice("αβγδεζηθικλμνξοπρστυφχψω ") for _ in range(length))


def test_adding_past_the_link_budget_is_refused_with_the_reason_and_the_deck_keeps_every_slide_it_had():
    deck = meeting_deck.Deck()
    added = 0
    with pytest.raises(ValueError, match="too large for a link") as refused:
        for number in range(meeting_deck.MAX_ITEMS):
            deck = deck.add("page=trends&countries=NOR,SWE", incompressible_note(number))
            added += 1
    assert "shorten a speaker note" in str(refused.value)
    assert 10 < added < 32 and len(deck.items) == added
    assert meeting_deck.from_url_token(meeting_deck.to_url_token(deck)) == deck  # what it holds reopens
    with pytest.raises(ValueError, match="too large for a link"):
        deck.add("page=map", incompressible_note(1000))
    assert deck.update_note(0, "short").items[0].note == "short"  # a change that shrinks it is always taken


def test_the_export_panel_says_when_a_slide_would_not_fit(monkeypatch):
    app = open_page("trends", countries="NOR,SWE", indicator="drd_deaths")
    near_full = meeting_deck.Deck()
    number = 0
    while True:
        try:
            near_full = near_full.add("page=trends&countries=NOR,SWE", incompressible_note(number))
        except ValueError:
            break
        number += 1
    app.session_state["deck"] = near_full
    open_export_panel(app, "trend")
    app.text_area(key="note_trend").input(incompressible_note(5000))
    app.button(key="add_trend").click().run()
    assert not app.exception
    assert len(app.session_state["deck"].items) == len(near_full.items)  # refused, not half-added
    assert any("too large for a link" in toast.value for toast in app.toast)


def test_a_deck_too_large_for_a_link_keeps_its_save_button_and_exports():
    """A deck opened from a file may be past the link limit: the page says so and still draws Save and exports
    (before, the page failed on every rerun and the deck was lost)."""
    from dataclasses import replace

    items = tuple(meeting_deck.DeckItem("page=trends&countries=NOR,SWE", incompressible_note(n)) for n in range(40))
    too_large = replace(meeting_deck.Deck(), items=items)  # past the budget, as a file from elsewhere could be
    assert meeting_deck.link_token(too_large) is None
    app = open_page("trends", countries="NOR,SWE")
    app.session_state["deck"] = too_large
    app = open_page("meeting", app)
    assert not app.exception and not app.error
    assert any("too large for a link" in w.value for w in app.warning)
    labels = [button.label for button in app.get("download_button")]
    assert "Save deck (JSON file)" in labels and "PowerPoint (PPTX)" in labels
    assert "deck" not in app.query_params
    app.text_area(key="deck_note_0").input("short").run()  # a note can still be changed and is kept
    assert not app.exception and app.session_state["deck"].items[0].note == "short"


def test_a_speaker_note_is_shown_as_written_never_as_live_markdown():
    """Issue 18, finding 8: a note from a link rendered its Markdown image, a request to another site."""
    note = "![pixel](http://evil.example/pixel.png?from=note) [innocent](http://evil.example) $E=mc^2$ :red[x]"
    token = meeting_deck.to_url_token(meeting_deck.Deck().add("page=trends&countries=NOR,SWE", note))
    app = open_page("meeting", deck=token, present="presenter")
    notes = [element.proto.body for element in app.get("html") if "presenter-notes" in element.proto.body]
    assert len(notes) == 1 and html.escape(note) in notes[0] and "<img" not in notes[0] and "<a " not in notes[0]
    assert not any("evil.example" in element.value for element in app.markdown)


def test_a_slide_with_many_bad_parameters_says_so_in_a_short_caption():
    """Issue 18, finding 17: all of a slide's notices went into one caption (33,899 characters for one hostile
    slide); the first few are shown and the rest counted."""
    hostile = "page=trends&countries=NOR&" + "&".join(f"junk{number}={'x' * 50}" for number in range(40))
    app = open_page("meeting", deck=meeting_deck.to_url_token(meeting_deck.Deck().add(hostile, "")))
    adjusted = [caption.value for caption in app.caption if caption.value.startswith("Adjusted:")]
    assert adjusted, [caption.value for caption in app.caption]
    assert all(len(caption) < 400 and "And 37 more corrections." in caption for caption in adjusted), adjusted


def test_a_long_deck_draws_no_chart_until_a_slide_is_presented(monkeypatch):
    """Issue 18, finding 16: opening a deck link of 50 map slides drew all 50 maps at every rerun (1.2 s of the
    worker's CPU) and put them in the chart cache every user shares."""
    from dashboard import charts

    drawn = []
    build_chart = charts.build_chart
    monkeypatch.setattr(charts, "build_chart", lambda kind, *args, **kwargs: drawn.append(kind) or
                        build_chart(kind, *args, **kwargs))
    deck = meeting_deck.Deck(title="Long")
    for year in range(1996, 2016):  # years before the series starts open its first year: titles repeat
        deck = deck.add(f"page=map&indicator=drd_deaths&year={year}&countries=NOR,SWE,DNK,FIN", "")
    app = open_page("meeting", deck=meeting_deck.to_url_token(deck))
    headings = [m.value for m in app.markdown if m.value.startswith("**")]
    assert len([h for h in headings if "Drug-induced deaths, " in h]) == 20 and "**20. " in " ".join(headings)
    assert drawn == []
    [b for b in app.button if b.label.startswith("Present")][0].click().run()
    assert not app.exception
    title = headings[0].removeprefix("**1. ").split("**")[0]
    assert drawn == ["map"] and html.escape(title, quote=False) in _slide_text(app)


def test_the_presenter_view_link_opens_this_deck_presented_at_its_first_slide(three_slide_app):
    from urllib.parse import parse_qs, urlsplit

    links = [element.proto.url for element in three_slide_app.get("link_button")]
    assert len(links) == 1 and urlsplit(links[0]).path.endswith("/meeting")
    query = parse_qs(urlsplit(links[0]).query)
    assert query["present"] == ["presenter"] and query["slide"] == ["1"]
    assert meeting_deck.from_url_token(query["deck"][0]).title == "Council briefing"


def test_a_deck_item_that_cannot_be_drawn_says_so_and_is_never_drawn_as_a_map(connection):
    """A hand-edited deck file can name the meeting page or a country the extracts do not hold: the slide says why
    it cannot be drawn (on the deck list, presented and in the exports), instead of becoming a map."""
    from dashboard import catalog as catalog_module
    from dashboard import slides

    deck = (meeting_deck.Deck().add("page=meeting", "n").add("page=map&year=2012")
            .add("page=country&country=ATLANTIS"))
    shown, notices = slides.deck_slides(connection, catalog_module.load_catalog(connection), deck)
    assert shown[0].kind == "text" and shown[0].title == "This slide cannot be drawn" and shown[0].note == "n"
    assert "Meeting mode" in shown[0].text and shown[1].view.kind == "map"
    assert shown[2].title == "This slide cannot be drawn" and "Unknown country 'ATLANTIS'" in shown[2].text
    assert notices == [f"Slide 1: {shown[0].text}", f"Slide 3: {shown[2].text}"]
    token = meeting_deck.to_url_token(deck)
    app = open_page("meeting", deck=token)
    assert any(m.value.startswith("**1. This slide cannot be drawn**") for m in app.markdown)
    assert any(m.value.startswith("**3. This slide cannot be drawn**") for m in app.markdown)
    for slide in ("1", "3"):
        app = open_page("meeting", deck=token, present="audience", slide=slide)
        assert "This slide cannot be drawn" in _slide_text(app) and not app.get("plotly_chart")
