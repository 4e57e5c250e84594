"""Command line: drug-policy-atlas (or python -m dashboard) build | export ... | check ... | serve ..."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dashboard import build
from dashboard.i18n import LANGUAGES

EXPORT_EXAMPLES = """examples:
  drug-policy-atlas export --view "page=trends&preset=nordic&scale=log" --format png -o trend.png
  drug-policy-atlas export --view "page=map&year=2015" --format xlsx
  drug-policy-atlas export --view "http://localhost:8501/programmes?preset=hat" --format pptx   # a pasted link
  drug-policy-atlas export --deck deck.json --format pptx -o deck.pptx
  drug-policy-atlas export --strict --view "page=map&countries=NOR,SWE" -o map.csv   # for a scheduled job
  drug-policy-atlas export --lang nb --deck deck.json --format pptx   # the whole deck in Norwegian bokmål

language: without --lang, a view is written in its link's language (lang=nb in it: Norwegian) and a deck's
cover and record in the deck file's language, each slide in its own link's; --lang nb or --lang en writes every
word of the file in that language. CSV stays machine-readable in every language: the query's English column
names and numbers with a dot decimal (the lines starting '#' above the data are in the chosen language).

exit status: 0 written; 1 a bad format or size, unreadable input or no data; 2 arguments not understood;
3 (--strict only) the view or deck needed correcting (an unknown country, indicator, year or breakdown), so
nothing was written.
"""


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--view", metavar="LINK",
                        help="the view: a link of any page of the app (any host) or its query string")
    source.add_argument("--deck", metavar="FILE", type=Path, help="a meeting deck saved as JSON")
    # Formats and sizes are checked by hand so a bad value gets one clear line, not argparse's usage dump.
    parser.add_argument("--format", dest="fmt", metavar="FORMAT",
                        help="view: png, svg, pdf, html, csv, xlsx or pptx; deck: pptx, pdf, handout (the PDF with "
                             "the speaker notes) or html (default: from the output file's extension)")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: a descriptive name here)")
    parser.add_argument("--scale", default="slide", metavar="SIZE",
                        help="png/svg/pdf size: slide (1600x900 px) or print (3300x2550 px, letter at 300 dpi)")
    parser.add_argument("--projector", action="store_true", help="large type and thick lines for a projector")
    parser.add_argument("--base-url", help="the app's public address for the reopen link "
                                           "(default: $DPA_PUBLIC_URL or http://localhost:8501/)")
    parser.add_argument("--lang", type=str.lower, choices=LANGUAGES, metavar="LANG",
                        help="the language of the file: en (English) or nb (Norwegian bokmål); default: the "
                             "view's link (its lang=) or the deck file's")
    parser.add_argument("--strict", action="store_true",
                        help="refuse to export (exit 3) when the view or deck had to be corrected, e.g. a mistyped "
                             "country or indicator; for scheduled jobs, so a report never silently changes")


STRICT_REFUSED = 3  # not 2: argparse exits 2 on a usage error


def _in_language(saved, lang: str | None):
    """The deck with every view slide's link in `lang` (None: as saved), and recorded as made in it."""
    from dataclasses import replace

    from dashboard import views

    if lang is None:
        return saved
    items = tuple(replace(item, query_string=views.with_language(item.query_string, lang)) if item.is_view
                  else item for item in saved.items)
    return replace(saved, items=items, lang=lang)


def run_export(args: argparse.Namespace) -> int:
    # Imported here so `build` runs without the plotting and browser stack.
    from dashboard import catalog, citations, db, deck, export, i18n, links, site, slides, views
    from dashboard.state import from_query_string

    started = time.perf_counter()
    formats = export.DECK_FORMATS if args.deck else export.VIEW_FORMATS
    fmt = (args.fmt or (args.output.suffix.lstrip(".") if args.output else "")).lower()
    if fmt not in formats:
        what = "a deck" if args.deck else "a view"
        shown = repr(fmt) if fmt else "none given"
        return _fail(f"unknown format {shown} for {what}; choose one of {', '.join(formats)}")
    if args.scale not in export.IMAGE_SIZES:
        return _fail(f"unknown size {args.scale!r}; choose {' or '.join(export.IMAGE_SIZES)}")
    saved = None
    file_notices: list[str] = []  # what was corrected in the deck file (a malformed 'lang')
    if args.deck:
        try:
            with args.deck.open("rb") as file:  # a byte past the limit is enough to refuse it: never all of it
                saved = _in_language(deck.from_json(file.read(deck.MAX_JSON_BYTES + 1), file_notices), args.lang)
        except OSError as error:
            return _fail(f"cannot read deck file {args.deck}: {error.strerror or error}")
        except ValueError as error:
            return _fail(f"{args.deck}: {error}")
        if not saved.items:
            return _fail(f"{args.deck}: the deck has no slides")
    try:
        connection = db.connect()
        known = catalog.load_catalog(connection)
        if saved is not None:
            with i18n.language(saved.lang):  # 'This slide cannot be drawn' and the like, in the deck's language
                shown, notices = slides.deck_slides(connection, known, saved, projector=args.projector)
            notices = [*file_notices, *notices]
        else:
            linked = links.parse_link(args.view)  # a page's link or a query string; ValueError says why not
            own_view = site.BY_NAME[linked.page].own_view  # a country profile, before-after: their own parameters
            if not own_view and not from_query_string(linked.query_string, known)[0].countries:
                return _fail("the view selects no country ('countries=' is empty): name some, e.g. countries=NOR,SWE")
            query_string = views.with_language(linked.query_string, args.lang) if args.lang else linked.query_string
            view, notices = views.view_of_link(query_string, connection, known, projector=args.projector)
            notices = [*linked.notices, *notices]
            shown = [slides.view_slide(view)]
        for notice in notices:
            print(f"notice: {notice}", file=sys.stderr)
        if notices and args.strict:
            print(f"error: {len(notices)} correction(s) needed and --strict is set; nothing written",
                  file=sys.stderr)
            return STRICT_REFUSED
        if saved is not None:
            with i18n.language(saved.lang):  # the data editions' lines in the deck's language too
                editions = citations.edition_lines(lambda name: db.run_query(connection, name),
                                                   db.extracts_fingerprint(connection))
            content = export.export_deck(shown, fmt, title=saved.title, base_url=args.base_url, editions=editions,
                                         lang=saved.lang)
            output = args.output or Path(export.deck_file_name(saved.title, fmt))
        else:
            view = shown[0].view
            content = export.export_view(view, fmt, scale=args.scale, base_url=args.base_url)
            output = args.output or Path(export.file_name(view, fmt))
        output.write_bytes(content)
    except (db.DataUnavailable, export.ExportUnavailable, ValueError) as error:
        return _fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except OSError as error:
        return _fail(f"cannot write {error.filename or args.output}: {error.strerror or error}")
    print(f"wrote {output} ({len(content) / 1000:.0f} kB) in {time.perf_counter() - started:.1f} s")
    return 0


