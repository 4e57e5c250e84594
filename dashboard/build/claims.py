"""The claim register (data/reference/claims.csv): numbers from the news, each with its quote, where it was
made, the claim as parsed and our verdict. Checked here for what a row of its kind needs; the verdicts are
checked against the extracts by tests/test_claims.py, so a new edition that changes one is noticed."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from dashboard.build.inputs import norwegian
from dashboard.claim_check import COMPARISONS, COUNTS, RANK_SCOPES, UNITS, VERDICTS, CheckInputError, parse_value
from dashboard.sources import SourceError

CLAIM_KINDS = {  # claim_kind -> the columns a row of that kind must fill
    "number": ("iso3", "year", "value", "unit", "counts"),  # checked by dashboard.claim_check.check
    "rank": ("iso3", "year", "rank_claimed", "rank_top", "rank_scope"),  # check_rank
    "change": ("iso3", "base_year", "year", "value", "unit", "counts", "comparison"),  # check_change
    "programme": (),  # a fact of the HAT register: programme_claim_id (programme_claims.csv) or programme_id
    "by_hand": (),  # checked by hand, or not checkable against our extracts: the reason says which
}
REGISTER_TEXT_COLUMNS = ["claim_id", "seed_file", "claimant", "outlet", "url", "no_url_reason", "published",
                         "language", "quote", "note", "claim_kind", "iso3", "geography", "value", "unit", "counts",
                         "comparison", "rank_scope", "programme_claim_id", "programme_id", "verdict", "reason"]
REGISTER_NUMBER_COLUMNS = ["year", "base_year", "rank_claimed"]
REGISTER_COLUMNS = [*REGISTER_TEXT_COLUMNS, *REGISTER_NUMBER_COLUMNS, "rank_top"]
REGISTER_TRANSLATED = ("note", "reason")  # our words; the quote stays as published
_ALLOWED = {"unit": UNITS, "counts": COUNTS, "comparison": COMPARISONS, "rank_scope": RANK_SCOPES,
            "verdict": VERDICTS}


def claims_table(rows: list[dict[str, str]], path: Path) -> pa.Table:
    """claims.parquet from the register's rows; SourceError names the row and column of the first problem."""
    seen: set[str] = set()
    checked = []
    for number, row in enumerate(rows, start=2):
        claim_id = row["claim_id"].strip()
        if not claim_id or claim_id in seen:
            raise SourceError(path, f"claim_id must be present and unique, found {claim_id!r}", row=number,
                              column="claim_id")
        seen.add(claim_id)
        problem = _problem(row)
        if problem:
            raise SourceError(path, problem[1], row=number, column=problem[0])
        numbers = {column: int(row[column]) if row[column].strip() else None for column in REGISTER_NUMBER_COLUMNS}
        checked.append(row | numbers | {"rank_top": {"true": True, "false": False}.get(row["rank_top"])})
    return pa.table({
        **{column: pa.array([r[column].strip() or None for r in checked], pa.string())
           for column in [*REGISTER_TEXT_COLUMNS, *norwegian(REGISTER_TRANSLATED)]},
        "year": pa.array([r["year"] for r in checked], pa.int16()),
        "base_year": pa.array([r["base_year"] for r in checked], pa.int16()),
        "rank_claimed": pa.array([r["rank_claimed"] for r in checked], pa.int16()),
        "rank_top": pa.array([r["rank_top"] for r in checked], pa.bool_()),
    })


def _problem(row: dict[str, str]) -> tuple[str, str] | None:
    """The first thing wrong with a register row, as (column, message), or None."""
    for column in ("quote", "claimant", "verdict", "reason"):
        if not row[column].strip():
            return column, "every claim needs its quote, who made it, a verdict and the reason"
    if not row["url"].strip() and not row["no_url_reason"].strip():
        return "url", "a claim needs a URL or the reason there is none"
    kind = row["claim_kind"]
    if kind not in CLAIM_KINDS:
        return "claim_kind", f"claim_kind must be one of {', '.join(CLAIM_KINDS)}, found {kind!r}"
    for column in CLAIM_KINDS[kind]:
        if not row[column].strip():
            return column, f"a {kind} claim needs {column}"
    for column, allowed in _ALLOWED.items():
        if row[column] and row[column] not in allowed:
            return column, f"{column} must be one of {', '.join(allowed)}, found {row[column]!r}"
    # Whether its country, programme and programme claim exist is the contract claims_known_keys's to say.
    if kind == "programme" and not (row["programme_claim_id"] or row["programme_id"]):
        return "programme_id", "a programme claim needs programme_claim_id or programme_id"
    if row["value"]:
        try:
            parse_value(row["value"])
        except CheckInputError as error:
            return "value", str(error)
    for column in REGISTER_NUMBER_COLUMNS:
        if row[column].strip() and not row[column].strip().isdigit():
            return column, f"expected a whole number, found {row[column]!r}"
    if row["rank_top"] not in ("", "true", "false"):
        return "rank_top", f"expected true, false or nothing, found {row['rank_top']!r}"
    return None
