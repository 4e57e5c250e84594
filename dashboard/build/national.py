"""National figures as published: one fact and one sources row per value (data/reference/national_figures.csv)."""

from __future__ import annotations

from pathlib import Path

from dashboard import sources
from dashboard.build.facts import Fact
from dashboard.sources import SourceError

# National figures as published (data/reference/national_figures.csv): measure -> indicator.
NATIONAL_MEASURES = {"deaths": "national_drug_deaths",
                     "rate_per_million_age_standardised": "national_drug_death_rate_age_std"}
NATIONAL_COLUMNS = ["iso3", "geography", "year", "measure", "value", "unit", "definition", "publisher",
                    "source_title", "source_url", "published", "quote", "accessed", "note"]
NATIONAL_TRANSLATED = ("definition",)  # shown with the value; the quote stays as published


def _national_figures(rows: list[dict[str, str]], countries: list[dict[str, str]],
                      path: Path) -> tuple[list[Fact], list[dict]]:
    """Facts and one sources row per value: each national figure cites the page it was read from."""
    geography = {(c["part_of"] or c["iso3"], c["name_en"]): c["iso3"] for c in countries}
    name_no = {c["iso3"]: c["name_no"] or c["name_en"] for c in countries}
    facts, cited = [], []
    for number, row in enumerate(rows, start=2):
        code = geography.get((row["iso3"], row["geography"]))
        if code is None:
            raise SourceError(path, f"unknown geography {row['geography']!r} of {row['iso3']!r} (add it to "
                                    f"countries.csv, with part_of for a part of a country)", row=number,
                              column="geography")
        indicator = NATIONAL_MEASURES.get(row["measure"])
        if indicator is None:
            raise SourceError(path, f"unknown measure {row['measure']!r}; known: {', '.join(NATIONAL_MEASURES)}",
                              row=number, column="measure")
        for column in ("source_title", "quote", "publisher", "definition"):
            if not row[column].strip():
                raise SourceError(path, f"every national figure needs its {column}", row=number, column=column)
        if not row["source_url"].startswith(("https://", "http://")):
            raise SourceError(path, "expected the URL of the page the figure was read from", row=number,
                              column="source_url")
        year = sources.parse_year(row["year"], path, number, "year")
        value = sources.parse_number(row["value"], path, None, number, "value")
        source_id = f"NAT-{code}-{year}-{row['measure']}"
        published = f", {row['published']}" if row["published"] else ""
        credit = f"{row['publisher']}{published}, as quoted in: {row['source_title']}."
        cited.append({
            "source_id": source_id, "title": row["source_title"], "publisher": row["publisher"],
            "edition": row["published"] or "publication date not shown on the page", "table_id": None,
            "url": row["source_url"], "licence": "the publisher's terms (not verified; quoted as a published fact)",
            "attribution": credit, "full_credit": f"{credit} Quote: \"{row['quote']}\"",
            "origin": f"stored copy of {row['source_url']}, read for data/reference/national_figures.csv",
            "retrieved": row["accessed"] or None, "kind": "external", "edition_inferred": False})
        facts.append(Fact(code, year, indicator, "total", "total", value, source_id,
                          quality_flags=("national_definition",),
                          note=f"{row['publisher']} ({row['geography']}): {row['definition']}",
                          note_no=f"{row['publisher']} ({name_no[code]}): {row['definition_no']}"))
    return facts, cited

