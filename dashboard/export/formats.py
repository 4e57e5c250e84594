"""The export formats, one registry: media type, whether Chromium is needed, and the one entry point."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from dashboard import i18n, views
from dashboard.charts import ChartView
from dashboard.export.decks import deck_to_pdf, deck_to_pptx
from dashboard.export.images import to_pdf, to_png, to_svg
from dashboard.export.tables import to_csv, to_xlsx
from dashboard.export.web import deck_to_html, to_html
from dashboard.slides import Slide, view_slide


@dataclass(frozen=True)
class Format:
    """One export format: what the browser is told it is, and where it can be used."""

    name: str
    media_type: str
    needs_browser: bool  # drawn by Chromium (images, and the chart pictures of a deck)
    for_view: bool
    for_deck: bool
    extension: str = ""  # the file's extension when it is not the name ('handout' is a PDF)

    @property
    def suffix(self) -> str:
        return self.extension or self.name


FORMATS = {f.name: f for f in [
    Format("png", "image/png", needs_browser=True, for_view=True, for_deck=False),
    Format("svg", "image/svg+xml", needs_browser=True, for_view=True, for_deck=False),
    Format("pdf", "application/pdf", needs_browser=True, for_view=True, for_deck=True),
    # The PDF deck with the speaker notes printed under each slide, for the presenter or the minutes.
    Format("handout", "application/pdf", needs_browser=True, for_view=False, for_deck=True, extension="pdf"),
    Format("html", "text/html", needs_browser=False, for_view=True, for_deck=True),
    Format("csv", "text/csv", needs_browser=False, for_view=True, for_deck=False),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", needs_browser=False,
           for_view=True, for_deck=False),
    Format("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", needs_browser=True,
           for_view=True, for_deck=True),
]}
MEDIA_TYPES = {name: f.media_type for name, f in FORMATS.items()}
VIEW_FORMATS = tuple(name for name, f in FORMATS.items() if f.for_view)
DECK_FORMATS = ("pptx", "pdf", "handout", "html")  # in the order the meeting page offers them


def export_view(view: ChartView, fmt: str, *, scale: str = "slide", exported_on: date | None = None,
                base_url: str | None = None, note: str = "") -> bytes:
    """The view in one of VIEW_FORMATS; 'pptx' is a one-slide deck carrying the note."""
    if fmt == "png":
        return to_png(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "svg":
        return to_svg(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "pdf":
        return to_pdf(view, scale, exported_on=exported_on, base_url=base_url)
    if fmt == "html":
        return to_html(view, exported_on=exported_on, base_url=base_url)
    if fmt == "csv":
        return to_csv(view, exported_on=exported_on, base_url=base_url)
    if fmt == "xlsx":
        return to_xlsx(view, exported_on=exported_on, base_url=base_url)
    if fmt == "pptx":  # in the view's language, as every other format of a view
        with i18n.language(views.view_language(view)):
            return deck_to_pptx([view_slide(view, note)], title=view.title, exported_on=exported_on,
                                base_url=base_url, framed=False)
    raise ValueError(f"Unknown export format {fmt!r}; choose one of {', '.join(VIEW_FORMATS)}.")


def export_deck(slides: Sequence[Slide], fmt: str, *, title: str = "Meeting deck", exported_on: date | None = None,
                base_url: str | None = None, editions: tuple[str, ...] = (), lang: str | None = None) -> bytes:
    """A whole deck in one of DECK_FORMATS; `editions` name the data editions on its record slide. `lang`: the
    language of what the file says about the deck (cover, stamps, record; None: the language in force); each
    slide's view keeps its own."""
    makers = {"pptx": deck_to_pptx, "pdf": deck_to_pdf, "handout": partial(deck_to_pdf, notes=True),
              "html": deck_to_html}
    if fmt not in makers:
        raise ValueError(f"Unknown deck format {fmt!r}; choose one of {', '.join(DECK_FORMATS)}.")
    with i18n.language(lang or i18n.current()):
        return makers[fmt](slides, title=title, exported_on=exported_on, base_url=base_url, editions=editions)
