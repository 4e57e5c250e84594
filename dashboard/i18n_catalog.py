"""The translation catalogs: messages extracted from the code, the Norwegian .po kept in step, the .mo compiled.

    python -m dashboard.i18n_catalog update [--from part.po ...]   # after changing strings: re-extract, merge, compile
    python -m dashboard.i18n_catalog check                         # what tests/test_i18n.py fails on
    python -m dashboard.i18n_catalog part FILE... -o part.po       # the messages of some files, to translate apart

The .po is written without line numbers and with fixed dates, so an update that changes no message changes no byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import string
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DOMAIN, LOCALE_DIR, LOCALES, NORWEGIAN

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"tr": None, "ntr": (1, 2), "N_": None}
COMMENT_TAGS = ("Translators:",)
_FIXED_DATE = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)


def source_files() -> list[Path]:
    """Every file whose strings a user may read: the package, the page scripts and app.py."""
    return sorted([*(ROOT / "dashboard").rglob("*.py"), *(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"])


def extract(files: Iterable[Path] | None = None) -> Catalog:
    """The messages the code marks (tr, ntr, N_), each with the files it is in."""
    template = Catalog(domain=DOMAIN, project="Drug Policy Atlas", creation_date=_FIXED_DATE, fuzzy=False)
    for path in files if files is not None else source_files():
        relative = path.resolve().relative_to(ROOT).as_posix()
        for _line, message, comments, context in extract_from_file(
                "python", path, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
            template.add(message, locations=[(relative, None)], auto_comments=comments, context=context)
    return template


def po_path(lang: str = NORWEGIAN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, lang: str = NORWEGIAN) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=LOCALES[lang], domain=DOMAIN)


def _po_bytes(catalog: Catalog) -> bytes:
    catalog.revision_date = _FIXED_DATE
    catalog.creation_date = _FIXED_DATE
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=116, include_lineno=False, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def update(parts: Sequence[Path] = (), lang: str = NORWEGIAN) -> Catalog:
    """Re-extract, keep every translation whose message is still in the code, add those of the parts; write the
    .po and the compiled .mo."""
    path = po_path(lang)
    catalog = read_catalog(path, lang) if path.exists() else Catalog(locale=LOCALES[lang], domain=DOMAIN,
                                                                      fuzzy=False)
    catalog.update(extract(), no_fuzzy_matching=True, update_creation_date=False)
    for part in parts:
        for message in read_catalog(part, lang):
            if not message.id or not _translated(message):
                continue
            mine = catalog.get(message.id, message.context)
            if mine is not None:
                mine.string = message.string
                mine.flags.discard("fuzzy")
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_po_bytes(catalog))
    path.with_suffix(".mo").write_bytes(_mo_bytes(read_catalog(path, lang)))
    return catalog


def part(files: Sequence[Path], out: Path, lang: str = NORWEGIAN) -> None:
    """The messages of some files, with the translations the .po already has: a file to translate apart."""
    catalog = Catalog(locale=LOCALES[lang], domain=DOMAIN, fuzzy=False)
    known = read_catalog(po_path(lang), lang) if po_path(lang).exists() else Catalog(locale=LOCALES[lang])
    previous = read_catalog(out, lang) if out.exists() else Catalog(locale=LOCALES[lang])
    for message in extract(files):
        if not message.id:  # the header
            continue
        found = previous.get(message.id, message.context) or known.get(message.id, message.context)
        translated = found.string if found is not None and _translated(found) else message.string
        catalog.add(message.id, translated, locations=message.locations, auto_comments=message.auto_comments,
                    context=message.context)
    out.write_bytes(_po_bytes(catalog))


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return "fuzzy" not in message.flags and all(s and s.strip() for s in strings)


def _fields(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def problems(lang: str = NORWEGIAN) -> list[str]:
    """Every way the catalog falls short: a message of the code missing or untranslated, a translation whose
    {fields} differ from its message's (it would fail or lose a value), a .mo older than its .po."""
    found: list[str] = []
    path = po_path(lang)
    if not path.exists():
        return [f"{_shown(path)} is missing: run python -m dashboard.i18n_catalog update"]
    catalog = read_catalog(path, lang)
    for message in extract():
        if not message.id:
            continue
        mine = catalog.get(message.id, message.context)
        where = ", ".join(sorted({file for file, _line in message.locations}))
        if mine is None:
            found.append(f"not in the catalog ({where}): {_key(message)!r}")
        elif not _translated(mine):
            found.append(f"not translated ({where}): {_key(message)!r}")
        else:
            ids = mine.id if isinstance(mine.id, tuple) else (mine.id,)
            strings = mine.string if isinstance(mine.string, tuple) else (mine.string,)
            expected = set().union(*(_fields(text) for text in ids))
            for text in strings:
                if _fields(text) - expected or (_fields(text) != expected and not isinstance(mine.id, tuple)):
                    found.append(f"fields differ ({where}): {_key(message)!r} has {sorted(expected)}, "
                                 f"its translation {sorted(_fields(text))}")
    mo = path.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
        found.append(f"{_shown(mo)} is not compiled from the .po: run python -m dashboard.i18n_catalog "
                     f"update")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.i18n_catalog", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    updating = commands.add_parser("update", help="re-extract the messages, merge them into the .po, compile")
    updating.add_argument("--from", dest="parts", nargs="*", type=Path, default=[], help="translated part files")
    commands.add_parser("check", help="list what is missing, untranslated or stale")
    parting = commands.add_parser("part", help="the messages of some files, with their translations so far")
    parting.add_argument("files", nargs="+", type=Path)
    parting.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "update":
        catalog = update(args.parts)
        print(f"{po_path().relative_to(ROOT)}: {len(catalog)} messages")
        return 0
    if args.command == "part":
        part(args.files, args.out)
        print(f"{args.out}: {len(extract(args.files))} messages")
        return 0
    found = problems()
    print("\n".join(found) or "The catalog is complete.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
