"""What every export says about itself: file names, the link that reopens the view, the export stamp."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qsl, urlencode

import plotly.graph_objects as go

from dashboard import figures, i18n, views
from dashboard.charts import ChartView
from dashboard.i18n import tr

APP_NAME = "Drug Policy Atlas"
PUBLIC_URL_ENV = "DPA_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8501/"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(view: ChartView, ext: str) -> str:
    """'<chart>_<indicator>_<countries>_<years>.<ext>', reduced to letters, digits, '.', '_' and '-'."""
    stem = _UNSAFE_NAME.sub("-", view.file_stem or view.kind or "chart").strip("-.") or "chart"
    return f"{stem[:150]}.{_UNSAFE_NAME.sub('', ext).lower()}"


# Norwegian letters in a file name, spelt as plain letters ('Møte på Bryggen' -> 'mote-pa-bryggen.pptx').
_PLAIN_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def deck_file_name(title: str, fmt: str) -> str:
    """'<deck title>.<ext>' in letters, digits, '.', '_' and '-'; the handout is '<deck title>-handout.pdf'."""
    stem = re.sub(r"[^A-Za-z0-9._]+", "-", title.translate(_PLAIN_LETTERS)).strip("-.").lower() or "deck"
    suffix = "-handout.pdf" if fmt == "handout" else f".{_UNSAFE_NAME.sub('', fmt).lower()}"
    return f"{stem[:80]}{suffix}"


def public_url(base_url: str | None = None) -> str:
    """Where the app is published: the argument, else $DPA_PUBLIC_URL, else the local Streamlit default."""
    return base_url or os.environ.get(PUBLIC_URL_ENV) or DEFAULT_PUBLIC_URL


def view_url(view: ChartView, base_url: str | None = None) -> str:
    """The link that reopens the view in the app: the page in the path, the filters in the query string."""
    base = public_url(base_url).split("?", 1)[0].rstrip("/")
    params = parse_qsl(view.query_string, keep_blank_values=True)
    page = next((value for key, value in params if key == "page"), "")
    rest = urlencode([(key, value) for key, value in params if key != "page"], safe=",")
    return f"{base}/{page}?{rest}" if rest else f"{base}/{page}"


def embed_url(view: ChartView, base_url: str | None = None) -> str:
    """The chart-only page of the view (/embed, the view's page in its `page` parameter), for an iframe."""
    base = public_url(base_url).split("?", 1)[0].rstrip("/")
    return f"{base}/embed?{view.query_string}"


def embed_code(view: ChartView, base_url: str | None = None) -> str:
    """An iframe that shows the view live: full width up to 1200 px, tall enough for the source line at 700 px."""
    title = view.title.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{embed_url(view, base_url).replace("&", "&amp;")}" title="{title}" width="100%" '
            f'height="{EMBED_FRAME_HEIGHT}" style="border:0;max-width:1200px" loading="lazy"></iframe>')


EMBED_FRAME_HEIGHT = 700


def export_time(exported_on: date) -> str:
    """'2026-12-02 14:05 UTC' for a datetime (a minute-taker can say which version was shown when), '2026-12-02'
    for a date: the machine-readable form (a deck file's record, the CSV), in every language."""
    if isinstance(exported_on, datetime):
        return f"{exported_on.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return exported_on.isoformat()


def stamp_time(exported_on: date) -> str:
    """The export time as a reader reads it: English keeps the ISO form ('2026-12-02 14:05 UTC'); Norwegian
    names the day the Norwegian way ('2. desember 2026 kl. 14:05 UTC')."""
    if i18n.current() == i18n.ENGLISH:
        return export_time(exported_on)
    if isinstance(exported_on, datetime):
        moment = exported_on.astimezone(UTC)
        clock = moment.strftime("%H:%M")
        return tr("{date} at {time} UTC", date=i18n.date(moment.date()), time=clock)
    return i18n.date(exported_on)


def export_stamp(exported_on: date) -> str:
    """'Exported 2026-12-02 14:05 UTC from Drug Policy Atlas' (in the current language)."""
    return tr("Exported {time} from {app}", time=stamp_time(exported_on), app=APP_NAME)


def reopen_line(url: str) -> str:
    """'Reopen this view: <link>'."""
    return tr("Reopen this view: {url}", url=url)


def credit_line(credit: str) -> str:
    return tr("Credit: {credit}", credit=credit)


def note_line(note: str) -> str:
    return tr("Note: {note}", note=note)


def now() -> datetime:
    """The export time every file of one export names."""
    return datetime.now(UTC)


def stamp_lines(exported_on: date, url: str) -> str:
    """The two footnote lines every exported image carries (the link on its own line, so it is not broken)."""
    return f"{export_stamp(exported_on)}.\n{reopen_line(url)}"


def stamp_figure(view: ChartView, *, exported_on: date, view_url: str, note: str = "",
                 lang: str | None = None) -> go.Figure:
    """A copy of the view's figure framed for export: title, filters, source, export date and reopen link.

    Footnotes already on the figure (data caveats) stay, then the note if given, then the stamp. Laptop or
    projector sizing is kept as the view was built; the words are in `lang` (None: the view's language).
    """
    with i18n.language(lang or views.view_language(view)):
        noted = note_line(note.strip()) if note.strip() else ""
        credit_lines = "\n".join(credit_line(credit) for credit in view.credits)
        footnote = "\n".join(part for part in (view.footnote, noted, credit_lines,
                                                stamp_lines(exported_on, view_url)) if part)
    return figures.apply_frame(view.figure, title=view.title, subtitle=view.subtitle, source_line=view.source_line,
                               footnote=footnote, projector=view.projector)


def _stamped(view: ChartView, exported_on: date | None, base_url: str | None) -> go.Figure:
    return stamp_figure(view, exported_on=exported_on or now(), view_url=view_url(view, base_url))



def bare_figure(view: ChartView) -> go.Figure:
    """The view's chart without title, subtitle and source line (slides and web pages set those as text).

    Data caveats in the figure's footnote stay with the chart.
    """
    figure = figures.apply_frame(view.figure, title="", subtitle="", source_line="", footnote=view.footnote,
                                 projector=view.projector)
    figure.update_layout(title_text="", margin_t=int(20 + view.top_strip_px))
    return figure


