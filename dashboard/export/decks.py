"""A meeting deck as PowerPoint (native text, chart pictures, speaker notes) or as a PDF."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from dashboard.charts import ChartView
from dashboard.export.renderer import IMAGE_SIZES, ImageSize, render_images
from dashboard.export.stamp import APP_NAME, bare_figure, export_stamp, stamp_figure, view_url

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5  # 16:9
SLIDE_MARGIN_IN = 0.45
# The chart picture fills the band between the subtitle and the source line, drawn at this layout size.
SLIDE_CHART = ImageSize(1280, 550, 1.5)
_SLIDE_CHART_TOP_IN, _SLIDE_CHART_HEIGHT_IN = 1.5, 5.2
_TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template
PDF_MIN_PLOT_HEIGHT = 380  # px left for the plot on a deck PDF page, however long the note


def deck_to_pptx(slides: Sequence[tuple[ChartView, str]], *, title: str = "Meeting deck",
                 exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """A 16:9 PowerPoint deck, one slide per view: native title, chart picture, filters, source, speaker note."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    exported_on = exported_on or date.today()
    pictures = render_images([(bare_figure(view), "png", SLIDE_CHART) for view, _ in slides])
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    presentation.core_properties.title = title
    presentation.core_properties.author = APP_NAME
    width = SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN
    muted = RGBColor(0x40, 0x40, 0x40)

    def text_box(slide, top: float, height: float, lines: list[tuple[str, float, bool]], url: str | None = None):
        box = slide.shapes.add_textbox(Inches(SLIDE_MARGIN_IN), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for index, (text, size, is_link) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.color.rgb = muted
            if is_link and url:
                run.hyperlink.address = url
        return box

    for (view, note), picture in zip(slides, pictures, strict=True):
        url = view_url(view, base_url)
        slide = presentation.slides.add_slide(presentation.slide_layouts[_TITLE_ONLY_LAYOUT])
        heading = slide.shapes.title
        heading.left, heading.top = Inches(SLIDE_MARGIN_IN), Inches(0.3)
        heading.width, heading.height = Inches(width), Inches(0.75)
        heading.text = view.title
        heading.text_frame.word_wrap = True
        for paragraph in heading.text_frame.paragraphs:
            paragraph.alignment = 1  # left
            for run in paragraph.runs:
                run.font.size, run.font.bold = Pt(28), True
        text_box(slide, 1.02, 0.45, [(view.subtitle, 15, False)])
        chart_width = min(width, _SLIDE_CHART_HEIGHT_IN * SLIDE_CHART.width / SLIDE_CHART.height)
        shape = slide.shapes.add_picture(io.BytesIO(picture), Inches((SLIDE_WIDTH_IN - chart_width) / 2),
                                         Inches(_SLIDE_CHART_TOP_IN), width=Inches(chart_width))
        shape.name = f"Chart: {view.title}"
        shape._element.nvPicPr.cNvPr.set("descr", view.summary or view.title)  # alt text for screen readers
        text_box(slide, 6.72, 0.65, [(view.source_line, 10, False),
                                     *((f"Credit: {credit}", 8, False) for credit in view.credits),
                                     (f"{export_stamp(exported_on)} · Reopen this view: {url}", 10, True)], url)
        slide.notes_slide.notes_text_frame.text = note
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _pdf_page_figure(view: ChartView, note: str, exported_on: date, url: str) -> tuple[go.Figure, ImageSize]:
    """The stamped chart with the speaker note, on a 16:9 page that grows when the words need room."""
    figure = stamp_figure(view, exported_on=exported_on, view_url=url, note=note)
    size = IMAGE_SIZES["slide"]
    margins = (figure.layout.margin.t or 0) + (figure.layout.margin.b or 0)
    return figure, ImageSize(size.width, max(size.height, int(margins) + PDF_MIN_PLOT_HEIGHT), 1)


def deck_to_pdf(slides: Sequence[tuple[ChartView, str]], *, title: str = "Meeting deck",
                exported_on: date | None = None, base_url: str | None = None) -> bytes:
    """One vector PDF page per view (title, filters, chart, caveats, note, source, link), with bookmarks."""
    from pypdf import PdfReader, PdfWriter

    exported_on = exported_on or date.today()
    pages = [_pdf_page_figure(view, note, exported_on, view_url(view, base_url)) for view, note in slides]
    documents = render_images([(figure, "pdf", size) for figure, size in pages])
    writer = PdfWriter()
    for (view, _), document in zip(slides, documents, strict=True):
        page_number = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(document)))
        writer.add_outline_item(view.title, page_number)
    writer.add_metadata({"/Title": title, "/Creator": APP_NAME, "/Subject": export_stamp(exported_on)})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


