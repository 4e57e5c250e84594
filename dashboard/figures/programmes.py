"""How heroin-assisted treatment programmes are grouped, dated, named and described on every chart."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from dashboard.figures.formatting import esc, is_list, is_missing, truncate, wrap_html, year_of

# Markers at one place (programmes at the same site or the same country's interior point) are spread on a small
# circle round it, so none hides another (degrees of latitude; small enough to stay inside the country).
MARKER_SPREAD_DEG = 0.45
PHASES = ("trial", "pilot", "regular", "ended", "unsupervised prescribing", "planned/never implemented")
PHASE_STYLES: dict[str, dict[str, str]] = {
    "trial": {"label": "Trial", "colour": "#56B4E9", "symbol": "circle"},
    "pilot": {"label": "Pilot", "colour": "#CC79A7", "symbol": "diamond"},
    "regular": {"label": "Regular treatment", "colour": "#009E73", "symbol": "square"},
    "ended": {"label": "Ended", "colour": "#E69F00", "symbol": "triangle-down"},
    # The UK's 'British system' (since 1926): take-home prescribing by licensed doctors, not supervised HAT.
    "unsupervised prescribing": {"label": "Unsupervised (not HAT)", "colour": "#D55E00",
                                 "symbol": "star"},
    "planned/never implemented": {"label": "Never implemented", "colour": "#999999", "symbol": "x"},
}
# The groups a map of one year draws (queries/programme_markers.sql, map_group): a programme that never ran is
# not on any year's map.
MAP_GROUPS = ("trial", "pilot", "regular", "unsupervised prescribing", "ended")



def programme_phase(programme: Mapping[str, Any]) -> str:
    """The group a programme is drawn in: the build's `display_group` (dashboard/build/register.py, display_group)."""
    group = programme.get("display_group")
    return group if isinstance(group, str) and group in PHASE_STYLES else "pilot"


def is_regular(programme: Mapping[str, Any]) -> bool:
    return programme.get("phase") == "regular"


def project_word(programme: Mapping[str, Any]) -> str:
    """'pilot' or 'trial', for band labels of time-limited programmes."""
    return "pilot" if programme.get("phase") == "pilot" else "trial"


def programme_years_text(start_year: Any, end_year: Any) -> str:
    """'2002–2006', 'since 2022', 'year not established' or 'start year not established, until 1997'."""
    start, end = year_of(start_year), year_of(end_year)
    if start is not None and end is not None:
        return f"{start}–{end}" if end != start else str(start)
    if start is not None:
        return f"since {start}"
    if end is not None:
        return f"start year not established, until {end}"
    return "year not established"


def short_name(name: Any, length: int = 30) -> str:
    """The part of a programme name before its explanation: 'PROVE', 'German heroin model project'."""
    text = "" if is_missing(name) else str(name)
    text = re.split(r" \(| - | – | / ", text, maxsplit=1)[0].strip()
    return truncate(text, length)


def source_list(value: Any) -> list[str]:
    """A list column (source_titles, source_urls) as a Python list: DuckDB hands arrays, missing is empty."""
    if not is_list(value):
        return [] if is_missing(value) else [str(value)]
    return [str(item) for item in value]


def _patients_text(row: Mapping[str, Any]) -> str:
    number = row.get("patients_numeric")
    if not is_missing(number):
        details = [str(row[key]) for key in ("patients_numeric_basis", "patients_numeric_year")
                   if not is_missing(row.get(key))]
        return f"{int(number):,}" + (f" ({'; '.join(details)})" if details else "")
    if not is_missing(row.get("patients")):
        return f"as reported: {row['patients']}"
    return "not reported"


def programme_hover(row: Mapping[str, Any], phase: str, site: str | None = None) -> str:
    status = esc(row.get("status"))
    if not is_missing(row.get("status_as_of")):
        status += f" (as of {esc(row['status_as_of'])})"
    sources = source_list(row.get("source_titles"))
    lines = [
        f"<b>{wrap_html(row.get('programme_name'), 60)}</b>",
        f"{esc(row.get('country'))}: {wrap_html(truncate(str(row.get('city_or_sites') or ''), 140), 60)}",
        f"Years: {esc(programme_years_text(row.get('start_year'), row.get('end_year')))}",
        f"Status: {wrap_html(str(status), 70)}",
        f"Group: {PHASE_STYLES[phase]['label']}",
        *([esc(site)] if site else []),
        f"Patients: {wrap_html(_patients_text(row), 70)}",
        f"Source: {wrap_html(sources[0], 70) if sources else 'not recorded'}"
        + (f" (+{len(sources) - 1} more)" if len(sources) > 1 else ""),
    ]
    if not is_missing(row.get("conflict_flag")) and str(row["conflict_flag"]).strip():
        lines.append(f"⚠ Sources disagree: {wrap_html(truncate(str(row['conflict_flag']), 240), 70)}")
    return "<br>".join(lines)


def geojson_ids(geojson: Mapping[str, Any]) -> list[str]:
    return [str(feature.get("id")) for feature in geojson.get("features", []) if feature.get("id") is not None]


def marker_positions(rows: list[Mapping[str, Any]]) -> list[tuple[float, float]]:
    """Each marker at its lat/lon; markers sharing one place sit on a small circle round it."""
    places: dict[tuple[float, float], list[int]] = {}
    for index, row in enumerate(rows):
        places.setdefault((float(row["lat"]), float(row["lon"])), []).append(index)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(rows)
    for (lat, lon), members in places.items():
        for order, index in enumerate(members):
            if len(members) == 1:
                positions[index] = (round(lat, 4), round(lon, 4))
                continue
            angle = math.pi / 2 + 2 * math.pi * order / len(members)  # the first straight north of the place
            positions[index] = (round(lat + MARKER_SPREAD_DEG * math.sin(angle), 4),
                                round(lon + MARKER_SPREAD_DEG * math.cos(angle)
                                      / max(math.cos(math.radians(lat)), 0.2), 4))
    return positions
