"""What a chart cites: the sources of the values drawn, and the full credit lines their licences ask for."""

from __future__ import annotations

import pandas as pd

from dashboard import db
from dashboard.figures import is_missing, records, source_line_for
from dashboard.i18n import N_, ntr, tr

# English; tr() it where it is shown (the source title "Drug Policy Atlas" stays as it is).
PROGRAMME_SOURCE = N_("HAT programmes: Drug Policy Atlas compilation from the sources listed per programme.")
MAP_SOURCE_ID = "NATURAL-EARTH"
MAX_SOURCES_LISTED = 4  # more distinct sources than this: the footer names their publishers


def drawn_source_line(data: pd.DataFrame, extra: tuple[str, ...] = ()) -> str:
    """'Source: ...' naming the source of every value drawn (per breakdown and per row), in order of first use.

    Where every value has its own citation (national figures), more than a footer holds, the line names the
    publishers and says where each value's citation is."""
    # Only the columns read are taken: taking every Arrow-backed column of the rows drawn was a tenth of a chart's
    # cost under load.
    drawn = data["value"].notna() if "value" in data else slice(None)
    cited = list(dict.fromkeys(str(s) for s in (data.loc[drawn, "source"] if "source" in data else [])
                               if not is_missing(s)))
    if len(cited) > MAX_SOURCES_LISTED and "source_publisher" in data:
        publishers = list(dict.fromkeys(str(p) for p in data.loc[drawn, "source_publisher"] if not is_missing(p)))
        return " ".join([ntr("Source: {n} publication, one for each value (named in the hover, the data table "
                             "and the CSV), by {publishers}.", "Source: {n} publications, one for each value (named "
                             "in the hover, the data table and the CSV), by {publishers}.", len(cited),
                             publishers="; ".join(publishers)), *extra])
    return source_line_for(cited, extra)


def drawn_credits(data: pd.DataFrame, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The full credit lines that the licences of the drawn values' sources ask for, where they say more than the
    source line (IHME's, Natural Earth's); exports print them."""
    if "full_credit" not in data or "source" not in data:
        return tuple(extra)
    drawn = records(data.loc[data["value"].notna(), ["source", "full_credit"]])
    lines = [str(row["full_credit"]) for row in drawn
             if not is_missing(row["full_credit"]) and row["full_credit"] != row["source"]]
    return tuple(dict.fromkeys([*lines, *extra]))


def map_credit(query) -> tuple[str, str]:
    """The base map's short and full credit lines, from the sources table (NATURAL-EARTH); query runs a query
    by name (db.run_query on a connection, or the app's cached reader)."""
    try:
        rows = records(query("source_credits", source_ids=[MAP_SOURCE_ID]))
    except db.DataUnavailable:
        rows = []
    if not rows:
        return tr("Boundaries: {credit}", credit="Natural Earth."), tr("Made with Natural Earth.")
    return tr("Boundaries: {credit}", credit=rows[0]["attribution"]), rows[0]["full_credit"] or rows[0]["attribution"]


def edition_lines(query, fingerprint: str = "") -> tuple[str, ...]:
    """Which edition of each family of series the extracts hold, as an export's record names it
    ('EMCDDA figures: Statistical Bulletin 2019 edition, data years to 2017.'), and the extracts' fingerprint
    (db.extracts_fingerprint) when given; `query` runs a query by name."""
    lines = []
    try:
        editions = {row["family"]: row for row in records(query("data_editions"))}
    except db.DataUnavailable:
        editions = {}
    if emcdda := editions.get("EMCDDA"):
        edition = str(emcdda["edition"] or "").split(" (")[0]
        lines.append(tr("EMCDDA figures: {edition} edition, data years to {last}.", edition=edition,
                        last=emcdda["year_max"]))
    if national := editions.get("national"):
        lines.append(tr("National figures as published by national authorities, to {last}.",
                        last=national["year_max"]))
    if fingerprint:
        lines.append(tr("Extracts {fingerprint} (a fingerprint of the data files; the same sources rebuild the "
                        "same fingerprint).", fingerprint=fingerprint))
    return tuple(lines)
