"""The tables shown beside the charts, in words: the programme register and the indicators' definitions."""

from __future__ import annotations

import pandas as pd

from dashboard import i18n, vocabulary
from dashboard.catalog import Catalog
from dashboard.figures import is_rate_unit, programme_phase, programme_years_text, records, source_list
from dashboard.figures.programmes import phase_label, status_text
from dashboard.i18n import N_, tr

# What kind of figure an indicator is (indicators.csv, kind), as the Data page's definitions say it.
KINDS = {"reported": N_("reported"), "computed": N_("computed"), "modelled": N_("modelled"),
         "national": N_("national"), "cause_of_death": N_("cause of death")}


def programme_table(programmes: pd.DataFrame) -> pd.DataFrame:
    """The programme table shown under the timeline: one row per programme, in words."""
    return pd.DataFrame({
        tr("Country"): programmes["country"],
        tr("Programme"): programmes["programme_name"],
        tr("City or sites"): programmes["city_or_sites"],
        tr("Type"): programmes["programme_type"],
        tr("Drawn as"): [phase_label(programme_phase(row)) for row in records(programmes)],
        tr("Treated patients"): programmes["treated_patients"].map({True: tr("yes"), False: tr("no")}),
        tr("Years"): [programme_years_text(start, end)
                  for start, end in zip(programmes["start_year"], programmes["end_year"], strict=True)],
        tr("Dates"): [tr(" to ").join(d for d in (start, end) if isinstance(d, str)) or ""
                  for start, end in zip(programmes["start_date"], programmes["end_date"], strict=True)],
        tr("Status"): [status_text(status) for status in programmes["status"]],
        tr("Status as of"): programmes["status_as_of"],
        tr("Patients"): programmes["patients"],
        tr("Eligibility"): programmes["eligibility"],
        tr("Medication"): programmes["medication_form"],
        tr("What its evaluation found"): programmes["outcomes"].fillna(""),
        tr("Sources disagree"): programmes["conflict_flag"].fillna(""),
        tr("First source"): [next(iter(source_list(urls)), None) for urls in programmes["source_urls"]],
    })


def definitions_table(catalog: Catalog) -> pd.DataFrame:
    """Every indicator's definition and caveat, one row each (the Data page's 'Definitions' tab)."""
    return pd.DataFrame([{tr("Indicator"): i.label, tr("Unit"): vocabulary.unit(i.unit),
                          tr("Kind"): tr(KINDS[i.kind]) if i.kind in KINDS else i.kind,
                          tr("Years"): i18n.year_range(i.year_min, i.year_max), tr("Definition"): i.definition,
                          tr("Caveat"): i.caveat} for i in catalog.indicators.values()])


