"""A check as a chart of the registry (dashboard/charts.py, kind claim_check): the check of a view's rows, its
title, the rows its source line cites, its citation of the claim and its summary. A chart's build asks for the
check three times (draw, source line, summary); it is made once per table of rows."""

from __future__ import annotations

import threading
import weakref

import pandas as pd

from dashboard.claim_check.numbers import Check, check, claim_from_spec
from dashboard.claim_check.series import COUNTS, SERIES, SERIES_BY_ID, UNITS
from dashboard.figures.claim import VERDICT_LABELS, series_drawn
from dashboard.figures.formatting import join_names, records, truncate

CLAIM_QUOTE_CHARS = 140  # of the claim's quote in the source line: a slide keeps room for its plot
_LAST: list[tuple[weakref.ref, str, Check]] = []  # the last check made, for the rows it was made from
_LOCK = threading.Lock()


def check_of_rows(data: pd.DataFrame, spec: str) -> Check:
    """The check of a claim spec ('NOR,2015,81,per_million') on its claim_candidates rows."""
    with _LOCK:
        if _LAST and _LAST[0][0]() is data and _LAST[0][1] == spec:
            return _LAST[0][2]
    rows = records(data)
    country = next((row["place"] for row in rows if not row["is_part"]), spec.split(",")[0])
    made = check(None, claim_from_spec(spec, country), rows=rows)
    with _LOCK:
        _LAST[:] = [(weakref.ref(data), spec, made)]
    return made


def indicators() -> list[str]:
    return [series.indicator_id for series in SERIES]


def title(spec: str) -> str:
    _, year, value, unit, *counts = spec.split(",") if spec else ("", "", "", "deaths")
    counted = f" ({COUNTS[counts[0]]})" if counts else ""
    return f"Checking a claim: {value} {UNITS[unit][2]}{counted}, {year}"


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
    published = str(row["published"] or "date unknown").split(" (")[0]  # '2019-12 (not visible; ...)' -> '2019-12'
    quote = truncate(str(row["quote"]), CLAIM_QUOTE_CHARS)
    return f"The claim: {row['claimant']}, {row['outlet'].split(' (')[0]}, {published}: “{quote}” {where}."


def summary(data: pd.DataFrame, spec: str) -> str:
    """The chart in words (also its alt text): what is drawn, where the claim sits, and the verdict."""
    made = check_of_rows(data, spec)
    labels = list(dict.fromkeys(c.label for c in made.history if c.series in series_drawn(made)))
    drawn = f"Lines of {join_names(labels)} for {made.claim.country}" if labels else "No series"
    return (f"{drawn}, with the claimed {made.claim.value_text} {made.claim.unit_label} marked at "
            f"{made.claim.year}. Verdict: {VERDICT_LABELS[made.verdict]}. {made.summary}")
