"""Exports, decks and the command line in Norwegian (issue 13): every file a Norwegian view or deck writes is in
Norwegian, numbers the Norwegian way (XLSX cells stay numbers, with a number format), the CSV stays machine-readable,
a deck file keeps its language, the meeting page speaks it. No browser: the PPTX decks hold tables and words only
(a deck without charts draws no picture), PDF pages are checked as the figures they are drawn from."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from pandas import read_csv
from pptx import Presentation

from dashboard import deck as meeting_deck
from dashboard import export, i18n, slides, views
from dashboard.__main__ import main as cli
from dashboard.catalog import load_catalog
from dashboard.export import decks as deck_files
from tests.apptest_support import open_page
from tests.csv_support import read_exported_csv

NBSP, MINUS = "\u00a0", "\u2212"
WHEN = dt.datetime(2024, 5, 6, 14, 5, tzinfo=dt.UTC)
BASE_URL = "https://atlas.example.org/"
MAP_NB = "page=map&preset=nordic&lang=nb"


@pytest.fixture(scope="module")
def catalog(connection):
    return load_catalog(connection)


@pytest.fixture(scope="module")
def map_views(connection, catalog):
    norwegian, notices = views.view_of_link(MAP_NB, connection, catalog)
    assert notices == []
    english, _ = views.view_of_link(MAP_NB.replace("&lang=nb", ""), connection, catalog)
    return norwegian, english


def _slide_texts(presentation) -> list[list[str]]:
    """Each slide's text frames and table cells, in order."""
    shown = []
    for page in presentation.slides:
        texts = []
        for shape in page.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        shown.append(texts)
    return shown


# --- XLSX ---------------------------------------------------------------------------------------------------------


def test_a_norwegian_xlsx_has_norwegian_headers_and_about_sheet_and_its_numbers_stay_numbers(map_views):
    norwegian, english = map_views
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(norwegian, exported_on=WHEN, base_url=BASE_URL)))
    assert book.sheetnames == ["data", "om"]
    data = book["data"]
    headers = [cell.value for cell in data[1]]
    assert headers[:4] == ["ISO-3", "Land", "År", "Verdi"] and "Dødsfall" in headers
    sweden = next(row for row in data.iter_rows(min_row=2) if row[0].value == "SWE")
    value = sweden[headers.index("Verdi")]
    assert isinstance(value.value, int | float) and value.value == pytest.approx(100.0)  # a number, not text
    # a rate: one decimal, grouped; Excel writes ',' and '.' of a format in the reader's own separators
    assert value.number_format == "#,##0.0"
    assert sweden[headers.index("Dødsfall")].number_format == "#,##0"
    assert sweden[headers.index("År")].number_format == "0"  # never '2 015'
    about = {row[0]: row[1] for row in book["om"].iter_rows(values_only=True)}
    assert about["Tittel"] == norwegian.title and about["Tittel"].startswith("Narkotikautløste dødsfall")
    assert about["Eksportert"] == "6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas"
    assert about["Lenke til visningen"].startswith(f"{BASE_URL}map?") and "lang=nb" in about["Lenke til visningen"]
    assert "Land = country" in about["Kolonner"] and "Verdi = value" in about["Kolonner"]
    assert book["om"]["B6"].hyperlink is not None  # the link is still a link
    english_book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(english, exported_on=WHEN)))
    assert english_book.sheetnames == ["data", "about"]
    assert [cell.value for cell in english_book["data"][1]][:4] == ["iso3", "country", "year", "value"]


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_a_norwegian_csv_describes_itself_in_norwegian_and_keeps_its_data_machine_readable(map_views):
    norwegian, english = map_views
    content = export.to_csv(norwegian, exported_on=WHEN).decode("utf-8")
    lines = content.split("\n")
    skipped = next(index for index, line in enumerate(lines) if not line.startswith("#"))
    assert f"De {skipped} linjene som begynner med '#'" in lines[0] and f"skiprows={skipped}" in lines[0]
    assert f"# Tittel: {norwegian.title}" in lines
    assert any(line.startswith("# Format: ") and "punktum" in line and "engelsk" in line for line in lines)
    data = lines[skipped:]
    english_data = export.to_csv(english, exported_on=WHEN).decode("utf-8").split("\n")[skipped:]
    assert data[0] == english_data[0] and data[0].startswith("iso3,country,year,value,")  # the same columns
    rows = read_csv(io.StringIO("\n".join(data)))
    assert rows.drop(columns="country").equals(read_csv(io.StringIO("\n".join(english_data))).drop(columns="country"))
    assert "Sverige" in set(rows["country"])  # only the names are the reader's (the data's name_no)
    sweden = next(line for line in data if line.startswith("SWE,"))
    assert ",100.0," in sweden and ",620.0," in sweden and NBSP not in content and MINUS not in "\n".join(data)
    english_rows = read_exported_csv(export.to_csv(english, exported_on=WHEN))
    assert list(english_rows.columns)[:3] == ["iso3", "country", "year"]


