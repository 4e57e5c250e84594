"""A check as a chart of the registry (dashboard/charts.py, kind claim_check): the check of a view's rows, its
title, the rows its source line cites, its citation of the claim and its summary. A chart's build asks for the
check three times (draw, source line, summary); it is made once per table of rows."""

from __future__ import annotations

import threading
import weakref

import pandas as pd

from dashboard import i18n
from dashboard.claim_check.numbers import Check, check, claim_from_spec, printed
from dashboard.claim_check.series import COUNTS, SERIES, SERIES_BY_ID, UNITS
from dashboard.figures.claim import series_drawn, verdict_label
from dashboard.figures.formatting import join_names, records, truncate
from dashboard.i18n import tr

CLAIM_QUOTE_CHARS = 140  # of the claim's quote in the source line: a slide keeps room for its plot
_LAST: list[tuple[weakref.ref, str, str, Check]] = []  # the last check made: its rows, spec and language
_LOCK = threading.Lock()


def check_of_rows(data: pd.DataFrame, spec: str) -> Check:
    """The check of a claim spec ('NOR,2015,81,per_million') on its claim_candidates rows, in the language in
    force (its reason's words)."""
    lang = i18n.current()
    with _LOCK:
        if _LAST and _LAST[0][0]() is data and _LAST[0][1:3] == (spec, lang):
            return _LAST[0][3]
    rows = records(data)
    country = next((row["place"] for row in rows if not row["is_part"]), spec.split(",")[0])
    made = check(None, claim_from_spec(spec, country), rows=rows)
    with _LOCK:
        _LAST[:] = [(weakref.ref(data), spec, lang, made)]
    return made


def indicators() -> list[str]:
    return [series.indicator_id for series in SERIES]


def title(spec: str) -> str:
    _, year, value, unit, *counts = spec.split(",") if spec else ("", "", "", "deaths")
    counted = f" ({tr(COUNTS[counts[0]])})" if counts else ""
    return tr("Checking a claim: {value} {unit}{counted}, {year}", value=printed(value) if value else value,
              unit=tr(UNITS[unit][2]), counted=counted, year=year)


def rows_drawn(data: pd.DataFrame, spec: str) -> pd.DataFrame:
    """The rows of the series the chart draws (figures.claim), whose sources its source line names."""
    made = check_of_rows(data, spec)
    places = {candidate.series: candidate.iso3 for candidate in made.history}
    wanted = {(places[series], SERIES_BY_ID[series].indicator_id) for series in series_drawn(made)
              if series in places}
    keep = [(iso3, indicator) in wanted for iso3, indicator in zip(data["iso3"], data["indicator_id"], strict=True)]
    return data[keep]


def citation(context: pd.DataFrame | None) -> str:
    """'The claim: who, outlet, published: "quote" URL' from the register row, or nothing."""
    if context is None or context.empty:
        return ""
    row = records(context)[0]
    where = row["url"] or row["no_url_reason"]
    published = str(row["published"] or tr("date unknown")).split(" (")[0]  # '2019-12 (not visible; ...)' -> '2019-12'
    quote = truncate(str(row["quote"]), CLAIM_QUOTE_CHARS)  # in its own language: a quotation
    return tr("The claim: {claimant}, {outlet}, {published}: “{quote}” {where}.", claimant=row["claimant"],
              outlet=row["outlet"].split(" (")[0], published=published, quote=quote, where=where)


def summary(data: pd.DataFrame, spec: str) -> str:
    """The chart in words (also its alt text): what is drawn, where the claim sits, and the verdict."""
    made = check_of_rows(data, spec)
    labels = list(dict.fromkeys(c.label for c in made.history if c.series in series_drawn(made)))
    drawn = (tr("Lines of {series} for {country}", series=join_names(labels), country=made.claim.country)
             if labels else tr("No series"))
    return tr("{drawn}, with the claimed {value} {unit} marked at {year}. Verdict: {verdict}. {summary}",
              drawn=drawn, value=made.claim.value_shown, unit=made.claim.unit_label, year=made.claim.year,
              verdict=verdict_label(made.verdict), summary=made.summary)
