"""What a page shows as text, for the language walk: every string of every element (labels, options, help, tables,
notices, Markdown, the charts' own JSON), and the catalog's messages as the fragments a reader would see."""

from __future__ import annotations

import json
import re
import string

from streamlit.testing.v1 import AppTest

from dashboard import i18n_catalog

_MIN_WORDS = 3  # shorter fragments ('All', 'Map') are words another sentence may hold in either language


# Not text a reader reads: st.code's SQL (queries/*.sql, shown as written) and a figure's layout.meta (the
# machine-readable notes the exports and tests read).
_NOT_READ = {"code_text"}


def _figure_without_meta(text: str) -> str:
    try:
        figure = json.loads(text)
    except ValueError:
        return text
    if isinstance(figure, dict) and isinstance(figure.get("layout"), dict):
        figure["layout"].pop("meta", None)
        return json.dumps(figure, ensure_ascii=False)
    return text


def _strings(value, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(_figure_without_meta(value) if value.startswith("{") else value)
    elif hasattr(value, "ListFields"):  # a message
        for field, inner in value.ListFields():
            if field.name not in _NOT_READ:
                _strings(inner, found)
    elif hasattr(value, "__iter__") and not isinstance(value, bytes | dict):  # a repeated field
        for item in value:
            _strings(item, found)


def page_text(app: AppTest) -> str:
    """Every string in the page's elements, sidebar included, joined by line breaks."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            _strings(proto, found)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    # a table's cells travel as Arrow bytes, not strings: its text columns (and headers) are read from the frame
    for table in [*app.dataframe, *app.table]:
        frame = table.value
        found.extend(str(column) for column in frame.columns)
        for column in frame.columns:
            found.extend(cell for cell in frame[column] if isinstance(cell, str))
    return "\n".join(found).replace("\u00a0", " ")


def _fragments(text: str) -> list[str]:
    """The literal parts of a message between its {fields}, Markdown and quotes, long enough to be that message's."""
    literals = "\x00".join(literal for literal, _name, _spec, _conv in string.Formatter().parse(text))
    parts = (part.strip(" .,;:()") for part in re.split(r"\x00|\*\*|[\"«»]", literals))
    return [part for part in parts if len(part.split()) >= _MIN_WORDS]


def catalog_fragments() -> tuple[dict[str, str], dict[str, str]]:
    """English and Norwegian fragments of every translated message whose two languages differ: fragment -> the
    message it is from."""
    english: dict[str, str] = {}
    norwegian: dict[str, str] = {}
    for message in i18n_catalog.read_catalog(i18n_catalog.po_path()):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for source, target in zip(ids, strings, strict=False):
            if source == target:
                continue
            for fragment in _fragments(source):
                english.setdefault(fragment.replace("\u00a0", " "), source)
            for fragment in _fragments(target):
                norwegian.setdefault(fragment.replace("\u00a0", " "), target)
    shared = set(english) & set(norwegian)
    return ({k: v for k, v in english.items() if k not in shared},
            {k: v for k, v in norwegian.items() if k not in shared})