# --- HTML ---------------------------------------------------------------------------------------------------------


def test_a_norwegian_html_export_is_norwegian_with_norwegian_separators(map_views):
    norwegian, english = map_views
    page = export.to_html(norwegian, exported_on=WHEN, base_url=BASE_URL).decode("utf-8")
    assert '<html lang="nb">' in page
    assert f"<title>{norwegian.title} – Drug Policy Atlas</title>" in page and "Narkotikautløste" in page
    assert '"separators":",\\u00a0"' in page  # the chart's hover and ticks: '1 234,5'
    assert "Eksportert 6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas" in page
    assert ">Åpne denne visningen igjen</a>" in page and "<summary>Data (4 rader)</summary>" in page
    assert "<th>Land</th>" in page and "<td>100,0</td>" in page
    assert "Reopen this view" not in page and "<td>100.0</td>" not in page
    english_page = export.to_html(english, exported_on=WHEN).decode("utf-8")
    assert '<html lang="en">' in english_page and "<td>100.0</td>" in english_page


# --- PPTX and PDF decks -------------------------------------------------------------------------------------------


def _norwegian_deck() -> meeting_deck.Deck:
    return (meeting_deck.Deck("Møte i bystyret", lang="nb")
            .append(meeting_deck.DeckItem(kind="title", title="HAB i Bergen", text="3. desember",
                                          note="Ønsk velkommen"))
            .add(MAP_NB, "Sverige først", kind="table")
            .add("page=cities&lang=nb", kind="table")
            .append(meeting_deck.DeckItem(kind="text", title="Hva vi ber om", text="50 plasser.")))


def test_a_norwegian_pptx_deck_has_norwegian_words_tables_and_numbers(connection, catalog):
    saved = _norwegian_deck()
    with i18n.language(saved.lang):
        shown, notices = slides.deck_slides(connection, catalog, saved)
    assert notices == []
    content = export.export_deck(shown, "pptx", title=saved.title, exported_on=WHEN, base_url=BASE_URL,
                                 editions=("EMCDDA-tall: Statistical Bulletin 2019.",), lang=saved.lang)
    presentation = Presentation(io.BytesIO(content))
    assert presentation.core_properties.language == "nb-NO"
    texts = _slide_texts(presentation)
    assert len(texts) == 4 + 1  # opens with its own title slide, ends with the record
    ranked = texts[1]
    assert ranked[0].startswith("Narkotikautløste dødsfall per million innbyggere 15–64 år")
    assert ["Plass", "Land"] == ranked[2:4] and "Dødsfall" in ranked
    assert "Sverige" in ranked and "100,0" in ranked and "100.0" not in ranked
    assert "1 land har ingen verdi for året." in ranked
    assert any(text.startswith("Kilde: ") for text in ranked)
    assert any("Eksportert 6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas · Åpne denne visningen igjen: "
               f"{BASE_URL}map?" in text for text in ranked)
    cities = texts[2]
    assert ["By", "Tall", "Per", f"Per 100{NBSP}000", "Folketall (år)"] == cities[2:7]
    assert f"400{NBSP}000 (2019)" in cities and "75,0" in cities
    record = texts[-1]
    assert record[0] == "Om disse lysbildene"
    assert record[1].startswith("Eksportert 6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas.\n"
                                "EMCDDA-tall: Statistical Bulletin 2019.\nLysbilde 2: ")
    assert " Åpne igjen: " in record[1] and "Slide 2" not in record[1]
    notes = [page.notes_slide.notes_text_frame.text for page in presentation.slides]
    assert notes[:2] == ["Ønsk velkommen", "Sverige først"]
    assert export.deck_file_name(saved.title, "pptx") == "mote-i-bystyret.pptx"


