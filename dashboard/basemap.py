"""The base map's shapes: the GeoJSON shipped beside the extracts, read and checked once per version of the file."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from dashboard import db, schema

FILE_NAME = schema.MAP_SHAPES


@lru_cache(maxsize=4)
def _read_geojson(path: Path, modified_ns: int, size: int) -> dict:
    """Parsed once per version of the file (parsing it took 10% of the server's CPU under load)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not document.get("features"):
        raise ValueError("not a GeoJSON FeatureCollection with features")
    return document


def load_geojson(connection: db.Connection) -> dict:
    """The map shapes shipped with the extracts (shared: never mutate); DataUnavailable if missing or unreadable."""
    path = connection.data_dir / FILE_NAME
    try:
        status = path.stat()
        return _read_geojson(path, status.st_mtime_ns, status.st_size)
    except (OSError, ValueError) as error:
        raise db.DataUnavailable(f"{path}: map shapes cannot be read ({error}). "
                                 f"Rebuild the extracts with `python -m dashboard build`.") from None
