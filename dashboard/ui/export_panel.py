"""Under every chart: downloads in every format (made only when clicked) and 'add to meeting deck'."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from dashboard import export
from dashboard.charts import ChartView
from dashboard.ui import session

# (label, format, scale); whether a format needs Chromium is said once, in export.FORMATS
DOWNLOADS = [
    ("PNG for slides", "png", "slide"),
    ("PNG for print (300 dpi)", "png", "print"),
    ("SVG", "svg", "slide"),
    ("PDF", "pdf", "print"),
    ("Interactive HTML (offline)", "html", "slide"),
    ("Data (CSV)", "csv", "slide"),
    ("Data and sources (XLSX)", "xlsx", "slide"),
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
    what = "The table was added" if kind == "table" else "Added"
    return f"{what} to the meeting deck ({count} slide{'' if count == 1 else 's'})."


def table_panel(query_string: str, key: str) -> None:
    """Under a table (the Data page's, the programme table): add it to the meeting deck (drawn only when open)."""
    panel = st.expander("Add this table to a meeting", key=panel_key(f"table_{key}"), on_change="rerun")
    if panel.open:
        with panel:
            add_buttons(query_string, key, table_only=True)


def add_buttons(query_string: str, key: str, table_only: bool = False) -> None:
    """A speaker note and 'Add to the meeting deck' (the chart, its table): under every chart and table."""
    note_key = f"note_{key}"
    st.text_area("Speaker note for the meeting deck (optional; only the presenter sees it)", key=note_key,
                 max_chars=2000, height=80)
    chart, table = st.columns(2)
    if not table_only:
        chart.button("Add this view to the meeting deck", key=f"add_{key}", icon=":material/playlist_add:",
                     on_click=_add_to_deck, args=(query_string, note_key, "chart"), width="stretch")
    (chart if table_only else table).button(
        "Add its table to the meeting deck", key=f"add_table_{key}", icon=":material/table_view:",
        on_click=_add_to_deck, args=(query_string, note_key, "table"), width="stretch")


def render(view: ChartView, key: str | None = None, *, data_note: str = "") -> None:
    """The panel under one chart; `key` tells two charts of one kind on a page apart (default: the kind).
    data_note: what the data exports hold, when it is not the chart's query table as it came back.

    Its contents are drawn only while it is open (opening it reruns the page's fragment): closed, they were
    a quarter of every rerun's messages, and the embed code's highlighter cost half a second of a cold start."""
    key = key or view.kind
    panel = st.expander("Export this chart or add it to a meeting", key=panel_key(key), on_change="rerun")
    if not panel.open:
        return
    browser = export.browser_available()
    with panel:
        st.caption("Files carry the title, filters, source, export date and a link back to this view. " + (
            data_note or f"Data exports hold exactly the rows of queries/{view.query_name}.sql behind the chart."))
        columns = st.columns(4)
        for number, (label, fmt, scale) in enumerate(DOWNLOADS):
            ext = fmt
            name = export.file_name(view, ext) if scale == "slide" else export.file_name(view, f"{scale}.{ext}")
            columns[number % 4].download_button(
                label, data=_exporter(view, fmt, scale), file_name=name, mime=export.MEDIA_TYPES[fmt],
                disabled=export.FORMATS[fmt].needs_browser and not browser, key=f"download_{key}_{fmt}_{scale}",
                on_click="ignore")
        if not browser:
            st.info("PNG, SVG and PDF need Chromium, which is not installed on this server "
                    "(`apt-get install chromium`). HTML, CSV and XLSX work without it.")
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
    st.markdown("**Embed this chart in a web page**")
    st.caption("Live: the chart alone (title, chart, notes, source and a link back), drawn by this server with "
               "the current extracts, responsive from 320 to 1200 px wide.")
    st.code(export.embed_code(view, app_base_url()), language=None, wrap_lines=True)  # highlighting fails contrast
    st.caption(f"Frozen: download **Interactive HTML (offline)** above ({export.file_name(view, 'html')}), publish it "
               "beside your article and point the same iframe's src at it: it is frozen to today's extracts, "
               "self-contained and needs nothing from this server.")
