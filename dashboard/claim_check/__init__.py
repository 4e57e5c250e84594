"""Check a number from the news against every series we hold for its country and year, and say which series it
is, how close it comes, and what would make it right.

A claim is a country, a year, a number as printed and its unit (deaths, per million aged 15-64, per million
inhabitants, per 100,000), optionally with what it says it counts (opioid deaths, drug poisoning ...). The
verdict, in order:
- matches: a series the claim could mean (same unit and denominator, a definition the words allow) equals the
  number at the number's own rounding ("81" matches 81.3; "81.0" does not);
- not_comparable: the number matches a series with another denominator, unit or definition, or of a part of the
  country (England and Wales for the United Kingdom), and the explanation says which;
- close: a series it could mean is within 5% of it;
- contradicts: the series it could mean hold other values;
- no_data: we hold no value of those series for that country and year (a missing year is never a zero).

The modules, one concern each: series (what a number is checked against: units, counts, series, verdicts),
numbers (the claim, its candidates, the verdict), wording (the reason in words), ranking, change, register
(today's check of a register claim) and text (the command line's output). Callers import from here.
"""

from dashboard.claim_check.change import COMPARISONS, ChangeCheck, check_change
from dashboard.claim_check.numbers import (
    Candidate,
    Check,
    CheckInputError,
    Claim,
    YearOutOfRange,
    candidate_rows,
    check,
    claim_from_spec,
    make_claim,
    parse_check_spec,
    parse_value,
    printed,
    resolve_country,
    year_range,
)
from dashboard.claim_check.ranking import (
    RANK_SCOPES,
    RANKED_INDICATOR,
    WESTERN_EUROPE,
    RankCheck,
    check_rank,
    scope_countries,
)
from dashboard.claim_check.register import RegisterCheck, check_register_row
from dashboard.claim_check.series import (
    AGREEMENTS,
    CLOSE_WITHIN,
    COUNTS,
    DEATHS_15_64,
    DEFAULT_COUNTS,
    PREFERENCE,
    RELATION_LABELS,
    RELATIONS,
    SERIES,
    SERIES_BY_INDICATOR,
    UNITS,
    VERDICTS,
    Series,
    format_number,
    unit_text,
)
from dashboard.claim_check.text import as_text

__all__ = [
    "AGREEMENTS", "CLOSE_WITHIN", "COMPARISONS", "COUNTS", "Candidate", "ChangeCheck", "Check", "CheckInputError",
    "Claim",
    "DEATHS_15_64", "DEFAULT_COUNTS", "PREFERENCE", "RANKED_INDICATOR", "RANK_SCOPES", "RELATIONS",
    "RELATION_LABELS", "RankCheck", "RegisterCheck", "SERIES", "SERIES_BY_INDICATOR", "Series", "UNITS", "VERDICTS",
    "WESTERN_EUROPE", "YearOutOfRange", "as_text", "candidate_rows", "check", "check_change", "check_rank",
    "check_register_row", "claim_from_spec", "format_number", "make_claim", "parse_check_spec", "parse_value",
    "printed", "resolve_country", "scope_countries", "unit_text", "year_range",
]
