"""Under every chart: downloads in every format (made only when clicked) and 'add to meeting deck'."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from dashboard import export, i18n
from dashboard.charts import ChartView
from dashboard.i18n import N_, ntr, tr
from dashboard.ui import session

# (label, format, scale); whether a format needs Chromium is said once, in export.FORMATS. Labels in English
# (tr() them where shown); the files' names stay English and machine-like.
DOWNLOADS = [
    (N_("PNG for slides"), "png", "slide"),
    (N_("PNG for print (300 dpi)"), "png", "print"),
    ("SVG", "svg", "slide"),
    ("PDF", "pdf", "print"),
    (N_("Interactive HTML (offline)"), "html", "slide"),
    (N_("Data (CSV)"), "csv", "slide"),
    (N_("Data and sources (XLSX)"), "xlsx", "slide"),
]


def _exporter(view: ChartView, fmt: str, scale: str):
    """A zero-argument callable: Streamlit runs it only when the button is clicked."""
    return lambda: export.export_view(view, fmt, scale=scale)


def _add_to_deck(query_string: str, note_key: str, kind: str) -> None:
    try:
        session.set_deck(session.current_deck().add(query_string, st.session_state.get(note_key, ""), kind=kind))
        st.session_state[note_key] = ""
        st.toast(added_message(len(session.current_deck().items), kind))
    except ValueError as error:
        st.toast(str(error))


def added_message(count: int, kind: str = "chart") -> str:
    """'Added to the meeting deck (1 slide).'"""
    if kind == "table":
        return ntr("The table was added to the meeting deck ({n} slide).",
                   "The table was added to the meeting deck ({n} slides).", count)
    return ntr("Added to the meeting deck ({n} slide).", "Added to the meeting deck ({n} slides).", count)


def table_panel(query_string: str, key: str) -> None:
    """Under a table (the Data page's, the programme table): add it to the meeting deck (drawn only when open)."""
    panel = st.expander(tr("Add this table to a meeting"), key=panel_key(f"table_{key}"), on_change="rerun")
    if panel.open:
        with panel:
            add_buttons(query_string, key, table_only=True)


def add_buttons(query_string: str, key: str, table_only: bool = False) -> None:
    """A speaker note and 'Add to the meeting deck' (the chart, its table): under every chart and table."""
    note_key = f"note_{key}"
    st.text_area(tr("Speaker note for the meeting deck (optional; only the presenter sees it)"), key=note_key,
                 max_chars=2000, height=80)
    chart, table = st.columns(2)
    if not table_only:
        chart.button(tr("Add this view to the meeting deck"), key=f"add_{key}", icon=":material/playlist_add:",
                     on_click=_add_to_deck, args=(query_string, note_key, "chart"), width="stretch")
    (chart if table_only else table).button(
        tr("Add its table to the meeting deck"), key=f"add_table_{key}", icon=":material/table_view:",
        on_click=_add_to_deck, args=(query_string, note_key, "table"), width="stretch")


def render(view: ChartView, key: str | None = None, *, data_note: str = "") -> None:
    """The panel under one chart; `key` tells two charts of one kind on a page apart (default: the kind).
    data_note: what the data exports hold, when it is not the chart's query table as it came back.

    Its contents are drawn only while it is open (opening it reruns the page's fragment): closed, they were
    a quarter of every rerun's messages, and the embed code's highlighter cost half a second of a cold start."""
    key = key or view.kind
    panel = st.expander(tr("Export this chart or add it to a meeting"), key=panel_key(key), on_change="rerun")
    if not panel.open:
        return
    browser = export.browser_available()
    with panel:
        st.caption(tr("Files carry the title, filters, source, export date and a link back to this view.") + " " + (
            data_note or tr("Data exports hold exactly the rows of queries/{name}.sql behind the chart.",
                            name=view.query_name)))
        columns = st.columns(4)
        for number, (label, fmt, scale) in enumerate(DOWNLOADS):
            ext = fmt
            name = export.file_name(view, ext) if scale == "slide" else export.file_name(view, f"{scale}.{ext}")
            columns[number % 4].download_button(
                tr(label), data=_exporter(view, fmt, scale), file_name=name, mime=export.MEDIA_TYPES[fmt],
                disabled=export.FORMATS[fmt].needs_browser and not browser, key=f"download_{key}_{fmt}_{scale}",
                on_click="ignore")
        if not browser:
            st.info(tr("PNG, SVG and PDF need Chromium, which is not installed on this server ({command}). HTML, "
                       "CSV and XLSX work without it.", command="`apt-get install chromium`"))
        _embed_section(view)
        add_buttons(view.query_string, key)


def panel_key(key: str) -> str:
    """The session key of a chart's export panel (True while it is open)."""
    return f"export_{key}"


def app_base_url() -> str | None:
    """The app's address as the reader opened it (so links name this server, under any path prefix), else None
    for the configured public address."""
    url = getattr(st.context, "url", None)
    if not isinstance(url, str) or not url.startswith("http"):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}"


def _embed_section(view: ChartView) -> None:
    st.markdown(tr("**Embed this chart in a web page**"))
    st.caption(tr("Live: the chart alone (title, chart, notes, source and a link back), drawn by this server with "
                  "the current extracts, responsive from {narrow} to {wide} px wide.", narrow=i18n.number(320),
                  wide=i18n.number(1200)))
    st.code(export.embed_code(view, app_base_url()), language=None, wrap_lines=True)  # highlighting fails contrast
    st.caption(tr("Frozen: download **{button}** above ({file}), publish it beside your article and point the "
                  "same iframe's src at it: it is frozen to today's extracts, self-contained and needs nothing from "
                  "this server.", button=tr(DOWNLOADS[4][0]), file=export.file_name(view, "html")))
