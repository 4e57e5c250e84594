"""The meeting deck: an ordered list of saved views with speaker notes, as JSON and as a compact URL token.

The model is pure and immutable: every edit returns a new deck, so a deck can live in session state or a URL.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from dataclasses import dataclass, field, replace

from dashboard import i18n
from dashboard.i18n import N_, tr

SCHEMA_VERSION = 2  # 2: slides of four kinds (chart, table, title, text); version 1 files (charts only) still open
READ_VERSIONS = (1, 2)
MAX_ITEMS = 50
MAX_NOTE_LENGTH = 2000
MAX_TITLE_LENGTH = 200
MAX_QUERY_LENGTH = 8000
# A URL token longer than this is refused before decoding; the JSON inside may not grow past MAX_JSON_BYTES
# (so a small token cannot inflate into a huge document).
MAX_TOKEN_LENGTH = 60_000
MAX_JSON_BYTES = 400_000
DEFAULT_TITLE = N_("Meeting deck")  # a new deck's title, in the language it is made in (default_title())
_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
_DECK_KEYS = {"version", "title", "lang", "items", "record"}
# A saved file's record of when and from what it was saved (read back and checked, never used): lines of text.
MAX_RECORD_LINES, MAX_RECORD_LINE = 12, 400
_ITEM_KEYS = {"kind", "query_string", "title", "text", "note"}
# What a slide shows: a view's chart, the rows behind a view's chart (the Data page's table, the programme
# table, a map's country comparison), a title or section slide, or a slide of text.
SLIDE_KINDS = ("chart", "table", "title", "text")
VIEW_KINDS = ("chart", "table")  # the kinds drawn from a view (their query_string)
MAX_TEXT_LENGTH = 1500


def default_title() -> str:
    """A new deck's title in the current language ('Meeting deck', 'Lysbildesett til møtet')."""
    return tr(DEFAULT_TITLE)


def _check_text(value: object, what: str, limit: int) -> str:
    """`what`: the field's name in the reader's language, as the subject of a sentence ('A speaker note')."""
    if not isinstance(value, str):
        raise ValueError(tr("{what} must be text, not {kind}.", what=what, kind=_kind(value)))
    if len(value) > limit:
        raise ValueError(tr("{what} is too long ({length} characters; at most {limit}).", what=what,
                            length=len(value), limit=limit))
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):  # a lone surrogate: no file or link could hold it
        raise ValueError(tr("{what} holds a character that is not valid Unicode.", what=what))
    if any(ord(ch) < 32 and ch not in "\n\r\t" or ord(ch) == 127 for ch in value):  # PPTX, PDF, XML refuse these
        raise ValueError(tr("{what} holds a control character.", what=what))
    return value


_SHOWN = 40  # characters of a user's text quoted in a message


def _quoted(text: object) -> str:
    """User text for an error message: short, printable, without Markdown or HTML markup."""
    cleaned = "".join(ch if ch.isprintable() and ch not in "[]()<>`$\\*_:!#|~" else "?" for ch in str(text))
    return repr(cleaned if len(cleaned) <= _SHOWN else cleaned[:_SHOWN] + "…")


