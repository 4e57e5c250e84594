"""Build the Parquet extracts in data/extracts from the raw sources, validate them, then swap them in.

Run: python -m dashboard build [--source-dir ../shared/data] [--emcdda-dir DIR --emcdda-edition 2020]

One module per step: inputs (where the sources are, reading the reference CSVs), facts, deaths (the derived
total and rates, SQL in queries/build/), provenance (the EMCDDA sources rows), national (national figures as
published), register (the HAT register), pipeline (build_tables: the steps put together), swap (staging folder,
contracts, atomic swap).
"""

from __future__ import annotations

import time
from pathlib import Path

from dashboard import settings
from dashboard.build.inputs import BuildError, BuildInputs
from dashboard.build.pipeline import build_tables
from dashboard.build.register import display_group
from dashboard.build.swap import EXTRACT_FILES, exchange_directories, publish
from dashboard.sources import SourceError

__all__ = ["EXTRACT_FILES", "BuildError", "BuildInputs", "add_arguments", "build_tables", "display_group",
           "exchange_directories", "main", "publish", "run"]


def run(inputs: BuildInputs, out_dir: Path) -> dict[str, int]:
    """Build and publish; returns row counts per extract."""
    try:
        tables = build_tables(inputs)
    except SourceError as error:
        raise BuildError(f"cannot read source: {error}") from None
    publish(tables, out_dir)
    return {name: (len(t["features"]) if isinstance(t, dict) else t.num_rows) for name, t in tables.items()}


def main(args) -> int:
    source_dir = Path(args.source_dir)
    inputs = BuildInputs.from_source_dir(source_dir, Path(args.emcdda_dir) if args.emcdda_dir else None,
                                         args.emcdda_edition)
    started = time.perf_counter()
    try:
        counts = run(inputs, Path(args.out))
    except BuildError as error:
        print(f"build failed: {error}", flush=True)
        return 1
    except OSError as error:  # a full or read-only disk: one line, and the previous extracts are untouched
        where = error.filename or args.out
        print(f"build failed: cannot write {where}: {error.strerror or error}; previous extracts kept", flush=True)
        return 1
    for name, count in counts.items():
        print(f"{name:26} {count:>7} rows")
    print(f"built {args.out} in {time.perf_counter() - started:.1f} s")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--source-dir", default=str(settings.SHARED_DATA_DIR),
                        help="folder holding the raw sources in the ../shared/data layout")
    parser.add_argument("--emcdda-dir", help="folder with EMCDDA workbooks (drugDeaths/, socialResponses/, ...)")
    parser.add_argument("--emcdda-edition", default="2019", help="Statistical Bulletin edition of those workbooks")
    parser.add_argument("--out", default=str(settings.DATA_DIR), help="extracts folder to replace")


