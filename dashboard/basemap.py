"""The base map's shapes: the GeoJSON shipped beside the extracts, read and checked once per version of the file,
and published for browsers under a URL that changes with its content.

On screen a map refers to the shapes by that URL: the browser fetches them once (plotly.js keeps them for the
page, the HTTP cache after) and each map figure carries only values, codes and styling (it was 340 KB a map).
Exports (offline HTML, images, slides) carry the shapes themselves.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

from dashboard import db, schema, settings
from dashboard.i18n import N_, tr

log = logging.getLogger(__name__)

FILE_NAME = schema.MAP_SHAPES
NOT_A_COLLECTION = N_("not a GeoJSON FeatureCollection with features")


@lru_cache(maxsize=4)
def _read_geojson(path: Path, modified_ns: int, size: int) -> dict:
    """Parsed once per version of the file (parsing it took 10% of the server's CPU under load)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not document.get("features"):
        raise ValueError(NOT_A_COLLECTION)
    return document


def _reason(error: Exception) -> str:
    """What went wrong, without the server's paths (an OSError's text names the file), in the reader's language
    (the operating system's own words for an OSError)."""
    if isinstance(error, FileNotFoundError):
        return tr("file is missing")
    if isinstance(error, OSError):
        return error.strerror or tr("cannot be opened")
    if isinstance(error, json.JSONDecodeError):
        return tr("not valid JSON (line {line}, column {column})", line=error.lineno, column=error.colno)
    return tr(str(error)) if str(error) == NOT_A_COLLECTION else str(error)


def load_geojson(connection: db.Connection) -> dict:
    """The map shapes shipped with the extracts (shared: never mutate); DataUnavailable if missing or unreadable."""
    path = connection.data_dir / FILE_NAME
    try:
        status = path.stat()
        return _read_geojson(path, status.st_mtime_ns, status.st_size)
    except (OSError, ValueError) as error:
        log.warning("map shapes %s cannot be read: %s", path, error)
        raise db.DataUnavailable(tr("{file}: map shapes cannot be read ({reason}). Rebuild the extracts with "
                                    "`python -m dashboard build`.", file=FILE_NAME, reason=_reason(error))) from None


def published_url(connection: db.Connection) -> str | None:
    """The URL of the map shapes on the app's static server, copying them there when their content is new; None
    when they cannot be published (a read-only static folder): the on-screen map then carries them inline."""
    path = connection.data_dir / FILE_NAME
    try:
        status = path.stat()
        return _publish(path, status.st_mtime_ns, status.st_size, settings.PUBLISHED_SHAPES_DIR)
    except OSError as error:
        log.warning("map shapes not published for browsers, sent inline instead: %s", error)
        return None


# Published copies kept: other workers or open pages may still use the shapes of the extracts before a rebuild.
KEEP_PUBLISHED = 4


@lru_cache(maxsize=4)
def _publish(path: Path, modified_ns: int, size: int, folder: Path) -> str:
    content = path.read_bytes()
    name = f"europe-{hashlib.sha256(content).hexdigest()[:16]}.json"  # .json: served as application/json
    target = folder / name
    if target.exists() and target.stat().st_size == len(content):
        os.utime(target)  # the newest copy is the one in use
    else:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{name}.{os.getpid()}.partial"
        partial.write_bytes(content)
        os.replace(partial, target)  # atomic: a browser never fetches half a file, workers may race
    _prune(folder)
    return f"{settings.APP_STATIC_URL}{folder.relative_to(settings.STATIC_DIR).as_posix()}/{name}"


def _prune(folder: Path) -> None:
    dated = []
    for copy in folder.glob("europe-*.json"):
        try:
            dated.append((copy.stat().st_mtime_ns, copy))
        except OSError:  # another worker pruned it first
            continue
    for _, old in sorted(dated, reverse=True)[KEEP_PUBLISHED:]:
        old.unlink(missing_ok=True)
