"""What is said beside a value: the deaths and population behind a rate, and the flags on it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from dashboard.figures.formatting import esc, is_missing, join_names, truncate, wrap_html
from dashboard.i18n import N_, number, tr

# Who a rate's population is, as _population_words reads it from the unit, in the reader's language.
POPULATION_WORDS = {"people aged 15-64": N_("people aged 15-64"),
                    "inhabitants (all ages)": N_("inhabitants (all ages)"),
                    "inhabitants (age-standardised)": N_("inhabitants (age-standardised)"),
                    "(age-standardised)": N_("(age-standardised)"), "population": N_("population")}


def _population_words(unit: str) -> str:
    """'people aged 15-64' from 'deaths per million aged 15-64'; 'inhabitants (all ages)' likewise."""
    match = re.search(r"per (?:million|100,000|1,000)\s+(.*)$", unit or "")
    words = match.group(1).strip() if match else "population"
    return f"people {words}" if words.startswith("aged") else words


def source_hover(source: Any) -> str:
    """The hover's source line."""
    return tr("Source: {source}", source=wrap_html(source, 60))


def hover_template(sources: Iterable[Any]) -> tuple[str, bool]:
    """The template of a trace whose points' hover texts are put into it, and whether each point must still say
    its own source. When every point that can be hovered has the same source, the template says it once instead
    of every point repeating it (two thirds of a trend's JSON, a fifth of a map's); a source with Plotly's
    template syntax in it stays in the points."""
    found = set(sources)
    shared = next(iter(found)) if len(found) == 1 else None
    if shared is None or is_missing(shared) or "%{" in str(shared):
        return "%{hovertext}<extra></extra>", True
    return "%{hovertext}<br>" + source_hover(shared) + "<extra></extra>", False


def value_detail_lines(row: Mapping[str, Any], unit: str) -> list[str]:
    """What a value was computed from and what is flagged about it: the same lines in every hover."""
    lines = []
    if not is_missing(row.get("numerator")) and not is_missing(row.get("denominator")):
        at_all_ages = "rate_from_all_ages_deaths" in str(row.get("quality_flags") or "")
        deaths = tr("deaths at all ages") if at_all_ages else (
            tr("deaths aged 15-64") if "aged 15-64" in (unit or "") else tr("deaths"))
        words = _population_words(unit)
        lines.append(tr("from {count} {deaths} and {population} {people}", count=number(float(row["numerator"])),
                        deaths=deaths, population=number(float(row["denominator"])),
                        people=esc(tr(POPULATION_WORDS[words]) if words in POPULATION_WORDS else words)))
    labelled, said_of_value = flag_labels(row)
    for code, label in labelled:
        lines.append(f"{'⚠ ' if code in WARNING_FLAGS else ''}{wrap_html(label, 60)}")
    if said_of_value:
        lines.append(wrap_html(truncate(said_of_value, 240), 60))
    if row.get("country_note") is True:
        lines.append(tr("The EMCDDA has a country-specific note (*)"))
    if not is_missing(row.get("flag")):
        lines.append(tr("Flag in the source: {flag}", flag=esc(row["flag"])))
    return lines


# Flags that change how a value may be read (drawn as open markers, listed under the chart). Projections and
# national definitions are said in the hover only: they hold for whole series.
WARNING_FLAGS = ("rate_from_all_ages_deaths", "age_bands_exceed_sex_total", "age_bands_all_zero", "part_of_country",
                 "conflicts_with_programme_sources")


def flag_labels(row: Mapping[str, Any]) -> tuple[list[tuple[str, str]], str]:
    """(flag code, label) pairs and what is said of this value alone: value_note holds one label per code of
    quality_flags, in their order, then (national figures) the publisher and its definition."""
    codes = [code for code in str(row.get("quality_flags") or "").split(",") if code]
    parts = [] if is_missing(row.get("value_note")) else str(row["value_note"]).split("; ")
    return list(zip(codes, parts, strict=False)), "; ".join(parts[len(codes):])


def warning_labels(row: Mapping[str, Any]) -> list[str]:
    """The labels of the row's warning flags."""
    return [label for code, label in flag_labels(row)[0] if code in WARNING_FLAGS]


def flagged_countries(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Warning label -> the countries with a value carrying it, in order of first appearance."""
    by_label: dict[str, list[str]] = {}
    for row in rows:
        if is_missing(row.get("value")):
            continue
        for label in warning_labels(row):
            names = by_label.setdefault(label, [])
            if row["country"] not in names:
                names.append(row["country"])
    return by_label


def flag_footnote(rows: Sequence[Mapping[str, Any]], open_markers: bool) -> str | None:
    """'Open markers: flagged values (details in the hover): <label>: Germany.' for the values drawn."""
    by_label = flagged_countries(rows)
    if not by_label:
        return None
    lead = (tr("Open markers: flagged values (details in the hover).") if open_markers
            else tr("Flagged values (details in the hover)."))
    return f"{lead} " + " ".join(f"{label}: {join_names(names, limit=6)}." for label, names in by_label.items())


