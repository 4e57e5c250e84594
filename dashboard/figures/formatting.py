"""Numbers and text for hover labels, chart text and summaries: one way to format each thing."""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard.i18n import ntr, number, percent, tr


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as plain dicts of Python values, missing values as None.

    Through Arrow: five times faster than DataFrame.to_dict('records') on the query results' Arrow-backed columns,
    which mattered on every chart built under load.
    """
    return pa.Table.from_pandas(frame, preserve_index=False).to_pylist()


def is_list(value: Any) -> bool:
    """True for a list cell (a list, tuple or the array DuckDB hands for VARCHAR[]), not for text."""
    return hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict))


def is_missing(value: Any) -> bool:
    """True for None, NaN and pd.NA (and anything else pandas treats as missing)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def is_rate_unit(unit: str | None) -> bool:
    """Rates, ages and indices get one decimal; everything else is a count with thousands separators."""
    return bool(re.search(r"\bper\b|\byears\b|%|\bindex\b", (unit or "").lower()))


def format_value(value: Any, unit: str | None) -> str:
    """'3,256' for counts, '81.8' for rates ('3 256' and '81,8' in Norwegian); 'no value' when missing."""
    if is_missing(value):
        return tr("no value")
    return number(float(value), 1 if is_rate_unit(unit) else 0)


def format_change(change: Any, change_pct: Any, unit: str | None) -> str:
    """'+12 (+5.3%)' or '-2.7 (-3.2%)'; the percentage is left out when there is none (previous value 0)."""
    if is_missing(change):
        return tr("no change available")
    text = number(float(change), 1 if is_rate_unit(unit) else 0, sign=True)
    if not is_missing(change_pct):
        text += f" ({percent(float(change_pct), 1, sign=True)})"
    return text


def join_names(names: Iterable[str], limit: int = 12) -> str:
    """'A', 'A and B', 'A, B and C'; long lists end '... and 7 more'."""
    items = [str(name) for name in names]
    if len(items) > limit:
        rest = len(items) - limit + 1
        items = items[: limit - 1] + [ntr("{n} more", "{n} more", rest)]
    if len(items) <= 1:
        return "".join(items)
    return tr("{items} and {last}", items=", ".join(items[:-1]), last=items[-1])


def esc(text: Any) -> str:
    """Escape free text for Plotly's HTML-like labels."""
    return html.escape("" if is_missing(text) else str(text), quote=False)


@lru_cache(maxsize=8192)
def wrap_lines(text: str, width: float) -> tuple[str, ...]:
    """Wrap plain text into lines of at most `width` characters (never splitting words).

    Cached: the same source citation is wrapped for every point of a chart's hover text."""
    return tuple(textwrap.wrap(text, width=int(width), break_long_words=False, break_on_hyphens=False)) or ("",)


def wrap_html(text: Any, width: float = 60) -> str:
    """Escaped and wrapped with <br> for hover labels."""
    return "<br>".join(esc(line) for line in wrap_lines("" if is_missing(text) else str(text), width))


def truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def year_of(value: Any) -> int | None:
    """A year as int, or None when missing or not a number ('~2022' -> 2022)."""
    if is_missing(value):
        return None
    if isinstance(value, str):
        match = re.search(r"\d{4}", value)
        return int(match.group()) if match else None
    return int(value)


def source_line_for(sources: Iterable[Any], extra: Sequence[str] = ()) -> str:
    """'Source: A; B. extra' from the distinct, non-empty source attributions in order of first appearance."""
    seen: list[str] = []
    for source in sources:
        if not is_missing(source) and str(source).strip() and str(source).strip() not in seen:
            seen.append(str(source).strip())
    text = tr("Source: {sources}.", sources="; ".join(s.rstrip(".") for s in seen)) if seen else tr(
        "Source: not recorded.")
    return " ".join([text, *extra])


