"""Norwegian (issue 13) on the pages' own text: the Data and sources page, the programme page, the chart-only embed,
the export panel, the edition notice, a link's errors and the message for missing or damaged data; English as it
was. Real pages through AppTest (tests/apptest_support.py) on the fixture extracts."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import streamlit as st

from dashboard import citations, db, i18n, links, settings, tables
from dashboard.ui import export_panel
from dashboard.ui.pages import _reader_numbers
from tests.apptest_support import new_app, open_embed, open_page
from tests.i18n_support import page_text

NBSP = "\u00a0"


def _absent(text: str, *english: str) -> None:
    shown = [sentence for sentence in english if sentence in text]
    assert not shown, shown


def test_the_data_page_in_norwegian_has_norwegian_tabs_notes_and_edition_notice():
    app = open_page("data", lang="nb", countries="NOR,SWE")
    text = page_text(app)
    assert app.title[0].value == "Data og kilder"
    tabs = [tab.label for tab in app.tabs]
    assert tabs[-3:] == ["Definisjoner", "Før du sammenligner", "Kilder og lisenser"], tabs
    assert "Data for utviklingen" in tabs and "Kartdata" in tabs, tabs  # the charts' own tabs (dashboard/charts.py)
    assert len(tabs) == len(set(tabs)), tabs  # each tab its own name (map and ranking were both 'Kartdata')
    for norwegian in ("Dataene bak hvert diagram som tabell, med SQL-filen og parameterne som ga dem.",
                      "Spørringsfil: `queries/indicator_trend.sql`; parametere som er brukt:",
                      "- Landene definerer narkotikautløste dødsfall ulikt;",
                      "- Tomme celler betyr «ikke rapportert», aldri null.",
                      "Merknader på verdier", "Kartgrenser: Natural Earth",
                      "Dette bør du vite før du sammenligner landene",
                      "**EMCDDA-tall: utgaven Fixture Bulletin 2030, dataår til og med 2015.**",
                      "emnet «Nasjonale tall slik de er publisert»",
                      "Legg tabellen til i et møte"):
        assert norwegian in text, norwegian
    _absent(text, "Every chart's data as a table", "Query file:", "National definitions of drug-induced deaths",
            "Empty cells mean", "Flags on values", "Map shapes:", "What to know before comparing",
            "Newer EMCDDA/EUDA figures are not in this edition", "National figures as published by national",
            "Add this table to a meeting", "Sources and licences")


def test_the_data_page_in_english_is_unchanged():
    app = open_page("data", lang="en", countries="NOR,SWE")
    text = page_text(app)
    assert [tab.label for tab in app.tabs][-3:] == ["Definitions", "Before comparing", "Sources and licences"]
    assert "Every chart's data as a table, with the SQL file and the parameters that produced it." in text
    assert "- National definitions of drug-induced deaths differ; the EMCDDA warns" in text
    assert "Query file: `queries/indicator_trend.sql`; bound parameters:" in text
    assert "**EMCDDA figures: Fixture Bulletin 2030 edition, data years to 2015.**" in text
    assert "topic 'National figures as published'" in text
    _absent(text, "Definisjoner", "Spørringsfil", "Tomme celler", "EMCDDA-tall")


def test_the_programme_page_in_norwegian_names_fields_statuses_and_kinds_in_norwegian():
    app = open_page("programmes", lang="nb", countries="DNK,NOR")
    text = page_text(app)
    assert "Kilder for hver opplysning" in text and "Der kildene er uenige" in text
    assert "«sekundær» betyr en samleside eller et forum" in text
    [disagreement] = [e for e in app.expander if e.label.startswith("Kildene er uenige")]
    assert disagreement.label == "Kildene er uenige — Danish regular treatment: startår — **2009** mot **2010**"
    lines = " ".join(m.value for m in disagreement.markdown)
    assert "(motsagt)" in lines and "(støttet)" in lines and "(ingen URL: print article)" in lines
    assert any(e.label == "Norge: Norwegian trial (5 kilder, etter felt)" for e in app.expander), \
        [e.label for e in app.expander]
    by_field = next(frame.value for frame in app.dataframe if "Felt" in frame.value.columns)
    assert {"startdato", "status", "antall pasienter"} <= set(by_field["Felt"]), set(by_field["Felt"])
    assert set(by_field["Kildetype"]) <= {"primær", "sekundær", "presse"}
    assert by_field["Lenke"].str.startswith(("http", "ingen URL")).all()
    _absent(text, "Sources per fact", "Where sources disagree", "Sources disagree", "(contradicted)",
            "sources by field", "no URL:", "marks an aggregator", "Export this chart or add it to a meeting")


def test_the_export_panel_in_norwegian_labels_its_buttons_and_writes_norwegian_numbers():
    app = open_page("programmes", lang="nb", countries="DNK,NOR")
    app.session_state[export_panel.panel_key("timeline")] = True
    app.run()
    text = page_text(app)
    labels = {button.label for button in app.get("download_button")}
    assert {"PNG for lysbilder", "PNG for trykk (300 dpi)", "Interaktiv HTML (virker uten nett)",
            "Data og kilder (XLSX)"} <= labels, labels
    assert "Legg denne visningen til i lysbildesettet" in [button.label for button in app.button]
    assert "**Bygg inn diagrammet på en nettside**" in text
    assert "Tilpasser seg bredder fra 320 til 1 200 piksler." in text  # 1 200 with a no-break space
    assert "Fast: last ned **Interaktiv HTML (virker uten nett)** over" in text
    assert ".html)" in text  # the file's name stays English and machine-like
    _absent(text, "PNG for slides", "Embed this chart", "Files carry the title", "Frozen: download", "1,200")


def test_the_deck_message_counts_in_norwegian():
    with i18n.language("nb"):
        assert export_panel.added_message(1) == "Lagt til i lysbildesettet (1 lysbilde)."
        assert export_panel.added_message(2) == "Lagt til i lysbildesettet (2 lysbilder)."
        assert export_panel.added_message(1, "table") == "Tabellen ble lagt til i lysbildesettet (1 lysbilde)."
    assert export_panel.added_message(2, "table") == "The table was added to the meeting deck (2 slides)."


def test_the_embed_in_norwegian_has_its_words_numbers_and_link_in_norwegian():
    app = open_embed(page="trends", countries="NOR,SWE", lang="nb")
    text = page_text(app)
    assert "[Åpne i Drug Policy Atlas ↗](" in text and "lang=nb" in text
    assert "73,5 dødsfall per million" in text and "3 400 000 innb" in text  # the hover, Norwegian separators
    assert "Norge: 73,5 i 2010 til 85,0 i 2015" in text  # the chart's text summary (its alt text)
    assert any(caption.value.startswith("Kilde:") for caption in app.caption)
    _absent(text, "Open in Drug Policy Atlas", "Source:", "3,400,000")
    _absent(text, "73.5 in 2010", "Norway")


def test_an_embed_speaks_its_links_language_not_the_sessions():
    app = new_app()
    app.query_params["lang"] = "nb"
    app.run()  # this session reads Norwegian
    app.query_params.clear()
    app.query_params.update({"page": "trends", "countries": "NOR,SWE"})
    app.switch_page("app_pages/embed.py").run()
    assert not app.exception
    text = page_text(app)
    assert "[Open in Drug Policy Atlas ↗](" in text and "Åpne i Drug Policy Atlas" not in text


def test_an_embed_that_cannot_draw_says_why_in_norwegian():
    meeting = open_embed(page="meeting", countries="NOR", lang="nb")
    assert [info.value for info in meeting.info] == [
        "Siden Møtemodus har ikke noe diagram som kan bygges inn. Bygg inn et av diagrammene den lenker til."]
    empty = open_embed(page="map", countries="", lang="nb")
    assert [info.value for info in empty.info] == ["Dette innebygde diagrammet har ingen land valgt."]
    assert open_embed(page="map", countries="").info[0].value == "This embedded chart selects no country."


def test_a_pasted_links_errors_are_in_norwegian_with_norwegian_numbers():
    with i18n.language("nb"):
        with pytest.raises(ValueError, match=f"^Lenken er for lang \\(8{NBSP}001 tegn; høyst 8{NBSP}000\\)\\.$"):
            links.parse_link("page=map&x=" + "a" * (links.MAX_LINK_LENGTH - 10))
        with pytest.raises(ValueError, match="^Dette er en lenke til et helt lysbildesett"):
            links.parse_link("http://localhost:8501/meeting?deck=abc")
        assert links.parse_link("preset=nordic").notices == ("Lenken nevner ingen side; den åpner siden /map.",)
    with pytest.raises(ValueError, match=r"^The link is too long \(8,001 characters; at most 8,000\)\.$"):
        links.parse_link("page=map&x=" + "a" * (links.MAX_LINK_LENGTH - 10))


def test_citations_and_the_edition_record_in_norwegian():
    def editions(name: str) -> pd.DataFrame:
        return pd.DataFrame([{"family": "EMCDDA", "edition": "Statistical Bulletin 2019 (tables)", "year_max": 2017},
                             {"family": "national", "edition": None, "year_max": 2023}])

    with i18n.language("nb"):
        assert citations.edition_lines(editions) == (
            "EMCDDA-tall: utgaven Statistical Bulletin 2019, dataår til og med 2017.",
            "Nasjonale tall slik nasjonale myndigheter har publisert dem, til og med 2023.")
        assert citations.map_credit(lambda name, **params: pd.DataFrame()) == ("Grenser: Natural Earth.",
                                                                               "Laget med Natural Earth.")
    assert citations.edition_lines(editions)[0] == ("EMCDDA figures: Statistical Bulletin 2019 edition, data years "
                                                    "to 2017.")


@pytest.fixture
def broken_programmes(tmp_path, monkeypatch):
    """The fixture extracts with programmes.parquet missing, read by the app instead of the intact ones."""
    folder = tmp_path / "extracts"
    shutil.copytree(settings.DATA_DIR, folder)
    (folder / "programmes.parquet").unlink()
    monkeypatch.setattr(settings, "DATA_DIR", folder)
    st.cache_resource.clear()
    yield folder
    st.cache_resource.clear()


def test_missing_data_is_explained_in_norwegian_and_in_english(broken_programmes):
    norwegian = open_page("programmes", lang="nb", countries="DNK,NOR")
    [message] = [error.value for error in norwegian.error]
    assert message.startswith("**Denne siden trenger data som mangler eller er skadet.**"), message
    assert "programmes.parquet: filen mangler. Bygg datauttrekkene på nytt med `python -m dashboard build`." \
        in message, message
    assert "Andre sider som ikke trenger denne filen, virker som før." in message
    _absent(message, "missing or damaged", "file is missing", "Rebuild", "Other pages")
    english = open_page("programmes", lang="en", countries="DNK,NOR")
    [message] = [error.value for error in english.error]
    assert message.startswith("**This page needs data that is missing or damaged.**")
    assert "programmes.parquet: file is missing. Rebuild the extracts with `python -m dashboard build`." in message


def test_a_damaged_extract_is_english_in_the_log_and_the_readers_language_on_the_page(broken_programmes):
    connection = db.connect(broken_programmes)
    assert connection.broken["programmes"] == "programmes.parquet: file is missing"  # the log, the builder
    with pytest.raises(db.DataUnavailable) as unavailable:
        db.run_query(connection, "programmes", countries=["NOR"])
    assert str(unavailable.value).startswith("programmes.parquet: file is missing. Rebuild the extracts with")
    with i18n.language("nb"):
        assert db.shown(unavailable.value) == ("programmes.parquet: filen mangler. Bygg datauttrekkene på nytt med "
                                               "`python -m dashboard build`.")
    assert db.shown("plain text") == "plain text"  # a message raised as text elsewhere is shown as it is


def test_a_table_writes_its_numbers_the_readers_way_and_keeps_them_numbers():
    """Streamlit's printf formats ('%.1f') write a point in every language: in Norwegian the page styles the
    cells itself ('81,8', '3 256'), sorting still goes by the numbers underneath."""
    table = pd.DataFrame({"rate": [81.83, None], "deaths": [3256, 12], "year": [2016, 2017]})
    config = {"rate": st.column_config.NumberColumn("Rate", format="%.1f"),
              "deaths": st.column_config.NumberColumn("Deaths", format=tables.COUNT_FORMAT),
              "year": st.column_config.NumberColumn("Year", format="%d")}
    with i18n.language("nb"):
        styled, options = _reader_numbers(table, {"column_config": config, "hide_index": True})
        shown = styled.to_html()
    assert "81,8" in shown and "3\u00a0256" in shown and "2016" in shown and "2\u00a0016" not in shown
    assert options["column_config"]["rate"]["type_config"]["format"] is None  # the style's, not printf's
    assert options["column_config"]["year"]["type_config"]["format"] == "%d"
    assert styled.data["rate"].dtype.kind == "f"  # still numbers
    assert tables.reader_number("%d") is None and tables.reader_number(None) is None