def test_a_deck_in_norwegian_keeps_an_english_slide_english_and_says_everything_else_in_norwegian(
        connection, catalog):
    saved = meeting_deck.Deck("Styremøte", lang="nb").add("page=map&preset=nordic", kind="table")
    with i18n.language(saved.lang):
        shown, _ = slides.deck_slides(connection, catalog, saved)
    texts = _slide_texts(Presentation(io.BytesIO(export.export_deck(shown, "pptx", title=saved.title,
                                                                   exported_on=WHEN, lang="nb"))))
    assert texts[0] == ["Styremøte", "1 lysbilde\nEksportert 6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas"]
    assert texts[1][2:4] == ["Rank", "Country"] and "100.0" in texts[1]  # the slide's own link is English
    assert texts[-1][0] == "Om disse lysbildene"


def test_a_norwegian_pdf_page_says_its_stamp_and_note_in_norwegian(map_views):
    norwegian, _ = map_views
    slide = slides.view_slide(norwegian, "Husk tallet", kind="table")
    with i18n.language("nb"):
        figure, _ = deck_files._pdf_page_figure(slide, WHEN, export.view_url(norwegian, BASE_URL), slide.note)
        words, _ = deck_files._words_figure(slides.Slide(kind="text", title="Om", text="x"), WHEN, "Si det")
    text = json.dumps(figure.to_plotly_json(), ensure_ascii=False)
    assert "Notat: Husk tallet" in text and "Eksportert 6. mai 2024 kl. 14:05 UTC" in text
    assert "Åpne denne visningen igjen: " in text and "Plass" in text and "100,0" in text
    assert "Reopen this view" not in text and "Exported " not in text
    foot = " ".join(str(note.text) for note in words.layout.annotations)
    assert "Notat: Si det" in foot and "Eksportert 6. mai 2024" in foot


def test_an_exported_image_of_a_norwegian_view_is_stamped_in_norwegian_and_an_english_one_in_english(map_views):
    norwegian, english = map_views
    stamped = export.stamp_figure(norwegian, exported_on=WHEN, view_url="https://x/map?lang=nb", note="Sjekk")
    text = json.dumps(stamped.to_plotly_json(), ensure_ascii=False)
    assert "Notat: Sjekk" in text and "Eksportert 6. mai 2024 kl. 14:05 UTC fra Drug Policy Atlas" in text
    assert "Kreditering: " in text and "Åpne denne visningen igjen: https://x/map?lang=nb" in text
    plain = json.dumps(export.stamp_figure(english, exported_on=WHEN, view_url="https://x/map").to_plotly_json())
    assert "Exported 2024-05-06 14:05 UTC from Drug Policy Atlas" in plain and "Reopen this view" in plain


# --- deck files ---------------------------------------------------------------------------------------------------


