"""The tables shown beside the charts, in words: the programme register and the indicators' definitions."""

from __future__ import annotations

import pandas as pd

from dashboard.catalog import Catalog
from dashboard.figures import PHASE_STYLES, is_rate_unit, programme_phase, programme_years_text, records, source_list


def programme_table(programmes: pd.DataFrame) -> pd.DataFrame:
    """The programme table shown under the timeline: one row per programme, in words."""
    return pd.DataFrame({
        "Country": programmes["country"],
        "Programme": programmes["programme_name"],
        "City or sites": programmes["city_or_sites"],
        "Type": programmes["programme_type"],
        "Drawn as": [PHASE_STYLES[programme_phase(row)]["label"] for row in records(programmes)],
        "Treated patients": programmes["treated_patients"].map({True: "yes", False: "no"}),
        "Years": [programme_years_text(start, end)
                  for start, end in zip(programmes["start_year"], programmes["end_year"], strict=True)],
        "Dates": [" to ".join(d for d in (start, end) if isinstance(d, str)) or ""
                  for start, end in zip(programmes["start_date"], programmes["end_date"], strict=True)],
        "Status": programmes["status"],
        "Status as of": programmes["status_as_of"],
        "Patients": programmes["patients"],
        "Eligibility": programmes["eligibility"],
        "Medication": programmes["medication_form"],
        "What its evaluation found": programmes["outcomes"].fillna(""),
        "Sources disagree": programmes["conflict_flag"].fillna(""),
        "First source": [next(iter(source_list(urls)), None) for urls in programmes["source_urls"]],
    })


def definitions_table(catalog: Catalog) -> pd.DataFrame:
    """Every indicator's definition and caveat, one row each (the Data page's 'Definitions' tab)."""
    return pd.DataFrame([{"Indicator": i.label, "Unit": i.unit, "Kind": i.kind, "Years": f"{i.year_min}-{i.year_max}",
                          "Definition": i.definition, "Caveat": i.caveat} for i in catalog.indicators.values()])


# How the app's tables show a query's columns to people: a label and, for numbers, a display format. The data
# underneath keep their names and every digit (the CSV and XLSX exports hold the query result as it is).
COLUMN_LABELS = {
    "iso3": "ISO-3", "country": "Country", "year": "Year", "value": "Value", "numerator": "Deaths",
    "denominator": "Population", "previous_value": "Previous year", "change": "Change", "change_pct": "Change %",
    "rank": "Rank", "ranked_countries": "Countries ranked", "unit": "Unit", "source_id": "Source ID",
    "source": "Source", "source_publisher": "Publisher", "full_credit": "Full credit", "country_note": "Country note",
    "flag": "Flag as published", "quality_flags": "Our flags", "value_note": "Note on the value",
    "base_value": "Base-year value", "plotted": "Drawn as", "programme_id": "Programme ID",
    "city_or_sites": "City or sites", "programme_name": "Programme", "programme_name_en": "In English",
    "programme_type": "Type", "phase": "Phase", "display_group": "Drawn as", "treated_patients": "Treated patients",
    "start_year": "Start year", "start_date": "Start date", "end_year": "End year", "end_date": "End date",
    "status": "Status", "status_as_of": "Status as of", "patients_numeric": "Patients (headline)",
    "patients_numeric_year": "Patients: year", "patients_numeric_basis": "Patients: what is counted",
    "patients": "Patients", "eligibility": "Eligibility", "medication_form": "Medication",
    "capacity_note": "Capacity", "conflict_flag": "Sources disagree", "notes": "Notes",
    "outcomes": "What its evaluation found",
    "source_titles": "Sources", "source_urls": "Source links", "centroid_lat": "Latitude",
    "centroid_lon": "Longitude", "title": "Title", "publisher": "Publisher", "edition": "Edition",
    "table_id": "Table", "url": "Link", "licence": "Licence", "attribution": "Credit line", "kind": "Kind",
    "label": "Label", "explanation": "What it means", "values_flagged": "Values flagged",
}
YEARS = {"year", "start_year", "end_year"}  # never '2,016'
COUNTS = {"rank", "ranked_countries", "numerator", "denominator", "patients_numeric", "values_flagged"}
ONE_DECIMAL = {"change_pct", "centroid_lat", "centroid_lon"}
VALUE_COLUMNS = {"value", "previous_value", "change", "base_value", "plotted"}
# Streamlit NumberColumn formats: printf, or "localized" (thousands separators in the reader's locale).
COUNT_FORMAT = "localized"


def column_display(table: pd.DataFrame, unit: str | None = None) -> dict[str, tuple[str, str | None]]:
    """name -> (label, number format or None) for the columns of a query table; the values in `unit` (a rate:
    one decimal, as in the hover; a count: whole numbers) and the known counts and years get a format."""
    value_format = "%.1f" if unit is None or is_rate_unit(unit) else COUNT_FORMAT
    shown = {}
    for column in table.columns:
        label = COLUMN_LABELS.get(column, column.replace("_", " ").capitalize())
        number = ("%d" if column in YEARS else COUNT_FORMAT if column in COUNTS else "%.1f" if column in ONE_DECIMAL
                  else value_format if column in VALUE_COLUMNS else None)
        shown[column] = (label, number if pd.api.types.is_numeric_dtype(table[column]) else None)
    return shown
