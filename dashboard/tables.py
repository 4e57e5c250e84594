"""The tables shown beside the charts, in words: the programme register and the indicators' definitions."""

from __future__ import annotations

import pandas as pd

from dashboard.catalog import Catalog
from dashboard.figures import PHASE_STYLES, programme_phase, programme_years_text, records, source_list


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
        "Sources disagree": programmes["conflict_flag"].fillna(""),
        "First source": [next(iter(source_list(urls)), None) for urls in programmes["source_urls"]],
    })


def definitions_table(catalog: Catalog) -> pd.DataFrame:
    """Every indicator's definition and caveat, one row each (the Data page's 'Definitions' tab)."""
    return pd.DataFrame([{"Indicator": i.label, "Unit": i.unit, "Kind": i.kind, "Years": f"{i.year_min}-{i.year_max}",
                          "Definition": i.definition, "Caveat": i.caveat} for i in catalog.indicators.values()])
