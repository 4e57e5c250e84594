"""Today's check of a claim of the register (claims.parquet), by its kind."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import catalog as catalog_module
from dashboard import db
from dashboard.claim_check.change import ChangeCheck, check_change
from dashboard.claim_check.numbers import Check, YearOutOfRange, check, make_claim
from dashboard.claim_check.ranking import RankCheck, check_rank
from dashboard.i18n import tr


@dataclass(frozen=True)
class RegisterCheck:
    """Today's verdict on a claim of the register, and the check behind it (None: none could be made)."""
    verdict: str
    explanation: str
    summary: str
    detail: Check | RankCheck | ChangeCheck | None


def check_register_row(connection: db.Connection, known: catalog_module.Catalog, row: dict) -> RegisterCheck | None:
    """Today's check of one claim of the register (claims.parquet), by its kind; None for the kinds the
    statistics cannot check (programme facts, unchecked numbers). A year our series do not reach is no data."""
    kind = row["claim_kind"]
    try:
        if kind == "number":
            detail = check(connection, make_claim(known, row["iso3"], row["year"], row["value"], row["unit"],
                                                  row["counts"]))
        elif kind == "rank":
            detail = check_rank(connection, known, row["iso3"], row["year"], row["rank_claimed"],
                                row["rank_scope"], top=row["rank_top"] in (True, "true"))
        elif kind == "change":
            detail = check_change(connection, known, row["iso3"], row["base_year"], row["year"], row["value"],
                                  row["unit"], row["comparison"], row["counts"])
        else:
            return None
    except YearOutOfRange as error:
        reason = f"{str(error)[0].upper()}{str(error)[1:]}"
        text = tr("{reason}, so we hold no value to check it against.", reason=reason)
        return RegisterCheck("no_data", text, text, None)
    return RegisterCheck(detail.verdict, detail.explanation, detail.summary, detail)