# How the app's tables show a query's columns to people: a label and, for numbers, a display format. The data
# underneath keep their names and every digit (the CSV and XLSX exports hold the query result as it is).
COLUMN_LABELS = {
    "iso3": N_("ISO-3"), "country": N_("Country"), "year": N_("Year"), "value": N_("Value"),
    "numerator": N_("Deaths"), "denominator": N_("Population"), "previous_value": N_("Previous year"),
    "change": N_("Change"), "change_pct": N_("Change %"), "rank": N_("Rank"),
    "ranked_countries": N_("Countries ranked"), "unit": N_("Unit"), "source_id": N_("Source ID"),
    "source": N_("Source"), "source_publisher": N_("Publisher"), "full_credit": N_("Full credit"),
    "country_note": N_("Country note"), "flag": N_("Flag as published"), "quality_flags": N_("Our flags"),
    "value_note": N_("Note on the value"), "base_value": N_("Base-year value"), "plotted": N_("Drawn as"),
    "programme_id": N_("Programme ID"), "city_or_sites": N_("City or sites"), "programme_name": N_("Programme"),
    "programme_name_en": N_("In English"), "programme_type": N_("Type"), "phase": N_("Phase"),
    "display_group": N_("Drawn as"), "treated_patients": N_("Treated patients"), "start_year": N_("Start year"),
    "start_date": N_("Start date"), "end_year": N_("End year"), "end_date": N_("End date"), "status": N_("Status"),
    "status_as_of": N_("Status as of"), "patients_numeric": N_("Patients (headline)"),
    "patients_numeric_year": N_("Patients: year"), "patients_numeric_basis": N_("Patients: what is counted"),
    "patients": N_("Patients"), "eligibility": N_("Eligibility"), "medication_form": N_("Medication"),
    "capacity_note": N_("Capacity"), "conflict_flag": N_("Sources disagree"), "notes": N_("Notes"),
    "outcomes": N_("What its evaluation found"), "source_titles": N_("Sources"), "source_urls": N_("Source links"),
    "centroid_lat": N_("Latitude"), "centroid_lon": N_("Longitude"), "title": N_("Title"),
    "publisher": N_("Publisher"), "edition": N_("Edition"), "table_id": N_("Table"), "url": N_("Link"),
    "licence": N_("Licence"), "attribution": N_("Credit line"), "kind": N_("Kind"), "label": N_("Label"),
    "explanation": N_("What it means"), "values_flagged": N_("Values flagged"),
    # the comparability notes (dashboard/comparability.Comparability.table)
    "what": N_("What"), "countries": N_("Countries"), "note": N_("Note"),
}
YEARS = {"year", "start_year", "end_year"}  # never '2,016'
COUNTS = {"rank", "ranked_countries", "numerator", "denominator", "patients_numeric", "values_flagged"}
ONE_DECIMAL = {"change_pct", "centroid_lat", "centroid_lon"}
VALUE_COLUMNS = {"value", "previous_value", "change", "base_value", "plotted"}
# Streamlit NumberColumn formats: printf, or "localized" (thousands separators in the reader's locale).
COUNT_FORMAT = "localized"


def readable_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the page shows it: units in the reader's language (the query's codes stay English, as the CSV
    and the SQL write them). The table itself when there is nothing to say differently."""
    if "unit" not in table or i18n.current() == i18n.ENGLISH:
        return table
    return table.assign(unit=table["unit"].map(lambda name: vocabulary.unit(name) if isinstance(name, str) else name))


def single_unit(table: pd.DataFrame) -> str | None:
    """The unit of a query table's values when it has one (a 'unit' column with one value), else None."""
    units = table["unit"].dropna().unique() if "unit" in table else []
    return str(units[0]) if len(units) == 1 else None


def reader_number(number_format: str | None):
    """A column's number format ('%.1f', 'localized') as a function writing a cell the reader's way ('81,8',
    '3 256'), for the languages whose separators Streamlit's printf formats cannot write; None: keep the format
    ('%d' years, text)."""
    decimals = {"%.1f": 1, "%.2f": 2, "%.0f": 0, COUNT_FORMAT: 0}.get(number_format or "")
    if decimals is None:
        return None
    return lambda value: "" if pd.isna(value) else i18n.number(float(value), decimals)


def column_display(table: pd.DataFrame, unit: str | None = None) -> dict[str, tuple[str, str | None]]:
    """name -> (label, number format or None) for the columns of a query table; the values in `unit` (a rate:
    one decimal, as in the hover; a count: whole numbers) and the known counts and years get a format."""
    value_format = "%.1f" if unit is None or is_rate_unit(unit) else COUNT_FORMAT
    shown = {}
    for column in table.columns:
        label = tr(COLUMN_LABELS[column]) if column in COLUMN_LABELS else column.replace("_", " ").capitalize()
        number = ("%d" if column in YEARS else COUNT_FORMAT if column in COUNTS else "%.1f" if column in ONE_DECIMAL
                  else value_format if column in VALUE_COLUMNS else None)
        shown[column] = (label, number if pd.api.types.is_numeric_dtype(table[column]) else None)
    return shown
