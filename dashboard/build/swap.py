"""Write the extracts to a staging folder, check the contracts, swap the folder in atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import contracts, schema
from dashboard.build.inputs import BuildError

ROW_GROUP_SIZE = 262_144
EXTRACT_FILES = list(schema.FILES)



def write_tables(tables: dict[str, pa.Table | dict], folder: Path) -> None:
    for name, table in tables.items():
        path = folder / name
        if name.endswith(".geojson"):
            path.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        else:
            # No pandas metadata and fixed settings, so the same inputs give the same bytes. Row groups of 256 Ki
            # rows: facts is sorted by indicator_id and iso3, so min/max statistics skip most groups, and DuckDB
            # pays a fixed cost per row group per filtered column, which made 64 K-row groups about 2x slower per
            # query at 100 M rows (docs/performance.md). Today's facts (25 K rows) fit in one group either way.
            pq.write_table(schema.conform(name, table), path, compression="zstd", row_group_size=ROW_GROUP_SIZE,
                           write_statistics=True)


_RENAME_EXCHANGE = 2


def exchange_directories(first: Path, second: Path) -> None:
    """Atomically swap two directories (Linux renameat2); fall back to two renames elsewhere."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd = -100
        if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            return
    parked = second.with_name(second.name + ".old")
    os.replace(second, parked)
    os.replace(first, second)
    os.replace(parked, first)


STAGING_PREFIX = ".extracts-build-"
# A staging folder older than this is a killed build's leftover (a build takes seconds; at 100 M rows, minutes).
LEFTOVER_AFTER_S = 3600


def remove_leftovers(parent: Path, now: float | None = None) -> list[Path]:
    """Remove the staging folders that killed builds left beside the extracts (each a full set of extracts:
    about 140 MB at 100 M rows); a recent one may be another build's at work and is kept."""
    now = time.time() if now is None else now
    removed = []
    for folder in parent.glob(f"{STAGING_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > LEFTOVER_AFTER_S:
                shutil.rmtree(folder)
                removed.append(folder)
        except OSError:  # gone meanwhile, or not ours to remove: the build goes on
            continue
    return removed


def publish(tables: dict[str, pa.Table | dict], out_dir: Path) -> None:
    """Write to a temporary folder beside out_dir, validate, then swap it in; nothing is half-written."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out_dir.parent)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir.parent))
    try:
        write_tables(tables, staging)
        problems = contracts.check(staging)
        if problems:
            raise BuildError("data contracts failed; previous extracts kept:\n  " + "\n  ".join(problems))
        for path in staging.iterdir():
            os.chmod(path, 0o644)
        os.chmod(staging, 0o755)
        if out_dir.exists():
            exchange_directories(staging, out_dir)  # staging now holds the old extracts
        else:
            os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

