"""A meeting deck as PowerPoint (native text and tables, chart pictures, speaker notes in the notes pane) or as a
PDF (one page a slide; the notes only in the handout, when asked for).

A deck opens with its title slide (the deck's title, or its own first title slide) and ends with the record of
what was shown: the export time, the data editions, every slide's source and the link to reopen each view.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import plotly.graph_objects as go

from dashboard import figures, i18n, views
from dashboard.export.renderer import IMAGE_SIZES, ImageSize, render_images
from dashboard.export.stamp import (
    APP_NAME,
    bare_figure,
    credit_line,
    export_stamp,
    note_line,
    now,
    reopen_line,
    stamp_figure,
    view_url,
)
from dashboard.figures.formatting import esc, wrap_lines
from dashboard.i18n import ntr, tr
from dashboard.slides import Slide, SlideTable

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5  # 16:9
SLIDE_MARGIN_IN = 0.45
# The chart picture fills the band between the subtitle and the source line, drawn at this layout size (a chart
# whose rows need more height, the programme timeline, is drawn taller and fitted into the band).
SLIDE_CHART = ImageSize(1280, 550, 1.5)
_SLIDE_CHART_TOP_IN, _SLIDE_CHART_HEIGHT_IN = 1.5, 5.2
_TITLE_ONLY_LAYOUT, _TITLE_LAYOUT = 5, 0  # in python-pptx's default template
PDF_MIN_PLOT_HEIGHT = 380  # px left for the plot on a deck PDF page, however long the note
_MUTED = (0x40, 0x40, 0x40)
SUBTITLE_LINE_CHARACTERS = 110  # of a slide's subtitle in 15 pt across the slide


@dataclass(frozen=True)
class DeckRecord:
    """What a deck says about itself on its first and last slide (in the language in force when it is made:
    export_deck enters the deck's)."""

    title: str
    exported_on: date  # a datetime for decks: the minute of export is named
    editions: tuple[str, ...] = ()  # citations.edition_lines: the data editions the numbers come from
    base_url: str | None = None


def slide_picture(view) -> tuple[go.Figure, ImageSize]:
    """A slide's chart as its picture is drawn: framed for the slide band (a map's key beside it, a timeline's
    rows fitted so that every label is drawn), taller than the band only when its rows need it."""
    figure = bare_figure(view)
    needed = figures.rows_height(figure)
    size = ImageSize(SLIDE_CHART.width, max(SLIDE_CHART.height, round(needed or 0)), SLIDE_CHART.scale)
    return figures.resized_figure(figure, size.height, key_beside=True, width=size.width), size


def _sources(slide: Slide) -> str:
    """A view slide's sources without the line's own 'Source: ' (in the view's language: 'Kilde: ')."""
    with i18n.language(views.view_language(slide.view)):
        return slide.source_line.removeprefix(tr("Source") + ": ")


def record_lines(slides: Sequence[Slide], record: DeckRecord) -> list[str]:
    """The last slide's text: the stamp, the editions, then each view slide's source and link."""
    lines = [f"{export_stamp(record.exported_on)}.", *record.editions]
    for number, slide in enumerate(slides, start=1):
        if slide.view is not None:
            lines.append(tr("Slide {slide}: {sources} Reopen: {url}", slide=number, sources=_sources(slide),
                            url=view_url(slide.view, record.base_url)))
    return lines


def _language_tag() -> str:
    """The language the deck's text is in, as Office names it ('en-GB', 'nb-NO')."""
    return i18n.LOCALES[i18n.current()].replace("_", "-")


def deck_to_pptx(slides: Sequence[Slide], *, title: str = "Meeting deck", exported_on: date | None = None,
                 base_url: str | None = None, editions: tuple[str, ...] = (), framed: bool = True) -> bytes:
    """A 16:9 PowerPoint deck: a title slide, one slide per deck slide (native title, chart picture or native
    table, filters, source, speaker note in the notes pane), and the record slide. `framed=False`: the slides
    alone (one view exported as PPTX)."""
    from pptx import Presentation

    record = DeckRecord(title, exported_on or now(), editions, base_url)
    views = [slide.view for slide in slides if slide.kind == "chart" and slide.view is not None]
    drawn = [slide_picture(view) for view in views]
    # a deck of tables and words needs no browser (nothing to draw)
    images = render_images([(figure, "png", size) for figure, size in drawn]) if drawn else []
    pictures = iter(zip(images, [size for _, size in drawn], strict=True))
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = _inches(SLIDE_WIDTH_IN), _inches(SLIDE_HEIGHT_IN)
    presentation.core_properties.title = title
    presentation.core_properties.author = APP_NAME
    presentation.core_properties.subject = export_stamp(record.exported_on)
    presentation.core_properties.language = _language_tag()
    opens_with_title = bool(slides) and slides[0].kind == "title"
    if framed and not opens_with_title:
        count = ntr("{n} slide", "{n} slides", len(slides))
        _cover(presentation, title, f"{count}\n{export_stamp(record.exported_on)}", "")
    for slide in slides:
        if slide.kind == "title":
            _cover(presentation, slide.title, slide.text, slide.note)
        elif slide.kind == "text":
            page = _titled(presentation, slide.title)
            _text_box(page, 1.2, 5.6, [(slide.text, 24)])
            page.notes_slide.notes_text_frame.text = slide.note
        else:
            _view_slide(presentation, slide, next(pictures) if slide.kind == "chart" else None, record)
    if framed:
        page = _titled(presentation, tr("About these slides"))
        lines = record_lines(slides, record)
        _text_box(page, 1.2, 5.9, [(line, 14 if index < 1 + len(record.editions) else 11)
                                   for index, line in enumerate(lines)])
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _inches(value: float):
    from pptx.util import Inches

    return Inches(value)


def _titled(presentation, title: str):
    """A title-only slide with the heading set left, bold, 28 pt, wrapping."""
    from pptx.util import Pt

    page = presentation.slides.add_slide(presentation.slide_layouts[_TITLE_ONLY_LAYOUT])
    heading = page.shapes.title
    heading.left, heading.top = _inches(SLIDE_MARGIN_IN), _inches(0.3)
    heading.width, heading.height = _inches(SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN), _inches(0.75)
    heading.text = title
    heading.text_frame.word_wrap = True
    # One line where it can be: a long title in smaller type (LibreOffice's stand-in fonts run wider).
    points = 28 if len(title) <= 40 else 24 if len(title) <= 60 else 20
    for paragraph in heading.text_frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size, run.font.bold = Pt(points), True
    return page


def _cover(presentation, title: str, subtitle: str, note: str) -> None:
    page = presentation.slides.add_slide(presentation.slide_layouts[_TITLE_LAYOUT])
    page.shapes.title.text = title
    page.placeholders[1].text = subtitle
    page.notes_slide.notes_text_frame.text = note


def _text_box(page, top: float, height: float, lines: list[tuple[str, float]], url: str | None = None,
              link_last: bool = False, bottom: bool = False):
    """A text box of muted lines; `bottom`: the words sit on the box's lower edge (a long source line grows up
    into the space above, never off the slide)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    box = page.shapes.add_textbox(_inches(SLIDE_MARGIN_IN), _inches(top),
                                  _inches(SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN), _inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    if bottom:
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    for index, (text, size) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.color.rgb = RGBColor(*_MUTED)
        if link_last and url and index == len(lines) - 1:
            run.hyperlink.address = url
    return box


def _view_slide(presentation, slide: Slide, picture: tuple[bytes, ImageSize] | None, record: DeckRecord) -> None:
    view = slide.view
    url = view_url(view, record.base_url)
    page = _titled(presentation, slide.title)
    # 15 pt holds about 110 characters a line; a longer subtitle (four countries, indexed) in 12 pt keeps its
    # second line above the chart or table (in 15 pt the table covered it).
    _text_box(page, 1.02, 0.45, [(view.subtitle, 15 if len(view.subtitle) <= SUBTITLE_LINE_CHARACTERS else 12)])
    if picture is not None:
        image, size = picture
        width = SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN
        chart_width = min(width, _SLIDE_CHART_HEIGHT_IN * size.width / size.height)
        shape = page.shapes.add_picture(io.BytesIO(image), _inches((SLIDE_WIDTH_IN - chart_width) / 2),
                                        _inches(_SLIDE_CHART_TOP_IN), width=_inches(chart_width))
        shape.name = tr("Chart: {title}", title=view.title)
        shape._element.nvPicPr.cNvPr.set("descr", view.summary or view.title)  # alt text for screen readers
    elif slide.table is not None:
        _native_table(page, slide.table)
    _text_box(page, 6.25, 1.15, [(view.source_line, 10), *((credit_line(credit), 8) for credit in view.credits),
                                 (f"{export_stamp(record.exported_on)} · {reopen_line(url)}", 10)],
              url, link_last=True, bottom=True)
    page.notes_slide.notes_text_frame.text = slide.note


def _native_table(page, table: SlideTable) -> None:
    """The rows as a PowerPoint table (editable, searchable), type sized to what fits the band."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    rows, columns = len(table.rows) + 1, len(table.columns)
    height = min(_SLIDE_CHART_HEIGHT_IN - 0.45, 0.4 * rows)
    shape = page.shapes.add_table(rows, columns, _inches(SLIDE_MARGIN_IN), _inches(_SLIDE_CHART_TOP_IN),
                                  _inches(SLIDE_WIDTH_IN - 2 * SLIDE_MARGIN_IN), _inches(height))
    shape.name = tr("Table: {columns}", columns=", ".join(table.columns))
    size = Pt(16 if rows <= 8 else 13)
    for column, (header, number) in enumerate(zip(table.columns, table.numeric, strict=True)):
        for row, text in enumerate((header, *(cells[column] for cells in table.rows))):
            cell = shape.table.cell(row, column)
            cell.text = text
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if number else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = size
                    run.font.bold = row == 0
    if table.left_out:  # above the source line: rows grow with their words, so not right under the table
        _text_box(page, 5.85, 0.4, [(table.left_out, 12)])


def _pdf_page_figure(slide: Slide, exported_on: date, url: str, note: str) -> tuple[go.Figure, ImageSize]:
    """A slide as a framed figure on a 16:9 page that grows when the rows or words need room: the chart, or a
    Plotly table, or the words of a title or text slide."""
    size = IMAGE_SIZES["slide"]
    if slide.kind in ("title", "text"):
        figure, height = _words_figure(slide, exported_on, note)
        return figure, ImageSize(size.width, max(size.height, height), 1)
    view = slide.view
    if slide.kind == "table" and slide.table is not None:
        view = replace(view, figure=_table_figure(slide.table, view.projector), footnote=slide.table.left_out)
    figure = stamp_figure(view, exported_on=exported_on, view_url=url, note=note, lang=i18n.current())
    margins = (figure.layout.margin.t or 0) + (figure.layout.margin.b or 0)
    height = max(size.height, int(margins) + PDF_MIN_PLOT_HEIGHT, round(figures.rows_height(figure) or 0))
    # Framed again at the page's own height: a map's key beside it, a timeline's rows fitted to the page.
    return figures.resized_figure(figure, height, key_beside=True, width=size.width), ImageSize(size.width, height, 1)


def _table_figure(table: SlideTable, projector: bool) -> go.Figure:
    size = 20 if projector else 15
    cells = [[row[column] for row in table.rows] for column in range(len(table.columns))]
    align = ["right" if number else "left" for number in table.numeric]
    figure = go.Figure(go.Table(
        header={"values": [f"<b>{column}</b>" for column in table.columns], "align": align,
                "font": {"size": size}, "fill": {"color": "#eef2f5"}, "height": size * 2},
        cells={"values": cells, "align": align, "font": {"size": size}, "height": size * 1.9}))
    figure.update_layout(meta={"frame": {}})
    return figure


_WORDS_WRAP = 90  # characters a line of a words page (title and text slides, the record) holds at 20 px


def _words_figure(slide: Slide, exported_on: date, note: str) -> tuple[go.Figure, int]:
    """A title or text slide as a page: the words large, the stamp small at the foot; and the page height the
    words need (a long record grows its page rather than run off it)."""
    lines = [line for paragraph in slide.text.split("\n") for line in (wrap_lines(paragraph, _WORDS_WRAP) or [""])]
    cover = slide.kind == "title"
    body_px = 26 if cover else 20
    height = 150 + round(len(lines) * body_px * 1.35) + 80
    figure = go.Figure()
    figure.add_annotation(text=f"<b>{esc(slide.title)}</b>", x=0.5 if cover else 0,
                          xanchor="center" if cover else "left", y=0.62 if cover else 1, yanchor="top",
                          xref="paper", yref="paper", showarrow=False, font={"size": 44 if cover else 32})
    if lines:
        figure.add_annotation(text="<br>".join(esc(line) for line in lines), x=0.5 if cover else 0,
                              xanchor="center" if cover else "left", y=0.45 if cover else 0.9, yanchor="top",
                              xref="paper", yref="paper", showarrow=False, align="center" if cover else "left",
                              font={"size": body_px})
    foot = "<br>".join(esc(line) for line in [*([note_line(note)] if note else []), export_stamp(exported_on)])
    figure.add_annotation(text=foot, x=0, y=0, xanchor="left", yanchor="bottom", xref="paper", yref="paper",
                          showarrow=False, align="left", font={"size": 13, "color": "#404040"})
    figure.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white",
                         paper_bgcolor="white", margin={"l": 60, "r": 60, "t": 50, "b": 40},
                         font={"family": "Arial, Liberation Sans, DejaVu Sans, sans-serif", "color": "#1a1a1a"})
    return figure, height


