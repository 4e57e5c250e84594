"""The one connection factory and the one query runner: a locked-down DuckDB over the Parquet extracts."""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from dashboard import i18n, schema, settings
from dashboard.i18n import N_, tr

# Every extract the app reads, declared once in dashboard/schema.py: view name -> file, grain, columns and types.
EXTRACTS = schema.EXTRACTS
_QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)?$")
# A query reads at most this many rows back into Python; more means a query or input is wrong.
MAX_ROWS = 2_000_000

log = logging.getLogger(__name__)


class Problem(str):
    """What is wrong with the extracts: English as a str (the server log, Connection.broken, the tests), and in
    the reader's language through shown(). Fields that are Problems (or tuples of them) are said in it too."""

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, **fields: object) -> Problem:
        made = super().__new__(cls, template.format(**{key: _joined(value, str) for key, value in fields.items()}))
        made.template, made.fields = template, fields
        return made

    def shown(self) -> str:
        return tr(self.template, **{key: _joined(value, shown) for key, value in self.fields.items()})


def _joined(value: object, say) -> object:
    return "; ".join(say(part) for part in value) if isinstance(value, tuple) else say(value)


def shown(text: object) -> str:
    """A problem or a DataUnavailable in the reader's language; any other text as it is."""
    if isinstance(text, DataUnavailable):
        text = text.args[0] if text.args else ""
    return text.shown() if isinstance(text, Problem) else str(text)


class DataUnavailable(Exception):
    """An extract a query needs is missing or broken; the message says which file (by name: users never see the
    server's folders) and how to rebuild. str(error) is English; shown(error) the reader's language."""


@dataclass
class Connection:
    """A locked-down DuckDB connection plus what is wrong with the extracts, if anything."""

    duck: duckdb.DuckDBPyConnection
    data_dir: Path
    broken: dict[str, str] = field(default_factory=dict)  # view name -> problem
    lock: threading.Lock = field(default_factory=threading.Lock)
    # view name -> (file's (mtime, size) when last checked, whether it was read in full then)
    checked: dict[str, tuple[tuple[int, int] | None, bool]] = field(default_factory=dict)


def _sql_string(text: str) -> str:
    """Quote one of our own file paths as a SQL literal (never used for user input)."""
    return "'" + text.replace("'", "''") + "'"


def connect(data_dir: Path | None = None, threads: int = 2, memory_limit: str = "1GB") -> Connection:
    """Open an in-memory DuckDB that can only read the registered extracts in data_dir."""
    data_dir = Path(data_dir or settings.DATA_DIR).resolve()
    duck = duckdb.connect(":memory:", config={
        "threads": threads, "memory_limit": memory_limit,
        "autoinstall_known_extensions": False, "autoload_known_extensions": False,
        "allow_community_extensions": False,
        # DuckDB spills to '.tmp' in the working directory by default and lets the connection read and write
        # there, even locked (a COPY TO of the facts, an ATTACH): it gets a folder of this process's own instead.
        "temp_directory": _spill_directory(),
    })
    paths = {view: str(data_dir / extract.file) for view, extract in EXTRACTS.items()}
    duck.execute("SET allowed_paths = [" + ", ".join(_sql_string(p) for p in paths.values()) + "]")
    duck.execute("SET enable_external_access = false")
    # Keep each file's Parquet footer (schema, per-row-group min/max statistics) in memory instead of reading and
    # parsing it again for every query; DuckDB reads it anew when the file's modification time changes.
    duck.execute("SET parquet_metadata_cache = true")
    # DuckDB 2.0's partitioned_execution rewrites a GROUP BY over the sorted facts into one branch per range of
    # indicator_id, but leaves each range as a filter above a full scan: the catalog query read all 100 M rows
    # nine times (35 s instead of 3 s). None of our queries gains from it (docs/performance.md).
    duck.execute("SET disabled_optimizers = 'partitioned_execution'")
    broken: dict[str, str] = {}
    checked: dict[str, tuple[tuple[int, int] | None, bool]] = {}
    for view, extract in EXTRACTS.items():
        checked[view] = (_stamp(Path(paths[view])), False)
        problem = _register_view(duck, view, Path(paths[view]), extract.columns)
        if problem:
            broken[view] = Problem("{file}: {problem}", file=extract.file, problem=problem)
    duck.execute("SET lock_configuration = true")
    return Connection(duck=duck, data_dir=data_dir, broken=broken, checked=checked)


