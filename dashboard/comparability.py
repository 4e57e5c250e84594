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

from dashboard import i18n, ranks
from dashboard.figures.formatting import is_missing, join_names, records
from dashboard.i18n import N_, ntr, tr

NATIONAL_DEFINITION = "national_definition"  # the quality flag of a national figure as published
SMALL_COUNT = 20  # fewer deaths than this: a rate's 95% interval is wider than about -35% to +55% of it
# The meanings are marked for the catalog: source_flag_meaning says them in the reader's language.
EUROSTAT_FLAGS = {"b": N_("break in the series"), "c": N_("confidential"), "d": N_("definition differs"),
                  "e": N_("estimated"), "p": N_("provisional"), "u": N_("low reliability")}
# What the sources say of comparing countries, per topic of indicator (else the indicator's own caveat).
TOPIC_NOTES = {
    "Drug-induced deaths": N_("Each country reports drug-induced deaths by its own definition and recording "
                              "practice (forensic testing, coding, registers); the EMCDDA warns that the numbers "
                              "are not directly comparable between countries."),
    "Causes of death": N_("Coding of drug deaths as 'drug dependence' differs between countries; most overdoses "
                          "are coded elsewhere, so these counts are far below drug-induced deaths and compare "
                          "poorly."),
    "Modelled estimates": N_("Modelled by IHME from each country's data and covariates: differences between "
                             "countries partly reflect the model, not counted deaths."),
}
# What each kind of note is called in the Data page's table.
KIND_LABELS = {"definitions": N_("definitions"), "small_numbers": N_("small numbers"), "flag": N_("flag"),
               "source_flag": N_("source flag"), "country_note": N_("country note")}
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
        return pd.DataFrame([{"what": tr(KIND_LABELS[n.kind]) if n.kind in KIND_LABELS else n.kind.replace("_", " "),
                              "countries": ", ".join(n.countries),
                              "note": n.text} for n in self.notes], columns=["what", "countries", "note"])


def _years(rows: list[dict]) -> str:
    years = sorted({int(row["year"]) for row in rows if not is_missing(row.get("year"))})
    if not years:
        return ""
    return i18n.year_range(years[0], years[-1])


def source_flag_meaning(flag: str) -> str:
    """What a source's flag on a value means ('estimated'), in the reader's language."""
    return tr(EUROSTAT_FLAGS[flag]) if flag in EUROSTAT_FLAGS else tr("see the source")


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
    said = tr(TOPIC_NOTES[topic]) if topic in TOPIC_NOTES else caveat.strip()
    if said:
        notes.append(Note("definitions", said, tuple(countries)))
    definitions = {}
    for country, country_rows in _by_country(rows).items():
        said = next((str(r["value_note"]) for r in country_rows if not is_missing(r.get("value_note"))
                     and NATIONAL_DEFINITION in str(r.get("quality_flags") or "").split(",")), "")
        if said:
            definitions[country] = said.split(": ", 1)[-1]
    if len(definitions) > 1:
        notes.append(Note("definitions", tr("Each national authority counts by its own definition: {definitions}.",
                                            definitions="; ".join(f"{country}: {text}" for country, text
                                                                  in sorted(definitions.items()))),
                          tuple(sorted(definitions))))
    per = 1_000_000 if "per million" in unit else 100_000 if "per 100,000" in unit else None
    small = [row for row in rows if per and not is_missing(row.get("numerator")) and not is_missing(
        row.get("denominator")) and float(row["numerator"]) < SMALL_COUNT]
    if small:
        described = []
        for country, country_rows in sorted(_by_country(small).items()):
            row = max(country_rows, key=lambda r: int(r.get("year") or 0))
            low, high = ranks.rate_interval(float(row["numerator"]), float(row["denominator"]), per)
            when = tr(" in {year}", year=int(row["year"])) if not is_missing(row.get("year")) else ""
            more = ntr("; {n} such year", "; {n} such years", len(country_rows)) if len(country_rows) > 1 else ""
            described.append(tr("{country} ({deaths} deaths{when}: 95% interval {low}–{high}{more})",
                                country=country, deaths=i18n.number(int(row["numerator"])), when=when,
                                low=i18n.number(low, 1), high=i18n.number(high, 1), more=more))
        notes.append(Note("small_numbers", tr("Rates from fewer than {count} deaths swing from year to year and rank "
                                              "poorly: {described}.", count=SMALL_COUNT,
                                              described="; ".join(described)),
                          tuple(sorted(_by_country(small)))))
    flagged: dict[str, list[dict]] = {}
    for row in rows:
        for flag in str(row.get("quality_flags") or "").split(","):
            if flag and flag not in NOT_NOTED and flag != NATIONAL_DEFINITION:
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
        notes.append(Note("source_flag", tr("Flagged by the source '{flag}' ({meaning}): {places}.", flag=flag,
                                            meaning=source_flag_meaning(flag), places=join_names(places, limit=10)),
                          tuple(sorted(_by_country(flag_rows)))))
    noted = sorted({row["country"] for row in rows if row.get("country_note") is True})
    if noted:
        notes.append(Note("country_note", tr("The EMCDDA publishes a country-specific note on these values (see "
                                             "its Statistical Bulletin): {countries}.",
                                             countries=join_names(noted, limit=12)), tuple(noted)))
    brief = ""
    if notes:
        named = sorted({country for note in notes if note.kind != "definitions" for country in note.countries})
        brief = (ntr("Before comparing: {n} note on these values", "Before comparing: {n} notes on these values",
                     len(notes)) + (tr(", for {countries}", countries=join_names(named, limit=6)) if named else "")
                 + ".")
    return Comparability(brief, tuple(notes))