CHECK_EXAMPLES = """examples:
  drug-policy-atlas check --country SWE --year 2016 --value 22 --unit per_million_15_64
  drug-policy-atlas check --country NLD --year 2016 --value 235 --unit deaths --counts opioid --format json
  drug-policy-atlas check --country NOR --year 2013 --rank 1 --scope western_europe

verdicts: matches (equal at the number's own rounding), close (within 5%), contradicts, not_comparable (it is a
series with another denominator, unit or definition, or of a part of the country), no_data (not reported; never
read as zero). exit status: 0 whatever the verdict; 1 the extracts cannot be read; 2 the claim cannot be checked
as given (unknown country, unit or counts, a year outside every series, a negative or non-numeric value).
"""


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    from dashboard.claim_check import COUNTS, DEFAULT_COUNTS, RANK_SCOPES, UNITS

    parser.add_argument("--country", required=True, help="ISO-3 code (NOR, SWE, GB-EAW) or an English or "
                                                         "Norwegian name")
    parser.add_argument("--year", required=True, help="the data year the number is about")
    # Checked by hand (like export's --format) so a bad value gets one clear line, not argparse's usage dump.
    parser.add_argument("--value", help="the number as printed, e.g. 81 or 66.1 (its decimals are its rounding)")
    parser.add_argument("--unit", metavar="UNIT", help=f"one of {', '.join(UNITS)}")
    parser.add_argument("--counts", default=DEFAULT_COUNTS, metavar="WHAT",
                        help=f"what the claim says it counts: {', '.join(COUNTS)} (default: {DEFAULT_COUNTS}, "
                             f"the EMCDDA's drug-induced deaths and national figures as published; 'any' lets "
                             f"it mean every series, Eurostat's and the IHME model's too)")
    parser.add_argument("--rank", metavar="N", help="instead of a value: the rank claimed (1 = the highest rate of "
                                                    "drug-induced deaths per million aged 15-64)")
    parser.add_argument("--top", action="store_true", help="with --rank N: 'one of the N highest'")
    parser.add_argument("--scope", default="europe", metavar="SCOPE",
                        help=f"with --rank: the countries ranked, one of {', '.join(RANK_SCOPES)} (default: europe)")
    parser.add_argument("--format", dest="fmt", default="text", metavar="FORMAT", help="text (default) or json")


BAD_CLAIM = 2


def run_check(args: argparse.Namespace) -> int:
    import json

    from dashboard import catalog, claim_check, db

    if args.fmt not in ("text", "json"):
        print(f"error: unknown format {args.fmt!r}; choose text or json", file=sys.stderr)
        return BAD_CLAIM
    try:
        connection = db.connect()
        known = catalog.load_catalog(connection)
        if args.rank is not None:
            if args.value is not None or args.unit is not None:
                raise claim_check.CheckInputError("give either --rank or --value with --unit, not both")
            result = claim_check.check_rank(connection, known, args.country, args.year, args.rank, args.scope,
                                            top=args.top)
        else:
            if args.value is None or args.unit is None:
                raise claim_check.CheckInputError("give --value and --unit (or --rank for a ranking)")
            claim = claim_check.make_claim(known, args.country, args.year, args.value, args.unit, args.counts)
            result = claim_check.check(connection, claim)
    except claim_check.CheckInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_CLAIM
    except db.DataUnavailable as error:
        return _fail(str(error).splitlines()[0])
    if args.fmt == "json":
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(claim_check.as_text(result))
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # its unknown options are Streamlit's, passed through to the workers
        from dashboard import serve
        return serve.main(argv[1:])
    parser = argparse.ArgumentParser(prog="drug-policy-atlas", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the dashboard: a Streamlit worker per core behind nginx "
                                      "(python -m dashboard serve --help)")
    build.add_arguments(commands.add_parser("build", help="rebuild data/extracts from the raw sources"))
    add_export_arguments(commands.add_parser(
        "export", help="export a view or a meeting deck to a file", epilog=EXPORT_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter))
    add_check_arguments(commands.add_parser(
        "check", help="check a number from the news against every series we hold", epilog=CHECK_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter))
    args = parser.parse_args(argv)
    if args.command == "check":
        return run_check(args)
    if args.command == "build":
        return build.main(args)
    if args.command == "export":
        return run_export(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
