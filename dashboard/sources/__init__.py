"""Readers for the raw sources in their published layouts; each returns tidy rows or raises SourceError.

One module per family: cells (the error, numbers, years, CSV files), emcdda (the Statistical Bulletin
workbooks), tables (WPP population, IHME and Eurostat CSVs), geo (the map's GeoJSON and marker positions).
Callers import from here (`from dashboard import sources`).
"""

from dashboard.sources.cells import SourceError, parse_number, parse_year, read_csv, require_columns
from dashboard.sources.emcdda import read_emcdda_ost_by_medication, read_emcdda_wide
from dashboard.sources.geo import contains, interior_point, read_geojson
from dashboard.sources.tables import read_eurostat_toxico, read_ihme, read_owid_population

__all__ = ["SourceError", "contains", "interior_point", "parse_number", "parse_year", "read_csv",
           "read_emcdda_ost_by_medication",
           "read_emcdda_wide", "read_eurostat_toxico", "read_geojson", "read_ihme", "read_owid_population",
           "require_columns"]
