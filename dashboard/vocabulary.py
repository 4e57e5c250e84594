"""The data's closed sets of words (indicator units and topics), shown in the reader's language.

The extracts keep them in English: code reads them ("per million" in a unit decides the rate's base, a unit's
"per" its decimals), so only what is shown is translated, here through the gettext catalog. An indicator's own
label, definition and caveat are prose of one indicator each: they have Norwegian columns in
data/reference/indicators.csv instead (dashboard/catalog.Indicator). tests/test_i18n.py fails when
indicators.csv uses a unit or topic missing here.
"""

from __future__ import annotations

from dashboard.i18n import N_, tr

UNITS = frozenset({
    N_("clients"),
    N_("clients entering treatment"),
    N_("clients entering treatment per 100,000 aged 15-64"),
    N_("clients per 100,000 aged 15-64"),
    N_("deaths"),
    N_("deaths (modelled)"),
    N_("deaths per 100,000 (age-standardised)"),
    N_("deaths per million aged 15-64"),
    N_("deaths per million inhabitants (age-standardised)"),
    N_("deaths per million inhabitants (all ages)"),
    N_("reports of offences"),
    N_("syringes (unit as published)"),
    N_("years"),
})

TOPICS = frozenset({
    N_("Causes of death"),
    N_("Drug-induced deaths"),
    N_("Drug-law offences"),
    N_("Harm reduction"),
    N_("Modelled estimates"),
    N_("National figures as published"),
    N_("Opioid substitution treatment"),
    N_("Treatment demand"),
})


def unit(name: str | None) -> str:
    """An indicator's unit as the reader reads it ('deaths per million aged 15-64'); one we do not know, as is."""
    return tr(name) if name in UNITS else (name or "")


def topic(name: str | None) -> str:
    """An indicator's topic as the reader reads it; one we do not know, as is."""
    return tr(name) if name in TOPICS else (name or "")
