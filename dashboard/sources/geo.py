"""The Natural Earth GeoJSON of the map, and where each country's marker goes."""

from __future__ import annotations

import json
from pathlib import Path

from dashboard.sources.cells import SourceError


def read_geojson(path: Path) -> dict:
    if not path.is_file():
        raise SourceError(path, "file not found")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(path, f"not valid GeoJSON: {error}") from None
    if (not isinstance(document, dict) or document.get("type") != "FeatureCollection"
            or not isinstance(document.get("features"), list) or not document["features"]):
        raise SourceError(path, "expected a non-empty FeatureCollection")
    for number, feature in enumerate(document["features"], start=1):
        if not isinstance(feature, dict) or not feature.get("id") or not isinstance(feature.get("geometry"), dict):
            raise SourceError(path, f"feature {number} has no id or geometry")
        if feature["geometry"].get("type") not in ("Polygon", "MultiPolygon"):
            raise SourceError(path, f"feature {number} ({feature['id']}): expected a Polygon or MultiPolygon")
        # The build places each country's map marker at its centroid; fail here, naming the file, if it has none.
        try:
            centroid(feature["geometry"])
        except (IndexError, KeyError, TypeError, ValueError) as error:
            raise SourceError(path, f"feature {number} ({feature['id']}): unusable polygon ({error})") from None
    return document


def centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the largest polygon: where a country's map marker goes."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    best = None
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if area and (best is None or abs(area) > abs(best[0])):
            best = (area, cx / (3 * area), cy / (3 * area))
    if best is None:
        raise ValueError("geometry has no area")
    return round(best[2], 4), round(best[1], 4)
