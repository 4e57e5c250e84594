"""Data contracts: the SQL checks in queries/contracts/, run by the build and by the tests."""

from __future__ import annotations

from pathlib import Path

from dashboard import db, settings

CONTRACTS_DIR = settings.QUERIES_DIR / "contracts"


def contract_names() -> list[str]:
    return sorted(f"contracts/{path.stem}" for path in CONTRACTS_DIR.glob("*.sql"))


def check(data_dir: Path) -> list[str]:
    """Every contract violation in the extracts in data_dir (empty when they are sound)."""
    connection = db.connect(data_dir)
    problems = [f"{problem}" for problem in connection.broken.values()]
    if problems:
        return problems
    for name in contract_names():
        found = db.run_query(connection, name)["problem"].tolist()
        problems += [f"{name}: {problem}" for problem in found[:20]]
        if len(found) > 20:
            problems.append(f"{name}: ... and {len(found) - 20} more")
    return problems
