"""The meeting deck: edits, JSON and URL tokens (round trips and garbage), building its views, and the CLI."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from dashboard import catalog as catalog_module
from dashboard import db, deck, export, settings
from dashboard.deck import Deck, DeckItem

REPO = Path(__file__).resolve().parent.parent
SAMPLE = Deck("Board meeting, 12 May", (
    DeckItem("page=map&preset=eu27&year=2014", "Estonia still tops the map."),
    DeckItem("page=trends&preset=nordic&scale=log", "Nordic rates: note the log axis.\nSecond line, «quoted» ✓"),
    DeckItem("page=programmes&preset=hat"),
))


def token_of(document: object) -> str:
    packed = zlib.compress(json.dumps(document).encode())
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


# --- editing ------------------------------------------------------------------------------------------------------


def test_edits_return_new_decks_and_leave_the_old_one_alone():
    empty = Deck("Mine")
    one = empty.add("page=map", "first")
    two = one.add("page=trends")
    assert empty.items == () and len(one.items) == 1 and len(two.items) == 2
    assert two.move_down(0).items == (two.items[1], two.items[0])
    assert two.move_up(1).items == (two.items[1], two.items[0])
    assert two.move_up(0) == two and two.move_down(1) == two  # the ends stay put
    assert two.remove(0).items == (DeckItem("page=trends"),)
    assert two.update_note(1, "second").items[1].note == "second" and two.items[1].note == ""
    assert two.retitle("Other").title == "Other"
    with pytest.raises(IndexError, match="No slide 5"):
        two.remove(5)


def test_limits_are_enforced_with_clear_messages():
    full = Deck("Full", tuple(DeckItem(f"page=map&year={2000 + i % 18}") for i in range(deck.MAX_ITEMS)))
    with pytest.raises(ValueError, match="at most 50 slides"):
        full.add("page=map")
    with pytest.raises(ValueError, match="speaker note is too long"):
        Deck("x").add("page=map", "n" * (deck.MAX_NOTE_LENGTH + 1))
    with pytest.raises(ValueError, match="must be text"):
        DeckItem(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="title is too long"):
        Deck("t" * 201)


# --- JSON and URL tokens --------------------------------------------------------------------------------------------


def test_json_round_trip():
    text = deck.to_json(SAMPLE)
    assert json.loads(text)["version"] == deck.SCHEMA_VERSION
    assert deck.from_json(text) == SAMPLE
    assert deck.from_json(text.encode("utf-8")) == SAMPLE


def test_slides_of_every_kind_round_trip_and_a_version_1_file_still_opens():
    every = (Deck("Bergen council")
             .append(DeckItem(kind="title", title="HAT in Bergen", text="3 December"))
             .add("page=trends&preset=nordic", "trend note")
             .add("page=map&year=2012", kind="table")
             .append(DeckItem(kind="text", title="What we ask", text="Fund 50 places.", note="say it slowly")))
    assert deck.from_json(deck.to_json(every)) == every
    assert deck.from_url_token(deck.to_url_token(every)) == every
    assert [item.kind for item in every.items] == ["title", "chart", "table", "text"]
    old = '{"version": 1, "title": "Old", "items": [{"query_string": "page=map", "note": "kept"}]}'
    assert deck.from_json(old) == Deck("Old", (DeckItem("page=map", "kept"),))


def test_a_saved_file_says_when_and_from_which_data_and_still_opens():
    record = ("Saved 2026-12-02 14:05 UTC from Drug Policy Atlas.", "EMCDDA figures: Statistical Bulletin 2019.")
    text = deck.to_json(SAMPLE, record)
    assert json.loads(text)["record"] == list(record)
    assert deck.from_json(text) == SAMPLE
    for bad in ({"a": 1}, ["x" * 401], ["ok"] * 13, [3]):
        with pytest.raises(ValueError, match="record"):
            deck.from_json(json.dumps({**json.loads(text), "record": bad}))


def test_url_token_round_trip_is_url_safe_and_compact():
    token = deck.to_url_token(SAMPLE)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert deck.from_url_token(token) == SAMPLE
    assert deck.from_url_token(f"  {token}\n") == SAMPLE
    big = Deck("Big", tuple(DeckItem("page=trends&preset=eu27&from=2000&to=2015", "Same words again. " * 20)
                            for _ in range(deck.MAX_ITEMS)))
    assert deck.from_url_token(deck.to_url_token(big)) == big
    assert len(deck.to_url_token(big)) < len(deck.to_json(big)) / 5


@pytest.mark.parametrize("text, message", [
    ("not json", "not valid JSON"),
    ("", "not valid JSON"),
    ("[]", "must be a JSON object, not a list"),
    ('{"version": 3, "title": "x", "items": []}', "Unsupported deck version 3"),
    ('{"title": "x", "items": []}', "no 'version' field"),
    ('{"version": true, "items": []}', "Unsupported deck version True"),
    ('{"version": 1, "items": [], "owner": "me"}', "Unknown deck field.*'owner'"),
    ('{"version": 1, "title": 5, "items": []}', "title must be text, not a number"),
    ('{"version": 1, "items": {}}', "'items' must be a list, not an object"),
    ('{"version": 1, "items": ["page=map"]}', "Slide 1 must be an object, not text"),
    ('{"version": 1, "items": [{"note": "x"}]}', "Slide 1 has no 'query_string'"),
    ('{"version": 1, "items": [{"query_string": "page=map", "colour": "red"}]}', "Slide 1 has unknown field"),
    ('{"version": 1, "items": [{"query_string": ["page=map"]}]}', "query_string must be text, not a list"),
    ('{"version": 1, "items": [{"query_string": "page=map", "note": null}]}', "note must be text, not null"),
    (json.dumps({"version": 1, "items": [{"query_string": "page=map", "note": "n" * 2001}]}),
     r"Slide 1's note is too long \(2001 characters; at most 2000\)"),
    (json.dumps({"version": 1, "items": [{"query_string": "page=map"}] * 51}), "at most 50 slides; this one has 51"),
    ('{"version": 1, "items": [{"query_string": "page=map", "kind": "table"}]}', "Slide 1 has unknown field.*'kind'"),
    ('{"version": 2, "items": [{"kind": "video", "query_string": "page=map"}]}', "Slide 1: A slide is a chart"),
    ('{"version": 2, "items": [{"kind": "title"}]}', "Slide 1: A title slide needs a title"),
    ('{"version": 2, "items": [{"kind": "table"}]}', "Slide 1 has no 'query_string'"),
    ('{"version": 2, "items": [{"kind": "chart", "query_string": " "}]}', "Slide 1: A chart slide needs a view"),
    ('{"version": 2, "items": [{"kind": 3, "query_string": "page=map"}]}', "Slide 1's kind must be text"),
    (json.dumps({"version": 2, "items": [{"kind": "text", "title": "t", "text": "x" * 1501}]}),
     r"Slide 1's text is too long \(1501 characters; at most 1500\)"),
])
def test_bad_json_is_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        deck.from_json(text)


def test_non_utf8_and_huge_files_are_refused():
    with pytest.raises(ValueError, match="not UTF-8"):
        deck.from_json(b"\xff\xfe{}")
    with pytest.raises(ValueError, match="too large"):
        deck.from_json(" " * (deck.MAX_JSON_BYTES + 1))


@pytest.mark.parametrize("token, message", [
    ("", "empty"),
    ("   ", "empty"),
    ("abc$%^", "characters a deck link never has"),
    ("deck=abc", "characters a deck link never has"),
    ("AAAA", "damaged or incomplete"),
    ("hello-world_", "damaged or incomplete"),
    ("A" * (deck.MAX_TOKEN_LENGTH + 1), "too long"),
    (token_of([1, 2]), "must be a JSON object"),
    (token_of({"version": 1, "items": [{"query_string": 3}]}), "query_string must be text"),
])
def test_bad_tokens_are_refused_with_a_reason(token, message):
    with pytest.raises(ValueError, match=message):
        deck.from_url_token(token)


def test_truncated_token_and_compression_bomb_are_refused():
    token = deck.to_url_token(SAMPLE)
    with pytest.raises(ValueError, match="damaged or incomplete"):
        deck.from_url_token(token[: len(token) // 2])
    bomb = base64.urlsafe_b64encode(zlib.compress(b"[" + b" " * 20_000_000 + b"]", 9)).decode().rstrip("=")
    assert len(bomb) < deck.MAX_TOKEN_LENGTH
    with pytest.raises(ValueError, match="too large"):
        deck.from_url_token(bomb)
    with pytest.raises(ValueError, match="must be text"):
        deck.from_url_token(None)  # type: ignore[arg-type]


# --- building the deck's charts -------------------------------------------------------------------------------------


def test_deck_slides_builds_each_slide_and_numbers_the_notices(connection):
    from dashboard import slides as slides_module

    catalog = catalog_module.load_catalog(connection)
    saved = (SAMPLE.add("page=trends&countries=NOR,ATLANTIS&scale=sideways", "corrected")
             .append(DeckItem(kind="text", title="Asks", text="Fund it.", note="pause"))
             .add("page=map&year=2012", kind="table"))
    slides, notices = slides_module.deck_slides(connection, catalog, saved)
    assert [slide.kind for slide in slides] == ["chart"] * 4 + ["text", "table"]
    assert [slide.view.kind for slide in slides if slide.view] == ["map", "trend", "timeline", "trend", "map"]
    assert [slide.note for slide in slides] == [item.note for item in saved.items]
    views = [slide.view for slide in slides]
    assert views[0].params["year"] == 2014 and set(views[0].params["countries"]) == set(catalog.preset("eu27"))
    assert views[3].params["countries"] == ["NOR"] and views[4] is None and slides[4].text == "Fund it."
    assert slides[5].table is not None and slides[5].table.columns[:2] == ("Rank", "Country")
    assert notices and all(notice.startswith("Slide 4: ") for notice in notices)
    assert any("ATLANTIS" in notice for notice in notices) and any("sideways" in notice for notice in notices)


# --- command line ---------------------------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "DPA_DATA_DIR": str(settings.DATA_DIR)}
    return subprocess.run([sys.executable, "-m", "dashboard", "export", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not export.browser_available(), reason="Chromium is not installed")
@pytest.mark.process
def test_cli_exports_a_deck_as_pptx(tmp_path):
    from pptx import Presentation

    saved = SAMPLE.add("page=map&year=1066", "bad year")
    (tmp_path / "deck.json").write_text(deck.to_json(saved), encoding="utf-8")
    result = run_cli("--deck", "deck.json", "--format", "pptx", "-o", "deck.pptx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "notice: Slide 4: Map year 1066" in result.stderr
    presentation = Presentation(str(tmp_path / "deck.pptx"))
    assert len(presentation.slides) == 1 + 4 + 1  # the deck's title slide, its slides, the record slide
    assert presentation.slides[0].shapes.title.text == saved.title
    assert [slide.notes_slide.notes_text_frame.text for slide in presentation.slides][1:-1] == [
        item.note for item in saved.items]
    record = " ".join(shape.text_frame.text for shape in presentation.slides[-1].shapes if shape.has_text_frame)
    assert "Exported " in record and " UTC from Drug Policy Atlas" in record and "edition" in record
    assert f"Extracts {db.extracts_fingerprint(db.connect())} " in record  # the data files shown, findable again


@pytest.mark.process
def test_cli_exports_a_deck_as_html_without_a_browser(tmp_path):
    (tmp_path / "deck.json").write_text(deck.to_json(SAMPLE), encoding="utf-8")
    result = run_cli("--deck", "deck.json", "--format", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "board-meeting-12-may.html"
    assert written.is_file() and "Estonia still tops the map." in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("content, args, message", [
    ("{not json", ["--format", "pptx"], "deck.json: The deck file is not valid JSON"),
    ('{"version": 1, "items": []}', ["--format", "pptx"], "the deck has no slides"),
    ('{"version": 9, "items": []}', ["--format", "pdf"], "Unsupported deck version 9"),
    (None, ["--format", "pptx"], "cannot read deck file deck.json"),
    (deck.to_json(SAMPLE), ["--format", "csv"], "unknown format 'csv' for a deck"),
])
@pytest.mark.process
def test_cli_bad_deck_fails_with_one_line(tmp_path, content, args, message):
    if content is not None:
        (tmp_path / "deck.json").write_text(content, encoding="utf-8")
    result = run_cli("--deck", "deck.json", *args, "-o", "out.bin", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr
    assert not (tmp_path / "out.bin").exists()


# Reliability round two (issue 18, findings 8, 9, 10, 15): hostile decks give a message, never a broken page.
def _token_of(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


@pytest.mark.parametrize(("document", "message"), [
    ('{"version": 1, "items": [{"query_string": "page=trends", "note": "x\\ud800"}]}', "not valid Unicode"),
    ('{"version": 1, "title": "Board\\u0000", "items": []}', "control character"),
    ("[" * 200_000, "nested too deeply"),
    ('{"version": 1' + "0" * 5000 + "}", "a number in it is too long"),
])
def test_a_hostile_deck_file_or_link_is_refused_with_a_message(document, message):
    with pytest.raises(ValueError, match=message):
        deck.from_json(document)
    with pytest.raises(ValueError, match=message if "Unicode" in message or "control" in message else "damaged"):
        deck.from_url_token(_token_of(document))


def test_a_decks_error_message_quotes_user_text_inert_and_short():
    hostile = "[Session expired - sign in again](http://evil.example/login) ![x](http://evil.example/p.png)"
    with pytest.raises(ValueError) as refused:
        deck.from_json(json.dumps({"version": 1, hostile: 1, "x" * 519: 2}))
    message = str(refused.value)
    assert "](" not in message and "http://evil.example/login)" not in message and len(message) < 200
    with pytest.raises(ValueError) as refused:
        deck.from_json(json.dumps({"version": "![t](https://evil.example/px.png) **URGENT** :red[call]"}))
    assert "](" not in str(refused.value) and ":red[" not in str(refused.value)


@pytest.mark.process
def test_cli_refuses_an_endless_deck_file_after_reading_just_past_the_limit(tmp_path):
    result = run_cli("--deck", "/dev/zero", "--format", "html", "-o", "out.html", cwd=tmp_path)
    assert result.returncode == 1 and "too large" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.html").exists()
