"""What to know before comparing countries on a chart: the notes the sources and the build put on the values
drawn, gathered per kind, so a map or trend of several countries says them briefly where the comparison is made
and the Data page in full.

From the values drawn (a chart's query rows): definitions that differ (the indicator's caveat; each national
authority's own definition), rates from few deaths (with their 95% interval), our quality flags (rates not by
the EMCDDA's definition, source tables that disagree, series that cover part of a country), flags the source put
on a value (Eurostat's b, c, d, e, p, u) and the EMCDDA's country-specific notes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard import ranks
from dashboard.figures.formatting import is_missing, join_names, records

SMALL_COUNT = 20  # fewer deaths than this: a rate's 95% interval is wider than about -35% to +55% of it
EUROSTAT_FLAGS = {"b": "break in the series", "c": "confidential", "d": "definition differs",
                  "e": "estimated", "p": "provisional", "u": "low reliability"}
# What the sources say of comparing countries, per topic of indicator (else the indicator's own caveat).
TOPIC_NOTES = {
    "Drug-induced deaths": "Each country reports drug-induced deaths by its own definition and recording "
                           "practice (forensic testing, coding, registers); the EMCDDA warns that the numbers are "
                           "not directly comparable between countries.",
    "Causes of death": "Coding of drug deaths as 'drug dependence' differs between countries; most overdoses are "
                       "coded elsewhere, so these counts are far below drug-induced deaths and compare poorly.",
    "Modelled estimates": "Modelled by IHME from each country's data and covariates: differences between countries "
                          "partly reflect the model, not counted deaths.",
}
# Flags that hold for whole series or for nearly every country (the hover says them); not comparability notes.
NOT_NOTED = ("population_projected",)


@dataclass(frozen=True)
class Note:
    kind: str  # definitions, small_numbers, flag, source_flag, country_note
    text: str
    countries: tuple[str, ...]  # names


@dataclass(frozen=True)
class Comparability:
    brief: str  # one line for under the chart ("" when one country or nothing to say)
    notes: tuple[Note, ...]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([{"what": n.kind.replace("_", " "), "countries": ", ".join(n.countries),
                              "note": n.text} for n in self.notes], columns=["what", "countries", "note"])


def _years(rows: list[dict]) -> str:
    years = sorted({int(row["year"]) for row in rows if not is_missing(row.get("year"))})
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _by_country(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["country"], []).append(row)
    return grouped


def comparability(data: pd.DataFrame, caveat: str = "", unit: str = "",
                  flag_labels: Mapping[str, str] | None = None, topic: str = "") -> Comparability:
    """The notes on the values drawn (a chart's query rows: country, value, and where present year, numerator,
    denominator, quality_flags, flag, country_note, value_note). caveat: the indicator's, said when its topic has
    no note of its own. flag_labels: quality flag -> label."""
    every = records(data) if not data.empty else []
    rows = [row for row in every if not is_missing(row.get("value"))]
    countries = sorted({row["country"] for row in rows})
    if len(countries) < 2:
        return Comparability("", ())
    labels = dict(flag_labels or {})
    notes: list[Note] = []
    said = TOPIC_NOTES.get(topic) or caveat.strip()
    if said:
        notes.append(Note("definitions", said, tuple(countries)))
    definitions = {}
    for country, country_rows in _by_country(rows).items():
        said = next((str(r["value_note"]) for r in country_rows if not is_missing(r.get("value_note"))
                     and "own definition" in str(r["value_note"])), "")
        if said:
            definitions[country] = said.split(": ", 1)[-1]
    if len(definitions) > 1:
        notes.append(Note("definitions", "Each national authority counts by its own definition: " + "; ".join(
            f"{country}: {text}" for country, text in sorted(definitions.items())) + ".", tuple(sorted(definitions))))
    per = 1_000_000 if "per million" in unit else 100_000 if "per 100,000" in unit else None
    small = [row for row in rows if per and not is_missing(row.get("numerator")) and not is_missing(
        row.get("denominator")) and float(row["numerator"]) < SMALL_COUNT]
    if small:
        described = []
        for country, country_rows in sorted(_by_country(small).items()):
            row = max(country_rows, key=lambda r: int(r.get("year") or 0))
            low, high = ranks.rate_interval(float(row["numerator"]), float(row["denominator"]), per)
            when = f" in {int(row['year'])}" if not is_missing(row.get("year")) else ""
            more = f"; {len(country_rows)} such years" if len(country_rows) > 1 else ""
            described.append(f"{country} ({int(row['numerator'])} deaths{when}: 95% interval "
                             f"{low:.1f}–{high:.1f}{more})")
        notes.append(Note("small_numbers", f"Rates from fewer than {SMALL_COUNT} deaths swing from year to year "
                                           f"and rank poorly: " + "; ".join(described) + ".",
                          tuple(sorted(_by_country(small)))))
    flagged: dict[str, list[dict]] = {}
    for row in rows:
        for flag in str(row.get("quality_flags") or "").split(","):
            if flag and flag not in NOT_NOTED and flag != "national_definition":
                flagged.setdefault(flag, []).append(row)
    for flag, flag_rows in sorted(flagged.items()):
        places = [f"{country} ({_years(country_rows)})" if _years(country_rows) else country
                  for country, country_rows in sorted(_by_country(flag_rows).items())]
        notes.append(Note("flag", f"{labels.get(flag, flag)}: {join_names(places, limit=10)}.",
                          tuple(sorted(_by_country(flag_rows)))))
    source_flags: dict[str, list[dict]] = {}
    for row in every:  # a value the source withheld (Eurostat's c) is missing here, and still worth saying
        if not is_missing(row.get("flag")):
            source_flags.setdefault(str(row["flag"]), []).append(row)
    for flag, flag_rows in sorted(source_flags.items()):
        places = [f"{country} ({_years(country_rows)})" for country, country_rows in sorted(_by_country(
            flag_rows).items())]
        meaning = EUROSTAT_FLAGS.get(flag, "see the source")
        notes.append(Note("source_flag", f"Flagged by the source '{flag}' ({meaning}): "
                                         f"{join_names(places, limit=10)}.", tuple(sorted(_by_country(flag_rows)))))
    noted = sorted({row["country"] for row in rows if row.get("country_note") is True})
    if noted:
        notes.append(Note("country_note", "The EMCDDA publishes a country-specific note on these values (see its "
                                          f"Statistical Bulletin): {join_names(noted, limit=12)}.", tuple(noted)))
    brief = ""
    if notes:
        named = sorted({country for note in notes if note.kind != "definitions" for country in note.countries})
        brief = (f"Before comparing: {len(notes)} note{'s' if len(notes) != 1 else ''} on these values"
                 + (f", for {join_names(named, limit=6)}" if named else "") + ".")
    return Comparability(brief, tuple(notes))
