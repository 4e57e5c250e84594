"""Where the raw sources are, how the hand-maintained reference CSVs are read, and what a build error is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard import settings, sources
from dashboard.sources import SourceError

# EMCDDA workbooks in their downloaded layout: file -> (indicator, sex, age group). The sheet name is the table ID.
EMCDDA_WIDE_TABLES = {
    "drugDeaths/maleDeaths.xlsx": ("drd_deaths", "male", "total"),
    "drugDeaths/femaleDeaths.xlsx": ("drd_deaths", "female", "total"),
    **{f"drugDeaths/deaths{band}.xlsx": ("drd_deaths", "total", band.replace("-inf", "+"))
       for band in ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54",
                    "55-59", "60-64", "65-inf"]},
    "drugDeaths/meanDeathAge.xlsx": ("drd_mean_age_at_death", "total", "total"),
    "socialResponses/methadoneClients.xlsx": ("ost_methadone_clients", "total", "total"),
    "socialResponses/syringesProvision.xlsx": ("syringes_distributed", "total", "total"),
    **{f"drugOffenses/{drug}{kind}.xlsx": (f"dlo_offences_{drug}_{offence}", "total", "total")
       for drug in ["cannabis", "heroin", "cocaine", "ecstasy"]
       for kind, offence in [("Users", "use"), ("Suppliers", "supply")]},
    **{f"treatmentDemand_throughTheYears/{drug}Treatment.xlsx": (f"tdi_entrants_{drug}", "total", "total")
       for drug in ["heroin", "cocaine", "cannabis"]},
}
EMCDDA_OST_BY_MEDICATION = "socialResponses/opioidSubstitutionTreatment.xlsx"
POPULATION_YEARS = range(1990, 2031)
POPULATION_LAST_ESTIMATE = 2015  # WPP 2017: later years are projections


@dataclass(frozen=True)
class BuildInputs:
    """Where each raw source lives; defaults follow the ../shared/data layout."""

    source_dir: Path
    emcdda_dir: Path
    emcdda_edition: str
    reference_dir: Path

    @classmethod
    def from_source_dir(cls, source_dir: Path, emcdda_dir: Path | None = None, emcdda_edition: str = "2019",
                        reference_dir: Path | None = None) -> BuildInputs:
        return cls(source_dir=source_dir,
                   emcdda_dir=emcdda_dir or source_dir / "emcdda_statistical_bulletin_2019" / "raw",
                   emcdda_edition=emcdda_edition,
                   reference_dir=reference_dir or settings.REFERENCE_DIR)


class BuildError(Exception):
    """The build stopped; the previous extracts are untouched."""


def _read_reference(path: Path, required: list[str]) -> list[dict[str, str]]:
    header, rows = sources.read_csv(path)  # also checks every row has the header's width
    sources.require_columns(path, header, required)
    return [dict(zip(header, row, strict=True)) for row in rows if row]


def norwegian(columns: tuple[str, ...]) -> list[str]:
    """The Norwegian columns beside English prose columns: 'eligibility' -> 'eligibility_no'."""
    return [f"{column}_no" for column in columns]


def _read_translated(path: Path, required: list[str], translated: tuple[str, ...]) -> list[dict[str, str]]:
    """A reference file whose prose a reader sees in either language: beside each English column of `translated`
    its Norwegian (column_no), filled in exactly where the English is, so no text is silently English on a
    Norwegian page and no Norwegian outlives an English text that was deleted."""
    rows = _read_reference(path, [*required, *norwegian(translated)])
    for number, row in enumerate(rows, start=2):
        for column in translated:
            english, translation = row[column].strip(), row[f"{column}_no"].strip()
            if english and not translation:
                raise SourceError(path, f"{column}_no is empty: write the Norwegian beside the English "
                                        f"(README: Norsk og engelsk)", row=number, column=f"{column}_no")
            if translation and not english:
                raise SourceError(path, f"{column}_no has text but {column} is empty: delete the Norwegian too, "
                                        f"or write the English", row=number, column=f"{column}_no")
    return rows


def _boolean(text: str, path: Path, row: int, column: str) -> bool:
    if text not in ("true", "false"):
        raise SourceError(path, f"expected true or false, found {text!r}", row=row, column=column)
    return text == "true"


def _int_or_none(text: str | None) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    return int(float(text))


