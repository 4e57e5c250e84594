"""How heroin-assisted treatment programmes are grouped, dated, named and described on every chart."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from dashboard import i18n
from dashboard.figures.formatting import esc, is_list, is_missing, truncate, wrap_html, year_of
from dashboard.i18n import N_, ntr, tr

# Markers at one place (programmes at the same site or the same country's interior point) are spread on a small
# circle round it, so none hides another (degrees of latitude; small enough to stay inside the country).
MARKER_SPREAD_DEG = 0.45
PHASES = ("trial", "pilot", "regular", "ended", "unsupervised prescribing", "planned/never implemented")
PHASE_STYLES: dict[str, dict[str, str]] = {
    "trial": {"label": N_("Trial"), "colour": "#56B4E9", "symbol": "circle"},
    "pilot": {"label": N_("Pilot"), "colour": "#CC79A7", "symbol": "diamond"},
    "regular": {"label": N_("Regular treatment"), "colour": "#009E73", "symbol": "square"},
    "ended": {"label": N_("Ended"), "colour": "#E69F00", "symbol": "triangle-down"},
    # The UK's 'British system' (since 1926): take-home prescribing by licensed doctors, not supervised HAT.
    "unsupervised prescribing": {"label": N_("Unsupervised (not HAT)"), "colour": "#D55E00",
                                 "symbol": "star"},
    "planned/never implemented": {"label": N_("Never implemented"), "colour": "#999999", "symbol": "x"},
}
# The groups a map of one year draws (queries/programme_markers.sql, map_group): a programme that never ran is
# not on any year's map.
MAP_GROUPS = ("trial", "pilot", "regular", "unsupervised prescribing", "ended")
# The register's status when it is one word of this set (else its own prose, as written).
STATUS_WORDS = {"ongoing": N_("ongoing"), "ended": N_("ended"), "closed": N_("closed")}


def phase_label(phase: str) -> str:
    """A group's name as the reader reads it ('Regular treatment', 'Ordinær behandling')."""
    return tr(PHASE_STYLES[phase]["label"])


def status_text(status: Any) -> str:
    """The register's status, in the reader's language when it is one of STATUS_WORDS."""
    text = "" if is_missing(status) else str(status)
    return tr(STATUS_WORDS[text]) if text in STATUS_WORDS else text


def programme_phase(programme: Mapping[str, Any]) -> str:
    """The group a programme is drawn in: the build's `display_group` (dashboard/build/register.py, display_group)."""
    group = programme.get("display_group")
    return group if isinstance(group, str) and group in PHASE_STYLES else "pilot"


def is_regular(programme: Mapping[str, Any]) -> bool:
    return programme.get("phase") == "regular"


def project_word(programme: Mapping[str, Any]) -> str:
    """'pilot' or 'trial', for band labels of time-limited programmes."""
    return "pilot" if programme.get("phase") == "pilot" else "trial"


def project_label(programme: Mapping[str, Any]) -> str:
    """'HAT pilot' or 'HAT trial' in the reader's language (a band's label on the trend, the map's key)."""
    return tr("HAT pilot") if project_word(programme) == "pilot" else tr("HAT trial")


def programme_years_text(start_year: Any, end_year: Any) -> str:
    """'2002–2006', 'since 2022', 'year not established' or 'start year not established, until 1997'."""
    start, end = year_of(start_year), year_of(end_year)
    if start is not None and end is not None:
        return i18n.year_range(start, end)
    if start is not None:
        return tr("since {year}", year=start)
    if end is not None:
        return tr("start year not established, until {year}", year=end)
    return tr("year not established")


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
        return i18n.number(int(number)) + (f" ({'; '.join(details)})" if details else "")
    if not is_missing(row.get("patients")):
        return tr("as reported: {patients}", patients=row["patients"])
    return tr("not reported")


def programme_hover(row: Mapping[str, Any], phase: str, site: str | None = None) -> str:
    status = status_text(row.get("status"))
    if not is_missing(row.get("status_as_of")):
        status += tr(" (as of {date})", date=row["status_as_of"])
    sources = source_list(row.get("source_titles"))
    source = wrap_html(sources[0], 70) if sources else tr("not recorded")
    if len(sources) > 1:
        source += " (+" + ntr("{n} more", "{n} more", len(sources) - 1) + ")"
    lines = [
        f"<b>{wrap_html(row.get('programme_name'), 60)}</b>",
        f"{esc(row.get('country'))}: {wrap_html(truncate(str(row.get('city_or_sites') or ''), 140), 60)}",
        tr("Years: {years}", years=esc(programme_years_text(row.get("start_year"), row.get("end_year")))),
        tr("Status: {status}", status=wrap_html(status, 70)),
        tr("Group: {group}", group=esc(phase_label(phase))),
        *([esc(site)] if site else []),
        tr("Patients: {patients}", patients=wrap_html(_patients_text(row), 70)),
        tr("Source: {source}", source=source),
    ]
    if not is_missing(row.get("conflict_flag")) and str(row["conflict_flag"]).strip():
        lines.append(tr("⚠ Sources disagree: {conflict}",
                        conflict=wrap_html(truncate(str(row["conflict_flag"]), 240), 70)))
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
