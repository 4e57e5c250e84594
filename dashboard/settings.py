"""Every setting in one place: name, default and what it is for."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO_ROOT / "queries"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
STATIC_DIR = REPO_ROOT / "static"
TOPOJSON_DIR = STATIC_DIR / "topojson"
# Raw sources for rebuilding; CI and developers keep ../shared beside the repository.
SHARED_DATA_DIR = Path(os.environ.get("DPA_SOURCE_DIR", REPO_ROOT.parent / "shared" / "data"))
# The extracts shipped in the repository, and the ones the app reads: point DPA_DATA_DIR at another folder
# (synthetic scaled extracts, the tests' fixture extracts) to use it.
SHIPPED_DATA_DIR = REPO_ROOT / "data" / "extracts"
DATA_DIR = Path(os.environ.get("DPA_DATA_DIR", SHIPPED_DATA_DIR)).resolve()
REBUILD_COMMAND = "python -m dashboard build"
# Where the app's own Streamlit static server publishes static/ (server.enableStaticServing): the topojson, and
# the map shapes of the extracts, copied there under a name that changes with their content (dashboard/basemap.py).
APP_STATIC_URL = "/app/static/"
TOPOJSON_URL = APP_STATIC_URL + "topojson/"
PUBLISHED_SHAPES_DIR = STATIC_DIR / "shapes"
