"""Exports: a ChartView as PNG, SVG, PDF, offline HTML, CSV or XLSX, and a meeting deck as PPTX, PDF or HTML.

Static images are drawn by Kaleido in a headless Chromium kept warm between calls; HTML, CSV and XLSX need no
browser. Every exported chart carries its title, active filters, source, export date and the link that reopens it.
One module per concern:

- formats: the registry of formats (media type, needs Chromium) and the entry points export_view / export_deck
- renderer: the warm Chromium and the local base maps it draws with
- stamp: file names, the reopen link and the export stamp on every file
- images, web, tables, decks: PNG/SVG/PDF, offline HTML, CSV/XLSX, PPTX/PDF decks

Callers import from here (`from dashboard import export`); the modules import each other directly.
"""

from dashboard.export.decks import SLIDE_CHART, deck_to_pdf, deck_to_pptx
from dashboard.export.formats import (
    DECK_FORMATS,
    FORMATS,
    MEDIA_TYPES,
    VIEW_FORMATS,
    export_deck,
    export_view,
)
from dashboard.export.images import to_pdf, to_png, to_svg
from dashboard.export.renderer import (
    IMAGE_SIZES,
    TABS,
    ExportUnavailable,
    browser_available,
    browser_path,
    ensure_exporter,
    render_image,
    stop_exporter,
    topojson_names,
)
from dashboard.export.stamp import (
    APP_NAME,
    PUBLIC_URL_ENV,
    bare_figure,
    deck_file_name,
    embed_code,
    embed_url,
    export_time,
    file_name,
    now,
    stamp_figure,
    view_url,
)
from dashboard.export.tables import to_csv, to_xlsx
from dashboard.export.web import deck_to_html, to_html

__all__ = [
    "APP_NAME", "DECK_FORMATS", "FORMATS", "IMAGE_SIZES", "MEDIA_TYPES", "PUBLIC_URL_ENV", "SLIDE_CHART", "TABS",
    "VIEW_FORMATS",
    "ExportUnavailable", "bare_figure", "export_time", "now", "browser_available", "browser_path", "deck_file_name",
    "deck_to_html",
    "embed_code", "embed_url",
    "deck_to_pdf", "deck_to_pptx", "ensure_exporter", "export_deck", "export_view", "file_name", "render_image",
    "stamp_figure", "stop_exporter", "to_csv", "to_html", "to_pdf", "to_png", "to_svg", "to_xlsx", "topojson_names",
    "view_url",
]
