"""Norwegian and English (issue 13): the catalog complete, numbers and dates the language's way, the language
kept in the state and its links, every page in Norwegian without the catalog's English (and the reverse)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import i18n, i18n_catalog, site
from dashboard import state as view_state
from dashboard.catalog import load_catalog
from dashboard.figures.formatting import format_change, format_value, join_names, source_line_for
from dashboard.figures.theme import base_layout
from tests.apptest_support import PAGE_SCRIPTS, new_app, open_page
from tests.i18n_support import catalog_fragments, page_text

NBSP, MINUS = "\u00a0", "\u2212"


@pytest.fixture(scope="module")
def catalog(connection):
    return load_catalog(connection)


def test_every_message_of_the_code_is_translated_with_the_same_fields_and_compiled():
    assert i18n_catalog.problems() == []


def test_the_catalog_check_fails_on_a_message_without_translation(tmp_path, monkeypatch):
    broken = tmp_path / "messages.po"
    catalog = i18n_catalog.read_catalog(i18n_catalog.po_path())
    first = next(message for message in catalog if message.id and not isinstance(message.id, tuple))
    first.string = ""
    broken.write_bytes(i18n_catalog._po_bytes(catalog))
    monkeypatch.setattr(i18n_catalog, "po_path", lambda lang="nb": broken)
    found = i18n_catalog.problems()
    assert any("not translated" in problem and repr(first.id) in problem for problem in found), found


@pytest.mark.parametrize(("lang", "count", "rate", "change", "share", "day"), [
    ("en", "3,256", "1,234.5", "-2.7 (-3.2%)", "22%", "6 January 2016"),
    ("nb", f"3{NBSP}256", f"1{NBSP}234,5", f"{MINUS}2,7 ({MINUS}3,2{NBSP}%)", f"22{NBSP}%", "6. januar 2016"),
])
def test_numbers_and_dates_are_written_the_languages_way(lang, count, rate, change, share, day):
    with i18n.language(lang):
        assert format_value(3256, "deaths") == count
        assert format_value(1234.5, "deaths per million aged 15-64") == rate
        assert format_change(-2.7, -3.2, "deaths per million aged 15-64") == change
        assert i18n.percent(22, 0) == share
        assert i18n.date(dt.date(2016, 1, 6)) == day
        assert i18n.year_range(2016, 2022) == "2016\u20132022"


def test_words_between_numbers_are_translated():
    with i18n.language("nb"):
        assert join_names(["Norge", "Sveits", "Danmark"]) == "Norge, Sveits og Danmark"
        assert source_line_for(["EMCDDA"]) == "Kilde: EMCDDA."
        assert format_value(None, "deaths") == "ingen verdi"
    assert join_names(["Norway", "Switzerland", "Denmark"]) == "Norway, Switzerland and Denmark"
    assert format_value(None, "deaths") == "no value"


def test_plotly_gets_the_norwegian_separators_and_english_figures_keep_the_default():
    with i18n.language("nb"):
        assert base_layout()["separators"] == f",{NBSP}"
    assert "separators" not in base_layout()


@pytest.mark.parametrize(("tag", "lang"), [("nb-NO", "nb"), ("no", "nb"), ("nn_NO", "nb"), ("NB", "nb"),
                                           ("en-US", "en"), ("de-DE", "en"), ("", "en"), (None, "en")])
def test_the_browsers_language_picks_norwegian_for_bokmal_nynorsk_and_no(tag, lang):
    assert i18n.from_browser(tag) == lang


def test_lang_is_read_from_a_link_and_kept_in_the_links_the_state_writes(catalog):
    state, notices = view_state.from_query_string("page=trends&preset=nordic&lang=nb", catalog)
    assert (state.lang, notices) == ("nb", [])
    assert "lang=nb" in view_state.to_query_string(state, catalog)
    assert view_state.normalise(state, catalog).lang == "nb"
    english, _ = view_state.from_query_string("page=trends&preset=nordic", catalog)
    assert english.lang == "en" and "lang" not in view_state.to_params(english, catalog)


@pytest.mark.parametrize("value", ["xx", "NO-nb", "<b>", "en,nb", "1"])
def test_a_malformed_lang_is_a_notice_and_english(catalog, value):
    state, notices = view_state.parse_state({"page": "map", "lang": value}, catalog)
    assert state.lang == "en"
    assert len(notices) == 1 and notices[0].startswith("Unknown language") and "<" not in notices[0]


def test_the_state_language_writes_its_charts(connection, catalog):
    from dashboard import charts

    state, _ = view_state.from_query_string("page=map&preset=nordic&lang=nb", catalog)
    view = charts.build_chart("map", connection, catalog, state)
    assert view.figure.layout.separators == f",{NBSP}"
    assert view.source_line.startswith("Kilde:")
    hover = " ".join(str(trace.hovertext or trace.hovertemplate or "") for trace in view.figure.data)
    assert "ingen verdi" in hover or "," in hover


def test_the_app_opens_in_norwegian_from_the_link_and_the_switch_goes_back_to_english():
    app = open_page("map", lang="nb")
    labels = [box.label for box in app.sidebar.selectbox]
    assert "Indikator" in labels and "Landgruppe" in labels, labels
    assert app.title[0].value == "Hvor er det flest narkotikautløste dødsfall?"
    app.sidebar.get("segmented_control")  # the switch is drawn (AppTest has no typed accessor for it)
    app.session_state["w_lang"] = "en"
    app.query_params["lang"] = "en"
    app.run()
    assert app.title[0].value == site.BY_NAME["map"].heading
    assert "Indicator" in [box.label for box in app.sidebar.selectbox]


def test_a_malformed_lang_in_the_app_is_a_notice_and_the_page_in_english():
    app = open_page("trends", lang="klingon", preset="nordic")
    assert any("Unknown language" in warning.value for warning in app.warning)
    assert "Indicator" in [box.label for box in app.sidebar.selectbox]
    assert app.query_params["lang"] == ["en"] or app.query_params["lang"] == "en"


_ENGLISH, _NORWEGIAN = catalog_fragments()


@pytest.mark.parametrize("page", list(PAGE_SCRIPTS))
def test_every_page_in_norwegian_shows_none_of_the_catalogs_english(page):
    app = open_page(page, lang="nb")
    # a page that failed ('Noe gikk galt') shows no English either: it must draw (two headers translated alike
    # once broke the cities table in Norwegian only)
    assert not app.exception and not [error.value for error in app.error], page
    text = page_text(app)
    shown = {fragment: message for fragment, message in _ENGLISH.items() if fragment in text}
    assert not shown, shown


@pytest.mark.parametrize("page", list(PAGE_SCRIPTS))
def test_every_page_in_english_shows_none_of_the_catalogs_norwegian(page):
    app = new_app()
    app.run()
    opened = open_page(page, app, lang="en")
    assert not opened.exception and not [error.value for error in opened.error], page
    text = page_text(opened)
    shown = {fragment: message for fragment, message in _NORWEGIAN.items() if fragment in text}
    assert not shown, shown


def test_a_picker_names_the_country_in_the_readers_language_first(catalog):
    assert catalog.picker_label("CHE") == "Switzerland (Sveits)"
    with i18n.language("nb"):
        assert catalog.picker_label("CHE") == "Sveits (Switzerland)"
        assert catalog.picker_label("FIN") == "Finland"


def test_a_links_notices_are_in_the_readers_language(catalog):
    with i18n.language("nb"):
        _, notices = view_state.parse_state({"page": "map", "from": "abc", "colours": "neon", "zzz": "1"}, catalog)
    assert notices == ["Ukjent parameter 'zzz' ble ikke brukt.", "'from' må være et årstall; 'abc' ble ikke brukt.",
                       "Ukjent fargeskala 'neon'; fargene dekker de valgte årene ('range')."], notices


@pytest.mark.parametrize("link", ["page=trends&preset=nordic&lang=nb", "page=cities&lang=nb"])
def test_a_link_with_lang_draws_its_view_in_that_language_wherever_it_is_drawn(connection, catalog, link):
    """Slides, the present mode, embeds and the CLI draw a link through views.view_of_link."""
    from dashboard import views

    view, notices = views.view_of_link(link, connection, catalog)
    assert notices == []
    assert view.source_line.startswith("Kilde:"), view.source_line
    assert "lang=nb" in view.query_string  # kept in the view's own link (exports and decks write it)
    assert view.figure.layout.separators == f",{NBSP}"
    english, _ = views.view_of_link(link.replace("&lang=nb", ""), connection, catalog)
    assert english.source_line.startswith("Source:") and "lang" not in english.query_string
