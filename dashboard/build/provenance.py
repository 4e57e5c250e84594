"""The sources table rows of the EMCDDA workbooks: which copy was read, which edition (inferred)."""

from __future__ import annotations

from dashboard.build.inputs import BuildInputs

EMCDDA_LICENCE = "EMCDDA/EUDA: reproduction authorised provided the source is acknowledged"
# Where the shipped EMCDDA workbooks were copied from (../shared/data/emcdda_statistical_bulletin_2019/PROVENANCE.md).
EMCDDA_SHIPPED_COPY = ("danilo1214/PR20ddpdjphv@4e22ef4854b1d15fd7c3be13ce5a35f630c9aa41 (a student project's "
                       "byte-identical copy of the EMCDDA downloads, exported 2020-03-20), path tables/")
SOURCE_COLUMNS = ["source_id", "title", "publisher", "edition", "table_id", "url", "licence", "attribution",
                  "full_credit", "origin", "retrieved", "kind"]


def _emcdda_sources(inputs: BuildInputs, tables: dict[str, tuple[str, str]]) -> list[dict]:
    """One sources row per EMCDDA table, saying which copy of the workbook we read and that the edition is inferred."""
    shipped = inputs.emcdda_dir.resolve() == BuildInputs.from_source_dir(inputs.source_dir).emcdda_dir.resolve()
    edition = inputs.emcdda_edition
    rows = []
    for source_id, (table_id, relative) in sorted(tables.items()):
        credit = f"EMCDDA, Statistical Bulletin {edition}, table {table_id}."
        origin = (EMCDDA_SHIPPED_COPY + relative.replace("treatmentDemand_throughTheYears/",
                                                         "treatmentDemand/throughTheYears/")
                  if shipped else f"workbook {relative} in the folder given to the build (--emcdda-dir)")
        rows.append({
            "source_id": source_id, "title": f"Statistical Bulletin {edition}, table {table_id}",
            "publisher": "EMCDDA (now EUDA)",
            "edition": f"Statistical Bulletin {edition} (inferred from the latest data year, not stated in the files)",
            "table_id": table_id, "url": f"https://www.emcdda.europa.eu/data/stats{edition}",
            "licence": EMCDDA_LICENCE, "attribution": credit, "full_credit": credit, "origin": origin,
            "retrieved": "2020-05-27 (date of the copy's commit; the EMCDDA export is dated 2020-03-20)"
                         if shipped else None,
            "kind": "external", "edition_inferred": True})
    return rows