SPILL_PREFIX = "dpa-duckdb-spill-"


@cache
def _spill_directory() -> str:
    """Where this process's DuckDB may spill past its memory limit: a new folder only it can enter (mode 700),
    outside the project, removed when the process ends."""
    path = tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")  # the pid: serve removes it if this is killed
    atexit.register(shutil.rmtree, path, True)
    return path


def _stamp(path: Path | str) -> tuple[int, int] | None:
    """A file's modification time and size, to notice that it changed on disk (None when it is missing)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _register_view(duck: duckdb.DuckDBPyConnection, view: str, path: Path, columns: dict[str, str],
                   scan: bool = False) -> Problem | None:
    """Create (or replace) the view over one Parquet file; return a problem description instead of raising.

    With scan=True every column is also read once, which finds damage inside the data pages."""
    problem = None
    if not path.is_file():
        problem = Problem(N_("file is missing"))
    elif path.stat().st_size == 0:
        problem = Problem(N_("file is empty"))
    else:
        try:
            duck.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet({_sql_string(str(path))})")
            found = {name: kind for name, kind, *_ in duck.execute(f"DESCRIBE {view}").fetchall()}
            problem = next((Problem(N_("column {name!r} is missing"), name=name) if name not in found
                            else Problem(N_("column {name!r} has type {found}, expected {kind}"), name=name,
                                         found=found[name], kind=kind)
                            for name, kind in columns.items() if found.get(name) != kind), None)
            if problem is None and scan:
                duck.execute(f"SELECT count(COLUMNS(*)) FROM {view}").fetchall()
        except duckdb.Error as error:
            # Users read the file's name and what is wrong; where it is and DuckDB's words go to the server log.
            log.warning("extract %s cannot be read: %s", path, str(error).splitlines()[0])
            problem = Problem(N_("cannot be read as Parquet (damaged, cut short or not Parquet)"))
    if problem:
        duck.execute(f"DROP VIEW IF EXISTS {view}")
    return problem


def _recheck(connection: Connection, views: set[str], scan: bool = False) -> list[str]:
    """Check again the extracts that changed on disk since they were last checked (a rebuild, or a file damaged
    while the app runs) and, with scan=True (a query failed), read each in full once; return the problems of the
    broken ones. A repaired file is registered again, so a rebuild needs no restart of the server."""
    with connection.lock:
        for view in sorted(views):
            columns = EXTRACTS[view].columns
            path = connection.data_dir / EXTRACTS[view].file
            stamp = _stamp(path)
            last_stamp, was_scanned = connection.checked.get(view, (None, False))
            if stamp == last_stamp and (was_scanned or not scan or view in connection.broken):
                continue
            problem = _register_view(connection.duck, view, path, columns, scan=scan)
            connection.checked[view] = (stamp, scan)
            if problem:
                connection.broken[view] = Problem("{file}: {problem}", file=EXTRACTS[view].file, problem=problem)
            else:
                connection.broken.pop(view, None)
        return [connection.broken[view] for view in sorted(views) if view in connection.broken]


def run_on_tables(name: str, tables: dict[str, object]) -> list[dict]:
    """Run queries/<name>.sql over in-memory Arrow tables (the build's derivations): no file is readable."""
    duck = duckdb.connect(":memory:", config={"enable_external_access": False, "threads": 1,
                                              "autoinstall_known_extensions": False,
                                              "autoload_known_extensions": False})
    try:
        for view, table in tables.items():
            duck.register(view, table)
        return duck.sql(load_query(name)).to_arrow_table().to_pylist()
    finally:
        duck.close()


@cache
def load_query(name: str) -> str:
    """The SQL text of queries/<name>.sql; names are fixed identifiers, never user input."""
    if not _QUERY_NAME.fullmatch(name):
        raise ValueError(f"bad query name {name!r}")
    path = settings.QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise ValueError(f"no query file {path}")
    return path.read_text(encoding="utf-8")


_DEFAULT = re.compile(r"\$([a-z_][a-z0-9_]*)\s*=\s*(null|true|false|-?[0-9]+)")
_LITERALS = {"null": None, "true": True, "false": False}


@cache
def query_defaults(name: str) -> dict[str, object]:
    """Optional parameters and their values, from the query file's '-- defaults: $name = value, ...' header line
    (null, true, false or a whole number); callers that leave them out get these, still bound as parameters."""
    found: dict[str, object] = {}
    for line in load_query(name).splitlines():
        if line.startswith("-- defaults:"):
            for key, literal in _DEFAULT.findall(line):
                found[key] = _LITERALS[literal] if literal in _LITERALS else int(literal)
    return found


def with_language(name: str, params: dict) -> dict:
    """The params with the reader's language bound for a query that speaks it ($lang: country names, labels
    and notes in Norwegian), unless the caller chose one; a cache keyed on params then keeps languages apart."""
    if "lang" in query_defaults(name) and params.get("lang") is None:
        return {**params, "lang": i18n.current()}
    return params


def query_views(name: str) -> set[str]:
    """The registered views a query reads (so a broken extract only disables the queries that need it)."""
    sql = load_query(name)
    return {view for view in EXTRACTS if re.search(rf"\b(from|join)\s+{view}\b", sql, re.IGNORECASE)}


def data_version(connection: Connection) -> tuple:
    """The extract files' modification times and sizes: changes when the extracts are rebuilt or damaged.
    Asked for at every cached read of the app (a dozen times a rerun), so the paths are joined once."""
    return tuple((name, _stamp(path)) for name, path in _extract_paths(connection.data_dir))


def extracts_fingerprint(connection: Connection) -> str:
    """A short content hash of every extract file: what a citation of an export can name so the numbers can be
    found again (the build is reproducible, so a rebuild from the same sources gives the same fingerprint; a
    wall-clock build time would break that). Cached per data_version."""
    return _fingerprint(data_version(connection), connection.data_dir)


@cache
def _fingerprint(version: tuple, data_dir: Path) -> str:
    digest = hashlib.sha256()
    for name, path in _extract_paths(data_dir):
        digest.update(name.encode())
        try:
            with open(path, "rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()[:12]


@cache
def _extract_paths(data_dir: Path) -> tuple[tuple[str, str], ...]:
    return tuple((name, str(data_dir / name)) for name in schema.FILES)


def _rebuild(problems: list[str]) -> Problem:
    return Problem(N_("{problems}. Rebuild the extracts with `{command}`."), problems=tuple(problems),
                   command=settings.REBUILD_COMMAND)


def run_query(connection: Connection, name: str, **params) -> pd.DataFrame:
    """Run queries/<name>.sql with its $parameters bound; returns a DataFrame."""
    views = query_views(name)
    problems = _recheck(connection, views)
    if problems:
        raise DataUnavailable(_rebuild(problems))
    sql = load_query(name)
    params = query_defaults(name) | with_language(name, params)
    cursor = connection.duck.cursor()  # one cursor per query: safe across Streamlit's threads
    try:
        result = cursor.execute(sql, params).fetch_df()
    except duckdb.Error as error:
        problems = _recheck(connection, views, scan=True)  # an extract damaged or replaced while the app runs?
        if problems:
            raise DataUnavailable(_rebuild(problems)) from None
        if isinstance(error, duckdb.IOException | duckdb.InvalidInputException):  # unreadable or corrupt Parquet
            log.warning("query %s over %s failed: %s", name, connection.data_dir, str(error).splitlines()[0])
            raise DataUnavailable(Problem(N_("an extract could not be read ({files}). Rebuild with `{command}`."),
                                          files=", ".join(sorted(EXTRACTS[v].file for v in views)),
                                          command=settings.REBUILD_COMMAND)) from None
        raise
    finally:
        cursor.close()
    if len(result) > MAX_ROWS:
        raise ValueError(f"query {name} returned {len(result)} rows, more than {MAX_ROWS}")
    return result
