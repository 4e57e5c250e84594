"""The app's DuckDB connection (db.connect) can read the registered extracts and nothing else, cannot write, load or
reconfigure anything, binds every parameter, and survives broken extracts without taking the whole app down."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dashboard import db, settings

SHIPPED = settings.SHIPPED_DATA_DIR
DENIED = "file system operations are disabled by configuration"
LOCKED = "the configuration has been locked"


@pytest.fixture
def locked() -> db.Connection:
    """A fresh app connection per test, so an attempt in one test cannot affect another."""
    return db.connect(SHIPPED)


def refused(connection: db.Connection, sql: str, message: str) -> None:
    with pytest.raises(duckdb.Error, match=message):
        connection.duck.execute(sql).fetchall()


# --- reading ----------------------------------------------------------------------------------------------------------

def test_registered_extracts_are_readable(locked):
    assert locked.broken == {}
    assert locked.duck.execute("select count(*) from facts").fetchone()[0] > 0


@pytest.mark.parametrize("sql", [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/passwd')",
    "select * from read_blob('/etc/passwd')",
    "select * from sniff_csv('/etc/passwd')",
])
def test_cannot_read_system_files(locked, sql):
    refused(locked, sql, DENIED)


def test_cannot_read_a_parquet_file_outside_the_data_folder(locked, tmp_path):
    outside = tmp_path / "outside.parquet"
    pq.write_table(pa.table({"secret": [42]}), outside)
    refused(locked, f"select * from read_parquet('{outside}')", DENIED)


@pytest.mark.parametrize("relative", ["../reference/countries.csv", "../../pyproject.toml",
                                      "../extracts/../../dashboard/settings.py"])
def test_cannot_escape_the_data_folder_with_dot_dot(locked, relative):
    refused(locked, f"select * from read_csv('{locked.data_dir}/{relative}')", DENIED)


def test_cannot_read_unregistered_files_inside_the_data_folder(locked):
    """Only the registered Parquet files are allowed, not everything in the folder (e.g. the GeoJSON)."""
    refused(locked, f"select * from read_text('{locked.data_dir}/europe.geojson')", DENIED)


@pytest.mark.parametrize("pattern", ["{data}/*.parquet", "{data}/**/*.parquet", "{data}/fact?.parquet", "/etc/*"])
def test_cannot_use_glob_patterns(locked, pattern):
    path = pattern.format(data=locked.data_dir)
    refused(locked, f"select * from read_parquet('{path}')", DENIED)
    refused(locked, f"select * from glob('{path}')", DENIED)


# --- writing, attaching, extensions -----------------------------------------------------------------------------------

def test_cannot_copy_to_a_file_outside_the_data_folder(locked, tmp_path):
    target = tmp_path / "dump.csv"
    refused(locked, f"copy (select * from facts) to '{target}'", DENIED)
    assert not target.exists()


def test_cannot_copy_into_the_data_folder(tmp_path):
    folder = tmp_path / "extracts"
    shutil.copytree(SHIPPED, folder)
    connection = db.connect(folder)
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    refused(connection, f"copy (select 1 as x) to '{folder}/new.csv'", DENIED)
    refused(connection, f"copy facts to '{folder}/facts.parquet' (format parquet)", DENIED)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_cannot_export_the_database(locked, tmp_path):
    refused(locked, f"export database '{tmp_path / 'export'}'", DENIED)


def test_cannot_attach_a_database_file(locked, tmp_path):
    refused(locked, f"attach '{tmp_path / 'other.duckdb'}' as other", DENIED)
    assert not (tmp_path / "other.duckdb").exists()


def test_attaching_an_in_memory_database_is_allowed_but_reaches_no_files(locked):
    """ATTACH ':memory:' works: it is a scratch catalog in RAM, and it is still subject to the same file rules."""
    locked.duck.execute("attach ':memory:' as scratch")
    refused(locked, "create table scratch.t as select * from read_csv('/etc/passwd')", DENIED)


@pytest.mark.parametrize("sql", ["install httpfs", "force install httpfs"])
def test_cannot_install_extensions(locked, sql):
    refused(locked, sql, DENIED)


@pytest.mark.parametrize("sql", ["load httpfs", "load '/tmp/evil.duckdb_extension'"])
def test_cannot_load_extensions(locked, sql):
    with pytest.raises(duckdb.Error, match="disabled"):
        locked.duck.execute(sql)


# --- settings ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "set enable_external_access = true",
    "set allowed_paths = ['/etc/passwd']",
    "set allowed_directories = ['/']",
    "reset allowed_paths",
    "reset enable_external_access",
    "set lock_configuration = false",
    "reset lock_configuration",
    "set autoload_known_extensions = true",
    "set allow_community_extensions = true",
    "set threads = 64",
    "set memory_limit = '100GB'",
    "pragma enable_profiling",
])
def test_cannot_change_settings(locked, sql):
    refused(locked, sql, LOCKED)


def test_settings_are_locked_down(locked):
    found = dict(locked.duck.execute("select name, value from duckdb_settings()").fetchall())
    assert found["enable_external_access"] == "false"
    assert found["lock_configuration"] == "true"
    assert found["autoinstall_known_extensions"] == "false"
    assert found["autoload_known_extensions"] == "false"
    assert found["allow_community_extensions"] == "false"
    allowed = locked.duck.execute("select current_setting('allowed_paths')").fetchone()[0]
    assert sorted(allowed) == sorted(str(locked.data_dir / extract.file) for extract in db.EXTRACTS.values())
    # Issue 18, finding 11: the only folder DuckDB may write is its own spill folder, private and outside the
    # project (it was '.tmp' in the working directory, where a COPY TO could write the facts and read them back).
    (directory,) = locked.duck.execute("select current_setting('allowed_directories')").fetchone()[0]
    spill = Path(directory.rstrip("/"))
    assert spill.name.startswith("dpa-duckdb-spill-") and (spill.stat().st_mode & 0o777) == 0o700
    assert settings.REPO_ROOT not in spill.parents and Path.cwd() not in spill.parents


def test_nothing_can_be_written_in_the_working_directory(locked):
    folder = Path.cwd() / ".tmp"
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    try:
        with pytest.raises(duckdb.Error):
            locked.duck.execute(f"COPY (SELECT * FROM facts) TO '{folder / 'stolen.csv'}'")
        assert not (folder / "stolen.csv").exists()
    finally:
        if made:
            shutil.rmtree(folder, ignore_errors=True)


# --- query names and parameters ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x", "a;b", "", "contracts/../indicator_trend", "/etc/passwd",
                                  "indicator_trend.sql", "Indicator_Trend", "indicator_trend; drop view facts",
                                  "no_such_query"])
def test_run_query_refuses_names_that_are_not_plain_identifiers(locked, name):
    with pytest.raises(ValueError, match="query"):
        db.run_query(locked, name)


HOSTILE = ["NOR'); DROP VIEW facts; --", "' OR 1=1 --", "total' UNION SELECT * FROM read_csv('/etc/passwd') --",
           "$indicator", "\x00", "😈" * 1000]
TREND = {"indicator": "drd_deaths", "countries": ["NOR", "SWE"], "year_from": 2010, "year_to": 2012,
         "sex": "total", "age_group": "total"}


def _views_intact(connection: db.Connection) -> None:
    assert connection.broken == {}
    for view in db.EXTRACTS:
        assert connection.duck.execute(f"select count(*) from {view}").fetchone()[0] > 0


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_countries_are_bound_not_spliced(locked, hostile):
    frame = db.run_query(locked, "indicator_trend", **(TREND | {"countries": [hostile, "NOR"]}))
    assert sorted(set(frame["iso3"])) == ["NOR"]
    for query in ["programmes", "programme_claims"]:
        assert db.run_query(locked, query, countries=[hostile]).empty
    _views_intact(locked)


@pytest.mark.parametrize("param", ["indicator", "sex", "age_group"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_are_bound_not_spliced(locked, param, hostile):
    trend = db.run_query(locked, "indicator_trend", **(TREND | {param: hostile}))
    assert trend["value"].isna().all()  # no such indicator / sex / age group: empty or all NULL, never an error
    map_params = {key: TREND[key] for key in ["indicator", "countries", "sex", "age_group"]} | {"year": 2012}
    places = db.run_query(locked, "indicator_map", **(map_params | {param: hostile}))
    assert places["value"].isna().all()
    _views_intact(locked)


def test_hostile_year_is_rejected_by_the_type_not_executed(locked):
    with pytest.raises(duckdb.ConversionException):
        db.run_query(locked, "indicator_trend", **(TREND | {"year_from": "2010; drop view facts"}))
    _views_intact(locked)


# --- static check: SQL text is never built from values ----------------------------------------------------------------

SQL_METHODS = {"execute", "executemany", "sql"}
# Offline tools with their own unlocked DuckDB (they write files); the app never imports them (checked below).
OFFLINE_TOOLS = {"scale.py"}
# Where SQL text is put together in code: the view names and our own quoted file paths, nothing else.
BUILT_SQL_ALLOWED = {("db.py", "connect"), ("db.py", "_register_view")}
# Where SQL text comes from a variable: the text of a queries/*.sql file, run with bound parameters.
VARIABLE_SQL_ALLOWED = {("db.py", "run_query")}


def _app_modules() -> list[Path]:
    return sorted(path for path in (settings.REPO_ROOT / "dashboard").rglob("*.py") if path.name not in OFFLINE_TOOLS)


class _SqlCalls(ast.NodeVisitor):
    """Every .execute(...) / .sql(...) call with the function it is in and its first argument."""

    def __init__(self, file_name: str):
        self.file_name, self.stack, self.calls = file_name, [], []

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr in SQL_METHODS and node.args:
            self.calls.append((self.file_name, self.stack[0] if self.stack else "<module>", node.args[0]))
        self.generic_visit(node)


def _sql_calls() -> list[tuple[str, str, ast.expr]]:
    calls = []
    for path in _app_modules():
        visitor = _SqlCalls(path.relative_to(settings.REPO_ROOT / "dashboard").as_posix())
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        calls += visitor.calls
    return calls


def _interpolated(node: ast.expr) -> list[ast.expr]:
    """The non-literal pieces of an f-string or string concatenation."""
    if isinstance(node, ast.JoinedStr):
        return [value.value for value in node.values if isinstance(value, ast.FormattedValue)]
    if isinstance(node, ast.BinOp):
        return _interpolated(node.left) + _interpolated(node.right)
    return [] if isinstance(node, ast.Constant) else [node]


def _is_safe_piece(node: ast.expr) -> bool:
    """A registered view name, or a path quoted by db._sql_string."""
    if isinstance(node, ast.Name):
        return node.id == "view"
    return any(isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "_sql_string"
               for inner in ast.walk(node))


def test_sql_is_only_built_from_view_names_and_our_paths():
    calls = _sql_calls()
    assert calls, "the static check found no execute() calls at all"
    built = [(file, function, arg) for file, function, arg in calls if isinstance(arg, (ast.JoinedStr, ast.BinOp))]
    assert {(file, function) for file, function, _ in built} <= BUILT_SQL_ALLOWED
    unsafe = [ast.unparse(piece) for _, _, arg in built for piece in _interpolated(arg) if not _is_safe_piece(piece)]
    assert unsafe == []
    formatted = [(file, function) for file, function, arg in calls
                 if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "format"]
    assert formatted == []
    variable = {(file, function) for file, function, arg in calls if isinstance(arg, ast.Name)}
    assert variable <= VARIABLE_SQL_ALLOWED


def test_only_db_opens_duckdb():
    opened = [path.name for path in _app_modules() if "duckdb.connect(" in path.read_text(encoding="utf-8")]
    assert opened == ["db.py"]


def _imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_the_app_never_imports_the_offline_tools():
    """The exemptions above hold only while the running app cannot reach those modules."""
    tools = {f"dashboard.{name.removesuffix('.py')}" for name in OFFLINE_TOOLS}
    tools |= {f".{name.removesuffix('.py')}" for name in OFFLINE_TOOLS}
    app = [settings.REPO_ROOT / "app.py", *_app_modules()]
    importing = [path.name for path in app if path.is_file() and _imported_modules(path) & tools]
    assert importing == []


# --- broken extracts: the app degrades one view at a time ------------------------------------------------------------

def _drop_value(path: Path) -> None:
    pq.write_table(pq.read_table(path).drop_columns(["value"]), path)


def _year_as_text(path: Path) -> None:
    table = pq.read_table(path)
    index = table.schema.get_field_index("year")
    pq.write_table(table.set_column(index, "year", pc.cast(table["year"], pa.string())), path)


def _truncate(size: int):
    def apply(path: Path) -> None:
        path.write_bytes(path.read_bytes()[:size])
    return apply


# (file, how it breaks, the problem named, a query that needs it, a query that does not)
BREAKAGES = {
    "facts-deleted": ("facts.parquet", Path.unlink, "file is missing", "indicator_trend", "programmes"),
    "programmes-truncated": ("programmes.parquet", _truncate(100), "cannot be read as Parquet", "programmes",
                             "indicator_trend"),
    "countries-empty": ("countries.parquet", _truncate(0), "file is empty", "country_catalog", "indicator_catalog"),
    "facts-without-value": ("facts.parquet", _drop_value, "column 'value' is missing", "indicator_map",
                            "programme_claims"),
    "facts-year-varchar": ("facts.parquet", _year_as_text, "column 'year' has type VARCHAR, expected SMALLINT",
                           "indicator_trend", "indicator_catalog"),  # the catalog reads the build's rollup
    "coverage-deleted": ("fact_coverage.parquet", Path.unlink, "file is missing", "indicator_catalog",
                         "indicator_map"),
}
PARAMS = {
    "indicator_trend": TREND,
    "indicator_map": {"indicator": "drd_deaths", "countries": ["NOR"], "year": 2014, "sex": "total",
                      "age_group": "total"},
    "programmes": {"countries": ["NLD"]},
    "programme_claims": {"countries": ["NLD"]},
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_extract_disables_only_the_queries_that_need_it(tmp_path, breakage):
    file_name, breaks, problem, needs_it, does_not = BREAKAGES[breakage]
    folder = tmp_path / "extracts"
    shutil.copytree(SHIPPED, folder)
    breaks(folder / file_name)

    connection = db.connect(folder)  # must not raise
    view = file_name.removesuffix(".parquet")
    assert list(connection.broken) == [view]
    assert file_name in connection.broken[view] and problem in connection.broken[view]

    with pytest.raises(db.DataUnavailable) as unavailable:
        db.run_query(connection, needs_it, **PARAMS.get(needs_it, {}))
    # Issue 18, finding 12: the message named the server's absolute path and quoted DuckDB's error text.
    assert file_name in str(unavailable.value) and str(tmp_path) not in str(unavailable.value)
    assert "Error" not in str(unavailable.value) and "magic" not in str(unavailable.value)
    assert problem in str(unavailable.value)
    assert "python -m dashboard build" in str(unavailable.value)

    assert not db.run_query(connection, does_not, **PARAMS.get(does_not, {})).empty