def test_a_deck_file_and_link_keep_the_decks_language_and_each_slides_link_keeps_lang(connection, catalog):
    saved = _norwegian_deck()
    document = json.loads(meeting_deck.to_json(saved))
    assert document["lang"] == "nb" and document["items"][1]["query_string"] == MAP_NB
    assert meeting_deck.from_json(meeting_deck.to_json(saved)) == saved
    assert meeting_deck.from_url_token(meeting_deck.to_url_token(saved)).lang == "nb"
    # a view added from a Norwegian page: its normalised link keeps lang=nb, so the deck redraws it in Norwegian
    query, _ = views.normalised_link("page=trends&preset=nordic&lang=nb", connection, catalog)
    assert "lang=nb" in query
    old = '{"version": 2, "title": "Old", "items": [{"kind": "chart", "query_string": "page=map"}]}'
    assert meeting_deck.from_json(old).lang == "en"  # a file saved before decks named their language


@pytest.mark.parametrize("value", ['"xx"', "5", '"<b>nb</b>"', "null"])
def test_a_malformed_deck_language_is_a_notice_and_english_and_the_deck_still_opens(value):
    text = ('{"version": 2, "title": "T", "lang": ' + value
            + ', "items": [{"kind": "chart", "query_string": "page=map"}]}')
    notices: list[str] = []
    opened = meeting_deck.from_json(text, notices)
    assert opened.lang == "en" and len(opened.items) == 1
    if value == "null":
        assert notices == []
    else:
        assert len(notices) == 1 and "exports are in English" in notices[0] and "<" not in notices[0]
    norwegian_notices: list[str] = []
    with i18n.language("nb"):
        meeting_deck.from_json(text, norwegian_notices)
    assert len(norwegian_notices) == len(notices) and all("engelsk" in notice for notice in norwegian_notices)


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "Filen med lysbildesettet er ikke gyldig JSON"),
    ('{"version": 9, "items": []}', "Versjon 9 av lysbildesett støttes ikke; appen leser versjon 1 og 2."),
    ('{"version": 2, "items": [{"kind": "video", "query_string": "page=map"}]}', "Lysbilde 1: Et lysbilde har typen"),
    ('{"version": 2, "items": [{"kind": "title"}]}', "Lysbilde 1: Et tittellysbilde trenger en tittel."),
    (json.dumps({"version": 1, "items": [{"query_string": "page=map", "note": "n" * 2001}]}),
     r"Feltet 'note' på lysbilde 1 har for mange tegn \(2001; høyst 2000\)"),
    ('{"version": 2, "colour": 1, "items": []}', "Ukjent felt i lysbildesettet: 'colour'"),
])
def test_a_malformed_deck_file_gets_a_clear_message_in_norwegian(text, message):
    with i18n.language("nb"), pytest.raises(ValueError, match=message):
        meeting_deck.from_json(text)
    with pytest.raises(ValueError) as english:
        meeting_deck.from_json(text)
    assert not re.search(message, str(english.value))  # and in English for an English reader


# --- the command line ---------------------------------------------------------------------------------------------


def test_cli_lang_nb_writes_a_norwegian_file_from_an_english_link(tmp_path, capsys):
    written = tmp_path / "trend.html"
    assert cli(["export", "--lang", "nb", "--view", "page=trends&preset=nordic", "-o", str(written)]) == 0
    page = written.read_text(encoding="utf-8")
    assert '<html lang="nb">' in page and "Eksportert " in page and "Åpne denne visningen igjen" in page
    assert "lang=nb" in page and '"separators":",\\u00a0"' in page
    assert "wrote" in capsys.readouterr().out
    english = tmp_path / "english.html"
    assert cli(["export", "--lang", "en", "--view", "page=trends&preset=nordic&lang=nb", "-o", str(english)]) == 0
    assert '<html lang="en">' in english.read_text(encoding="utf-8")


def test_cli_lang_nb_csv_stays_dot_decimal(tmp_path):
    written = tmp_path / "map.csv"
    assert cli(["export", "--lang", "nb", "--view", "page=map&preset=nordic", "-o", str(written)]) == 0
    lines = written.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith("# Eksport fra Drug Policy Atlas.")
    data = [line for line in lines if line and not line.startswith("#")]
    assert data[0].startswith("iso3,country,year,value,") and any(",100.0," in line for line in data)


