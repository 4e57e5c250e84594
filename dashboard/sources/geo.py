"""The Natural Earth GeoJSON of the map, and where each country's markers go."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

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
        # The build places each country's map markers at an interior point; fail here, naming the file, if none.
        try:
            if not any(_ring_area(polygon[0]) > 0 for polygon in _polygons(feature["geometry"])):
                raise ValueError("geometry has no area")
        except (IndexError, KeyError, TypeError, ValueError) as error:
            raise SourceError(path, f"feature {number} ({feature['id']}): unusable polygon ({error})") from None
    return document


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]


def _ring_area(ring: list[list[float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2


def _inside(lon: np.ndarray, lat: np.ndarray, polygon: list[list[list[float]]]) -> np.ndarray:
    """Even-odd rule over all rings of one polygon (holes included), for many points at once."""
    inside = np.zeros(lon.shape, dtype=bool)
    for ring in polygon:
        xy = np.asarray(ring, dtype=float)
        x0, y0, x1, y1 = xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]
        crosses = (y0[None, :] > lat[:, None]) != (y1[None, :] > lat[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x0 + (lat[:, None] - y0) * (x1 - x0) / (y1 - y0)
        inside ^= (crosses & (lon[:, None] < x_at)).sum(axis=1) % 2 == 1
    return inside


def _edge_distance(lon: np.ndarray, lat: np.ndarray, polygon: list[list[list[float]]]) -> np.ndarray:
    """Distance in degrees of latitude (longitude scaled by cos(latitude)) from each point to the nearest edge."""
    scale = np.cos(np.radians(lat))[:, None]
    best = np.full(lon.shape, np.inf)
    for ring in polygon:
        xy = np.asarray(ring, dtype=float)
        x0, y0 = xy[:-1, 0][None, :], xy[:-1, 1][None, :]
        dx, dy = (xy[1:, 0] - xy[:-1, 0])[None, :], (xy[1:, 1] - xy[:-1, 1])[None, :]
        px, py = (lon[:, None] - x0) * scale, lat[:, None] - y0
        sx = dx * scale
        length = sx * sx + dy * dy
        t = np.clip(np.where(length > 0, (px * sx + py * dy) / np.where(length > 0, length, 1), 0), 0, 1)
        best = np.minimum(best, np.sqrt((px - t * sx) ** 2 + (py - t * dy) ** 2).min(axis=1))
    return best


def interior_point(geometry: dict) -> tuple[float, float]:
    """A point (lat, lon) well inside the country's largest polygon, where its map markers go.

    Not the centroid: Norway's lies in Sweden. The point is the one farthest from the polygon's edges found by a
    grid search refined three times round the best point (a pole of inaccessibility to about 1 km).
    """
    polygons = [p for p in _polygons(geometry) if p and len(p[0]) >= 4]
    if not polygons:
        raise ValueError("geometry has no area")
    polygon = max(polygons, key=lambda p: _ring_area(p[0]))
    outer = np.asarray(polygon[0], dtype=float)
    lon_min, lat_min = outer.min(axis=0)
    lon_max, lat_max = outer.max(axis=0)
    if not (lon_max > lon_min and lat_max > lat_min):
        raise ValueError("geometry has no area")
    best = None
    half_lon, half_lat = (lon_max - lon_min) / 2, (lat_max - lat_min) / 2
    centre_lon, centre_lat = lon_min + half_lon, lat_min + half_lat
    for _ in range(4):
        grid_lon, grid_lat = np.meshgrid(np.linspace(centre_lon - half_lon, centre_lon + half_lon, 31),
                                         np.linspace(centre_lat - half_lat, centre_lat + half_lat, 31))
        lon, lat = grid_lon.ravel(), grid_lat.ravel()
        inside = _inside(lon, lat, polygon)
        if inside.any():
            lon, lat = lon[inside], lat[inside]
            distance = _edge_distance(lon, lat, polygon)
            i = int(distance.argmax())
            if best is None or distance[i] > best[0]:
                best = (float(distance[i]), float(lat[i]), float(lon[i]))
        if best is None:
            raise ValueError("no grid point falls inside the polygon")
        centre_lat, centre_lon = best[1], best[2]
        half_lon, half_lat = half_lon / 6, half_lat / 6
    return round(best[1], 4), round(best[2], 4)


def contains(geometry: dict, lat: float, lon: float) -> bool:
    """Whether the point lies inside the (Multi)Polygon."""
    lon_arr, lat_arr = np.array([lon], dtype=float), np.array([lat], dtype=float)
    return any(bool(_inside(lon_arr, lat_arr, polygon)[0]) for polygon in _polygons(geometry) if polygon)