def deck_to_pdf(slides: Sequence[Slide], *, title: str = "Meeting deck", exported_on: date | None = None,
                base_url: str | None = None, editions: tuple[str, ...] = (), notes: bool = False) -> bytes:
    """One vector PDF page per slide (title, filters, chart or table, caveats, source, link), bookmarked, and a
    last page with the record. The speaker notes are the presenter's: printed only in the handout (notes=True)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    record = DeckRecord(title, exported_on or now(), editions, base_url)
    pages = [_pdf_page_figure(slide, record.exported_on,
                              view_url(slide.view, base_url) if slide.view else "", slide.note if notes else "")
             for slide in slides]
    about = Slide(kind="text", title=tr("About these slides: {title}", title=title),
                  text="\n".join(record_lines(slides, record)))
    pages.append(_pdf_page_figure(about, record.exported_on, "", ""))
    documents = render_images([(figure, "pdf", size) for figure, size in pages])
    writer = PdfWriter()
    for label, document in zip([slide.title for slide in slides] + [about.title], documents, strict=True):
        page_number = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(document)))
        writer.add_outline_item(label, page_number)
    writer.add_metadata({"/Title": tr("{title} (handout with notes)", title=title) if notes else title,
                         "/Creator": APP_NAME, "/Subject": export_stamp(record.exported_on)})
    writer.root_object[NameObject("/Lang")] = TextStringObject(_language_tag())  # what screen readers read it as
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
