"""Data contracts: the SQL checks in queries/contracts/ (the <extract>_grain ones generated from
dashboard/schema.py), run by the build and by the tests."""

from __future__ import annotations

from pathlib import Path

from dashboard import db, schema, settings

CONTRACTS_DIR = settings.QUERIES_DIR / "contracts"
# Values the contract files may ask for, bound as parameters (the lists live in dashboard/schema.py).
PARAMETERS = {"sexes": list(schema.SEXES), "age_groups": list(schema.AGE_GROUPS)}


def contract_names() -> list[str]:
    return sorted(f"contracts/{path.stem}" for path in CONTRACTS_DIR.glob("*.sql"))


def _run(connection: db.Connection, name: str) -> list[str]:
    sql = db.load_query(name)
    params = {key: value for key, value in PARAMETERS.items() if f"${key}" in sql}
    return db.run_query(connection, name, **params)["problem"].tolist()


def check(data_dir: Path) -> list[str]:
    """Every contract violation in the extracts in data_dir (empty when they are sound)."""
    connection = db.connect(data_dir)
    problems = [f"{connection.data_dir}/{problem}" for problem in connection.broken.values()]  # for the builder
    if problems:
        return problems
    for name in contract_names():
        found = _run(connection, name)
        problems += [f"{name}: {problem}" for problem in found[:20]]
        if len(found) > 20:
            problems.append(f"{name}: ... and {len(found) - 20} more")
    return problems
