"""The CSV sources: UN WPP population (via OWID), IHME GBD (via OWID) and Eurostat hlth_cd_aro."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.sources.cells import SourceError, parse_number, parse_year, read_csv, require_columns

EUROSTAT_AGGREGATES = {"EU27_2020", "EU28", "FX"}


def read_owid_population(path: Path, iso3_by_entity: dict[str, str], years: range):
    """UN WPP 2017 via OWID: rows of (iso3, year, pop_0_14, pop_15_64, pop_65_plus)."""
    header, data = read_csv(path)
    columns = {
        "pop_0_14": "Under 15 years old (UNWPP, 2017)",
        "pop_15_64": "Working age (15-64 years old) (UNWPP, 2017)",
        "pop_65_plus": "65+ years old (UNWPP, 2017)",
    }
    position = require_columns(path, header, ["Entity", "Year", *columns.values()])
    out = []
    for offset, row in enumerate(data, start=2):
        if not row:
            continue
        iso3 = iso3_by_entity.get(row[position["Entity"]])
        if iso3 is None:
            continue  # the file covers the world; we keep the countries we track
        year = parse_year(row[position["Year"]], path, offset, "Year")
        if year not in years:
            continue
        values = []
        for column in columns.values():
            value = parse_number(row[position[column]], path, None, offset, column)
            if value is not None and value <= 0:
                raise SourceError(path, f"population must be positive, found {value}", row=offset, column=column)
            values.append(value)
        out.append((iso3, year, *values))
    return out


IHME_COLUMNS = {
    "ihme_drug_use_disorder_deaths": (
        "deaths-substance-disorders.csv",
        "Deaths - Drug use disorders - Sex: Both - Age: All Ages (Number)"),
    "ihme_opioid_use_disorder_deaths": (
        "deaths-substance-disorders.csv",
        "Deaths - Opioid use disorders - Sex: Both - Age: All Ages (Number)"),
    "ihme_drug_use_disorder_death_rate_age_std": (
        "death-rates-from-drug-use-disorders.csv",
        "Deaths - Drug use disorders - Sex: Both - Age: Age-standardized (Rate)"),
}


def read_ihme(folder: Path, known_iso3: set[str]):
    """IHME GBD 2019 via OWID: rows of (indicator_id, iso3, year, value) for the tracked countries."""
    out = []
    for indicator_id, (file_name, column) in IHME_COLUMNS.items():
        path = folder / file_name
        header, data = read_csv(path)
        position = require_columns(path, header, ["Code", "Year", column])
        for offset, row in enumerate(data, start=2):
            if not row:
                continue
            iso3 = row[position["Code"]]
            if iso3 not in known_iso3:
                continue
            year = parse_year(row[position["Year"]], path, offset, "Year")
            value = parse_number(row[position[column]], path, None, offset, column)
            out.append((indicator_id, iso3, year, value))
    return out


EUROSTAT_SEX = {"T": "total", "M": "male", "F": "female"}
EUROSTAT_AGE = {"TOTAL": "total", "Y_LT15": "<15", "Y15-29": "15-29", "Y30-44": "30-44",
                "Y45-64": "45-64", "Y_GE65": "65+"}
# Flags are Eurostat's documented letters (before and after its January 2025 recoding); any other letter is a typo
# such as '12x', not a flag.
_EUROSTAT_CELL = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?|:)\s*(?P<flag>[bcdefimnprsuz]*)$")


def read_eurostat_toxico(path: Path, iso3_by_eurostat: dict[str, str]):
    """Eurostat hlth_cd_aro wide CSV: TOXICO deaths occurring in the country (resid TOT_IN).

    Rows of (iso3, year, sex, age_group, value, flag)."""
    header, data = read_csv(path)
    position = require_columns(path, header, ["unit", "sex", "age", "icd10", "resid", "geo"])
    year_columns = [(index, int(name)) for index, name in enumerate(header) if re.fullmatch(r"\d{4}", name)]
    if not year_columns:
        raise SourceError(path, "no year columns (expected headers like '2016')", row=1)
    out = []
    for offset, row in enumerate(data, start=2):
        if not row:
            continue
        if row[position["icd10"]] != "TOXICO":
            continue
        if row[position["resid"]] != "TOT_IN":
            continue
        if row[position["unit"]] != "NR":
            raise SourceError(path, f"unexpected unit {row[position['unit']]!r}", row=offset, column="unit")
        geo = row[position["geo"]]
        if geo in EUROSTAT_AGGREGATES:
            continue
        iso3 = iso3_by_eurostat.get(geo)
        if iso3 is None:
            raise SourceError(path, f"unknown geo code {geo!r}", row=offset, column="geo")
        sex = EUROSTAT_SEX.get(row[position["sex"]])
        age = EUROSTAT_AGE.get(row[position["age"]])
        if sex is None or age is None:
            raise SourceError(path, f"unknown sex/age code {row[position['sex']]!r}/{row[position['age']]!r}",
                              row=offset, column="sex/age")
        for index, year in year_columns:
            text = row[index].strip()
            match = _EUROSTAT_CELL.fullmatch(text)
            if not match:
                raise SourceError(path, f"expected a number or ':' with optional flag, found {text!r}",
                                  row=offset, column=header[index])
            number = match["number"]
            value = None if number == ":" else float(number)
            out.append((iso3, year, sex, age, value, match["flag"] or None))
    return out
