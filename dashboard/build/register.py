"""The HAT register: programmes, their sources field by field, and how each is drawn."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from dashboard import sources
from dashboard.build.inputs import _int_or_none, norwegian
from dashboard.sources import SourceError

# The HAT register (data/reference/programmes.csv, programme_sources.csv, programme_claims.csv,
# programme_sites.csv).
PROGRAMME_TEXT_COLUMNS = ["programme_id", "country", "iso3", "city_or_sites", "programme_name", "programme_name_en",
                          "programme_type", "phase", "start_date", "end_date", "status", "status_as_of",
                          "patients_numeric_year", "patients_numeric_basis", "patients", "patients_note",
                          "capacity_note", "eligibility", "medication_form", "conflict_flag", "notes", "outcomes"]
PROGRAMME_NUMBER_COLUMNS = ["start_year", "end_year", "patients_numeric"]
# The register's prose, each with its Norwegian beside it (column_no); names, dates and codes are not translated.
PROGRAMME_TRANSLATED = ("city_or_sites", "programme_type", "status", "patients_numeric_basis", "patients",
                        "patients_note", "capacity_note", "eligibility", "medication_form", "conflict_flag", "notes",
                        "outcomes")
PROGRAMME_PHASES = ["trial", "pilot", "regular", "unsupervised_prescribing", "planned", "vetoed"]
PROGRAMME_SOURCE_COLUMNS = ["programme_id", "field", "source_title", "source_url", "source_kind", "quote",
                            "no_url_reason", "accessed"]
SITE_COLUMNS = ["programme_id", "site", "lat", "lon", "source_url"]
CLAIM_COLUMNS = ["claim_id", "programme_id", "field", "claimed_value", "claim_status", "source_title", "source_url",
                 "note", "no_url_reason"]
CLAIM_TRANSLATED = ("note",)


def display_group(programme: dict) -> str:
    """How a programme is drawn (colour and symbol on the map, timeline and trend): its phase, except that a
    programme with an end and an 'ended'/'closed' status is drawn as ended, and planned or vetoed ones alike."""
    phase = programme["phase"]
    if phase in ("planned", "vetoed"):
        return "planned/never implemented"
    if phase == "unsupervised_prescribing":
        return "unsupervised prescribing"
    if programme["end_year"] and programme["status"].lower().startswith(("ended", "closed")):
        return "ended"
    return phase


def _programmes_table(programmes: list[dict], programme_sources: list[dict]) -> pa.Table:
    """programmes.parquet: the register, with its distinct source titles and URLs (details per field are in
    programme_sources.parquet) and the group each programme is drawn in."""
    titles: dict[str, list[str]] = {}
    urls: dict[str, list[str]] = {}
    for row in programme_sources:
        for target, value in ((titles, row["source_title"]), (urls, row["source_url"])):
            listed = target.setdefault(row["programme_id"], [])
            if value and value not in listed:
                listed.append(value)
    return pa.table({
        **{column: pa.array([p[column] or None for p in programmes], pa.string())
           for column in [*PROGRAMME_TEXT_COLUMNS, *norwegian(PROGRAMME_TRANSLATED)]},
        "treated_patients": pa.array([p["treated_patients"] for p in programmes], pa.bool_()),
        "display_group": pa.array([display_group(p) for p in programmes], pa.string()),
        "start_year": pa.array([_int_or_none(p["start_year"]) for p in programmes], pa.int16()),
        "end_year": pa.array([_int_or_none(p["end_year"]) for p in programmes], pa.int16()),
        "patients_numeric": pa.array([_int_or_none(p["patients_numeric"]) for p in programmes], pa.int32()),
        "source_titles": pa.array([titles.get(p["programme_id"]) or None for p in programmes],
                                  pa.list_(pa.string())),
        "source_urls": pa.array([urls.get(p["programme_id"]) or None for p in programmes], pa.list_(pa.string())),
        "source_id": pa.array(["HAT-COMPILED"] * len(programmes), pa.string()),
    })



def _programme_sites_table(sites: list[dict], programmes: list[dict], geojson: dict, path: Path) -> pa.Table:
    """programme_sites.parquet: the named sites where a programme's map markers go (data/reference/
    programme_sites.csv). A programme without a row is drawn at its country's interior point. A site must lie
    inside its own country's shape on the map, so a typo in a coordinate cannot put a marker in a neighbour."""
    countries = {p["programme_id"]: p["iso3"] for p in programmes}
    shapes = {feature["id"]: feature["geometry"] for feature in geojson["features"]}
    seen: set[tuple[str, str]] = set()
    rows = []
    for number, site in enumerate(sites, start=2):
        programme_id, name = site["programme_id"], site["site"]
        if programme_id not in countries:
            raise SourceError(path, f"unknown programme {programme_id!r}", row=number, column="programme_id")
        if not name:
            raise SourceError(path, "a site needs a name", row=number, column="site")
        if (programme_id, name) in seen:
            raise SourceError(path, f"site {name!r} of {programme_id} listed twice", row=number, column="site")
        seen.add((programme_id, name))
        lat = sources.parse_number(site["lat"] or None, path, None, number, "lat")
        lon = sources.parse_number(site["lon"] or None, path, None, number, "lon")
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SourceError(path, "lat and lon must be degrees (-90..90, -180..180)", row=number, column="lat")
        if not site["source_url"]:
            raise SourceError(path, "every site needs a source for its coordinates", row=number,
                              column="source_url")
        shape = shapes.get(countries[programme_id])
        if shape is not None and not sources.contains(shape, lat, lon):
            raise SourceError(path, f"{name} ({lat}, {lon}) lies outside {countries[programme_id]} on the map",
                              row=number, column="lat")
        rows.append({"programme_id": programme_id, "site": name, "lat": lat, "lon": lon,
                     "source_url": site["source_url"]})
    return pa.table({"programme_id": pa.array([r["programme_id"] for r in rows], pa.string()),
                     "site": pa.array([r["site"] for r in rows], pa.string()),
                     "lat": pa.array([r["lat"] for r in rows], pa.float64()),
                     "lon": pa.array([r["lon"] for r in rows], pa.float64()),
                     "source_url": pa.array([r["source_url"] for r in rows], pa.string())})