@pytest.mark.parametrize("value", ["xx", "no", ""])
def test_cli_a_bad_lang_is_a_clear_usage_error_and_writes_nothing(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as refused:
        cli(["export", "--lang", value, "--view", "page=map", "-o", str(tmp_path / "map.csv")])
    assert refused.value.code == 2
    error = capsys.readouterr().err
    assert "argument --lang: invalid choice" in error and "'en', 'nb'" in error
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_a_deck_in_the_deck_files_language_or_the_one_asked_for(tmp_path, capsys):
    saved = (meeting_deck.Deck("Board", lang="nb").add("page=map&preset=nordic", "say it", kind="table"))
    (tmp_path / "deck.json").write_text(meeting_deck.to_json(saved), encoding="utf-8")
    as_saved, asked = tmp_path / "saved.pptx", tmp_path / "asked.pptx"
    assert cli(["export", "--deck", str(tmp_path / "deck.json"), "-o", str(as_saved)]) == 0
    texts = _slide_texts(Presentation(str(as_saved)))
    assert texts[-1][0] == "Om disse lysbildene" and texts[1][2:4] == ["Rank", "Country"]  # the slide's own link
    assert cli(["export", "--lang", "nb", "--deck", str(tmp_path / "deck.json"), "-o", str(asked)]) == 0
    texts = _slide_texts(Presentation(str(asked)))
    assert texts[1][2:4] == ["Plass", "Land"] and "100,0" in texts[1]
    assert cli(["export", "--lang", "en", "--deck", str(tmp_path / "deck.json"), "-o", str(asked)]) == 0
    assert _slide_texts(Presentation(str(asked)))[-1][0] == "About these slides"
    broken = tmp_path / "broken.json"
    broken.write_text(meeting_deck.to_json(saved).replace('"lang": "nb"', '"lang": "klingon"'), encoding="utf-8")
    capsys.readouterr()
    assert cli(["export", "--strict", "--deck", str(broken), "-o", str(tmp_path / "strict.pptx")]) == 3
    assert "notice: The deck's language 'klingon' is not one we write" in capsys.readouterr().err


# --- the meeting page ---------------------------------------------------------------------------------------------


def test_the_meeting_page_in_norwegian_labels_its_deck_and_presents_it_in_norwegian():
    token = meeting_deck.to_url_token(_norwegian_deck())
    app = open_page("meeting", lang="nb", deck=token)
    assert app.title[0].value == "Møtemodus"
    assert "Tittel på lysbildesettet (tittellysbildet i eksportene og filnavnene deres)" in [
        box.label for box in app.text_input]
    assert [box.label for box in app.selectbox] == ["Vis den"]
    assert app.selectbox[0].options == ["Slik siden viser den", "Som en tabell over radene"]
    buttons = [button.label for button in app.button]
    assert "Flytt opp" in buttons and "Fjern" in buttons
    assert any("· Tabell" in block.value for block in app.markdown)
    app = open_page("meeting", app, present="presenter", slide="2")
    text = " ".join(str(block.proto) for block in app.main)
    assert "Presentasjonsvisning · lysbilde 2 av 4" in text and "Talernotater" in text
    assert "Sverige først" in text and "Neste (tabellysbilde): " in text


def test_a_deck_link_with_a_malformed_language_opens_with_a_notice():
    text = '{"version": 2, "title": "T", "lang": "xx", "items": [{"kind": "text", "title": "Hei"}]}'
    import base64
    import zlib
    token = base64.urlsafe_b64encode(zlib.compress(text.encode(), 9)).decode().rstrip("=")
    app = open_page("meeting", deck=token)
    assert any("exports are in English" in warning.value for warning in app.warning)
    assert "Hei" in " ".join(block.value for block in app.markdown)