def _parse_json(text: str, damaged: str) -> object:
    """json.loads with the failures a hostile file or link can cause turned into the message `damaged`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # json's own reason ('Expecting value') stays as Python words it; where it is, in the reader's language
        raise ValueError(tr("{damaged} ({reason} at line {line}, column {column}).", damaged=damaged,
                            reason=error.msg, line=error.lineno, column=error.colno)) from None
    except RecursionError:
        raise ValueError(tr("{damaged} (nested too deeply).", damaged=damaged)) from None
    except ValueError:  # e.g. a number of more than 4,300 digits
        raise ValueError(tr("{damaged} (a number in it is too long).", damaged=damaged)) from None


def _kind(value: object) -> str:
    names = {dict: N_("an object"), list: N_("a list"), str: N_("text"), bool: N_("true/false"),
             int: N_("a number"), float: N_("a number"), type(None): N_("null")}
    return tr(names[type(value)]) if type(value) in names else type(value).__name__


@dataclass(frozen=True)
class DeckItem:
    """One slide: a view (its URL query string) shown as a chart or a table, or a title or text slide; and what
    the presenter means to say about it (the note, never shown to the audience)."""

    query_string: str = ""
    note: str = ""
    kind: str = "chart"
    title: str = ""  # a title or text slide's heading (a view's slide takes its title from the view)
    text: str = ""  # a title slide's subtitle, a text slide's body

    def __post_init__(self) -> None:
        if self.kind not in SLIDE_KINDS:
            # the kinds as the file writes them (its 'kind' values), not translated
            raise ValueError(tr("A slide is a {kinds} or {last} slide, not {kind}.",
                                kinds=", ".join(SLIDE_KINDS[:-1]), last=SLIDE_KINDS[-1], kind=_quoted(self.kind)))
        _check_text(self.query_string, tr("A slide's view"), MAX_QUERY_LENGTH)
        _check_text(self.note, tr("A speaker note"), MAX_NOTE_LENGTH)
        _check_text(self.title, tr("A slide's title"), MAX_TITLE_LENGTH)
        _check_text(self.text, tr("A slide's text"), MAX_TEXT_LENGTH)
        if self.kind in VIEW_KINDS and not self.query_string.strip():
            raise ValueError(tr("A chart slide needs a view.") if self.kind == "chart" else
                             tr("A table slide needs a view."))
        if self.kind not in VIEW_KINDS and not self.title.strip():
            raise ValueError(tr("A title slide needs a title.") if self.kind == "title" else
                             tr("A text slide needs a title."))

    @property
    def is_view(self) -> bool:
        return self.kind in VIEW_KINDS


@dataclass(frozen=True)
class Deck:
    """A titled, ordered list of slides; edits return a new deck. `lang`: the language the deck was made in, the
    language of what its exports say about it (cover, record, stamps) when nobody chooses another; each view
    slide's own language is its link's `lang`."""

    title: str = field(default_factory=default_title)
    items: tuple[DeckItem, ...] = ()
    lang: str = i18n.DEFAULT

    def __post_init__(self) -> None:
        _check_text(self.title, tr("The deck title"), MAX_TITLE_LENGTH)
        if not isinstance(self.items, tuple) or not all(isinstance(item, DeckItem) for item in self.items):
            raise ValueError("A deck's items must be a tuple of DeckItem.")  # a programming error: English
        if not i18n.is_known(self.lang):
            raise ValueError(f"A deck's language is one of {', '.join(i18n.LANGUAGES)}, not {self.lang!r}.")
        if len(self.items) > MAX_ITEMS:
            raise ValueError(_too_many(len(self.items)))

    def _index(self, index: int) -> int:
        if not -len(self.items) <= index < len(self.items):
            raise IndexError(f"No slide {index} in a deck of {len(self.items)}.")
        return index % len(self.items)

    def add(self, query_string: str, note: str = "", kind: str = "chart") -> Deck:
        return self.append(DeckItem(query_string, note, kind=kind))

    def append(self, item: DeckItem) -> Deck:
        return within_budget(replace(self, items=(*self.items, item)))

    def remove(self, index: int) -> Deck:
        index = self._index(index)
        return replace(self, items=self.items[:index] + self.items[index + 1:])

    def move_up(self, index: int) -> Deck:
        """Swap slide index with the one before it (the first slide stays put)."""
        index = self._index(index)
        if index == 0:
            return self
        items = list(self.items)
        items[index - 1], items[index] = items[index], items[index - 1]
        return replace(self, items=tuple(items))

    def move_down(self, index: int) -> Deck:
        """Swap slide index with the one after it (the last slide stays put)."""
        index = self._index(index)
        if index == len(self.items) - 1:
            return self
        return self.move_up(index + 1)

    def update_note(self, index: int, note: str) -> Deck:
        index = self._index(index)
        items = list(self.items)
        items[index] = replace(items[index], note=note)
        return within_budget(replace(self, items=tuple(items)), before=self)

    def retitle(self, title: str) -> Deck:
        return replace(self, title=title)

    def in_language(self, lang: str) -> Deck:
        """The deck recorded as made in `lang` (the meeting page's language when it is saved or linked)."""
        return replace(self, lang=lang if i18n.is_known(lang) else i18n.DEFAULT)


def _too_many(count: int) -> str:
    return tr("A deck holds at most {limit} slides; this one has {count}.", limit=MAX_ITEMS, count=count)


def _item_dict(item: DeckItem) -> dict:
    fields = {"kind": item.kind, "query_string": item.query_string, "title": item.title, "text": item.text,
              "note": item.note}
    return {key: value for key, value in fields.items() if value or key in ("kind", "note")}


def to_dict(deck: Deck, record: tuple[str, ...] = ()) -> dict:
    document = {"version": SCHEMA_VERSION, "title": deck.title, "lang": deck.lang,
                "items": [_item_dict(item) for item in deck.items]}
    return document | ({"record": list(record)} if record else {})


def _reject_unknown(document: dict, allowed: set[str], slide: int | None = None) -> None:
    unknown = sorted(str(key) for key in document if key not in allowed)
    if unknown:
        fields = dict(name=_quoted(unknown[0]), expected=", ".join(sorted(allowed)))
        if slide is None:
            raise ValueError(tr("Unknown deck field {name}; expected {expected}.", **fields) if len(unknown) == 1
                             else tr("Unknown deck fields {name} and {more} more; expected {expected}.",
                                     more=len(unknown) - 1, **fields))
        raise ValueError(tr("Slide {slide} has unknown field {name}; expected {expected}.", slide=slide, **fields)
                         if len(unknown) == 1 else
                         tr("Slide {slide} has unknown fields {name} and {more} more; expected {expected}.",
                            slide=slide, more=len(unknown) - 1, **fields))


def _read_language(value: object, notices: list[str]) -> str:
    """The deck's 'lang': en or nb; missing is English (files saved before decks named their language), anything
    else a notice and English, the deck opened all the same."""
    if value is None:
        return i18n.DEFAULT
    if isinstance(value, str) and i18n.is_known(value.strip().lower()):
        return value.strip().lower()
    notices.append(tr("The deck's language {value} is not one we write (en English, nb norsk bokmål); its "
                      "exports are in English.", value=_quoted(value)))
    return i18n.DEFAULT


def from_dict(document: object, notices: list[str] | None = None) -> Deck:
    """A deck from its parsed JSON form; ValueError saying what is wrong otherwise. What is corrected (a
    malformed 'lang') is added to `notices`."""
    notices = [] if notices is None else notices
    versions = tr(" and ").join(map(str, READ_VERSIONS))
    if not isinstance(document, dict):
        raise ValueError(tr("A deck must be a JSON object, not {kind}.", kind=_kind(document)))
    _reject_unknown(document, _DECK_KEYS)
    if "version" not in document:
        raise ValueError(tr("The deck has no 'version' field (this app reads versions {versions}).",
                            versions=versions))
    version = document["version"]
    if version not in READ_VERSIONS or isinstance(version, bool) or not isinstance(version, int):
        shown = repr(version) if isinstance(version, (bool, int, float)) and len(repr(version)) <= 20 else (
            _quoted(version))
        raise ValueError(tr("Unsupported deck version {version}; this app reads versions {versions}.",
                            version=shown, versions=versions))
    title = _check_text(document.get("title", default_title()), tr("The deck title"), MAX_TITLE_LENGTH)
    lang = _read_language(document.get("lang"), notices)
    record = document.get("record", [])
    if not isinstance(record, list) or len(record) > MAX_RECORD_LINES:
        raise ValueError(tr("The deck's 'record' must be a list of at most {limit} lines.", limit=MAX_RECORD_LINES))
    for line in record:
        _check_text(line, tr("A line of the deck's record"), MAX_RECORD_LINE)
    raw_items = document.get("items", [])
    if not isinstance(raw_items, list):
        raise ValueError(tr("The deck's 'items' must be a list, not {kind}.", kind=_kind(raw_items)))
    if len(raw_items) > MAX_ITEMS:
        raise ValueError(_too_many(len(raw_items)))
    items = []
    for number, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            raise ValueError(tr("Slide {slide} must be an object, not {kind}.", slide=number, kind=_kind(raw)))
        _reject_unknown(raw, _ITEM_KEYS if version >= 2 else {"query_string", "note"}, slide=number)
        kind = _check_text(raw.get("kind", "chart"), tr("Slide {slide}'s kind", slide=number), 20)
        if kind in VIEW_KINDS and "query_string" not in raw:
            raise ValueError(tr("Slide {slide} has no 'query_string'.", slide=number))
        fields = {name: _check_text(raw.get(name, ""), tr("Slide {slide}'s {field}", slide=number, field=name),
                                    limit) for name, limit in (
            ("query_string", MAX_QUERY_LENGTH), ("note", MAX_NOTE_LENGTH), ("title", MAX_TITLE_LENGTH),
            ("text", MAX_TEXT_LENGTH))}
        try:
            items.append(DeckItem(kind=kind, **fields))
        except ValueError as error:
            raise ValueError(tr("Slide {slide}: {reason}", slide=number, reason=error)) from None
    return Deck(title=title, items=tuple(items), lang=lang)


def to_json(deck: Deck, record: tuple[str, ...] = ()) -> str:
    """The deck file; `record`: lines saying when it was saved and from which data (the saved file's own
    citation: 'Saved 2026-12-02 14:05 UTC from Drug Policy Atlas', the editions, the extracts' fingerprint)."""
    return json.dumps(to_dict(deck, record), ensure_ascii=False, indent=2)


def from_json(text: str | bytes, notices: list[str] | None = None) -> Deck:
    """Parse a deck file; ValueError with a readable reason for anything else (in the reader's language); what
    was corrected goes into `notices`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(tr("The deck file is not UTF-8 text.")) from None
    if not isinstance(text, str):
        raise ValueError(tr("A deck must be JSON text, not {kind}.", kind=_kind(text)))
    if len(text.encode("utf-8")) > MAX_JSON_BYTES:
        raise ValueError(tr("The deck file is too large (more than {limit} kB).", limit=MAX_JSON_BYTES // 1000))
    return from_dict(_parse_json(text, tr("The deck file is not valid JSON")), notices)


def within_budget(deck: Deck, before: Deck | None = None) -> Deck:
    """The deck, if it still fits a link and a deck file; ValueError saying so when it would not. Checked when a
    slide or a note is added, so a deck never grows past what the app can reopen (a link of 60,000 characters,
    a file of 400 kB): the message comes before the limit, never after. A change that makes a deck no larger
    than `before` is always taken (shortening a note of a deck opened from a file that is already too large)."""
    if before is not None and len(_encode(deck)) <= len(_encode(before)) and (
            _json_bytes(deck) <= _json_bytes(before)):
        return deck
    to_url_token(deck)
    size = _json_bytes(deck)
    if size > MAX_JSON_BYTES:
        raise ValueError(tr("The deck would be too large to save and reopen ({size} kB; at most {limit} kB): "
                            "shorten a speaker note or start a second deck.", size=i18n.number(size // 1000),
                            limit=MAX_JSON_BYTES // 1000))
    return deck


def _json_bytes(deck: Deck) -> int:
    return len(to_json(deck).encode("utf-8"))


def _encode(deck: Deck) -> str:
    compact = json.dumps(to_dict(deck), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(compact, 9)).decode("ascii").rstrip("=")


def link_token(deck: Deck) -> str | None:
    """The deck's link token, or None for a deck too large for a link (one opened from a file of another app):
    it is kept in the session and can still be saved and exported."""
    try:
        return to_url_token(deck)
    except ValueError:
        return None


def to_url_token(deck: Deck) -> str:
    """The deck as a URL-safe token: compact JSON, zlib-compressed, base64url without padding."""
    token = _encode(deck)
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(tr("The deck would be too large for a link ({length} characters; at most {limit}): "
                            "shorten a speaker note, or save the deck as a file and start a second one.",
                            length=i18n.number(len(token)), limit=i18n.number(MAX_TOKEN_LENGTH)))
    return token


def from_url_token(token: str, notices: list[str] | None = None) -> Deck:
    """The deck in a token from to_url_token; ValueError if the token is damaged or too long; what was corrected
    goes into `notices`."""
    if not isinstance(token, str):
        raise ValueError(tr("A deck link token must be text, not {kind}.", kind=_kind(token)))
    token = token.strip()
    if not token:
        raise ValueError(tr("The deck link is empty."))
    if len(token) > MAX_TOKEN_LENGTH:
        raise ValueError(tr("The deck link is too long ({length} characters; at most {limit}).",
                            length=len(token), limit=MAX_TOKEN_LENGTH))
    if not _TOKEN.fullmatch(token):
        raise ValueError(tr("The deck link is damaged: it contains characters a deck link never has."))
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError(tr("The deck in the link is too large (more than {limit} kB).",
                                limit=MAX_JSON_BYTES // 1000))
        if not inflater.eof:
            raise zlib.error("truncated")
        text = raw.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeDecodeError):
        raise ValueError(tr("The deck link is damaged or incomplete; copy the whole link again.")) from None
    return from_dict(_parse_json(text, tr("The deck link is damaged or incomplete; copy the whole link again")),
                     notices)
