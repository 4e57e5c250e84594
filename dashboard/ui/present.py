"""Presenting a meeting deck: the audience view (one slide filling the screen, nothing else) and the presenter
view (the slide, the next one, the notes and a clock), both addressed by the URL so a reload, a second tab or a
second browser opens the same slide.

The URL of the meeting page holds the deck (deck=), the mode (present=audience or present=presenter), the slide
(slide=, from 1) and the theme (projector=1). Keys, the black screen, full screen, the viewport's size and the
link between the two views are the browser's part (present_keys.js).
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
from pathlib import Path
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from dashboard import deck as meeting_deck
from dashboard import i18n, slides
from dashboard import state as view_state
from dashboard.i18n import N_, tr
from dashboard.ui import data
from dashboard.ui.notices import markdown_text
from dashboard.ui.pages import CHROME_CSS, PLOTLY_CONFIG, show_key

log = logging.getLogger("dashboard")

MODES = ("audience", "presenter")
MODE_PARAM, SLIDE_PARAM, THEME_PARAM = "present", "slide", "projector"
SLIDE_BAR_KEY = "dpa_slide_bar"  # the container of the slide's buttons and counter
KEYS_KEY = "present_keys"  # the browser part's session key (its trigger and state values)
KEYS_HELP = N_("Keys: → or Space next, ← or Shift+Space back (a clicker's PageDown and PageUp too), Home and End, "
                "F full screen, B black screen, Esc leave.")
# The screen the slide is sized for until the browser has said its own (the smallest projector we plan for).
DEFAULT_VIEWPORT = (1280, 720)
BLACK_BANNER = N_("The audience sees a black screen (B to bring the slide back)")
SINCE_START = N_("since the start")  # the presenter's clock: '14:05 · 12:30 since the start'


def _keys_component(lang: str):
    """The browser part, its words (the black screen's banner) in `lang`: one component per language, as a
    component's HTML is fixed when it is declared."""
    with i18n.language(lang):
        banner = html.escape(tr(BLACK_BANNER))
    return st.components.v2.component(
        "dpa_present_keys" if lang == i18n.DEFAULT else f"dpa_present_keys_{lang}",
        js=(Path(__file__).with_name("present_keys.js")).read_text(encoding="utf-8"),
        html=f"<div class='dpa-present-status'><span data-dpa-clock></span><strong data-dpa-black hidden> · "
             f"{banner}</strong></div>", css=".dpa-present-status{font-size:1.1rem;}")


_KEYS = {lang: _keys_component(lang) for lang in i18n.LANGUAGES}

# Sizes of what surrounds the chart on an audience slide, in px at each theme (title lines, subtitle, key,
# source, the slide bar), so that the chart takes what is left of the screen and nothing scrolls.
# The source and the data's caveats stay at 14 px in the projector theme: they are for whoever reads the slide
# later, and at projector size they took the chart's room.
_TYPE = {False: {"title": 34, "subtitle": 18, "body": 26, "table": 20, "source": 14},
         True: {"title": 44, "subtitle": 22, "body": 34, "table": 26, "source": 14}}
MIN_CHART_PX = 220
PRESENTER_HEADER_PX = 90  # the presenter view's clock and heading above the slide
# Line heights (times the font size) the CSS sets, so the words' height can be told before the browser draws them.
_LINE = {"title": 1.15, "subtitle": 1.4, "source": 1.45}
# What else a slide's column holds, in px: the top padding, Streamlit's 16 px gaps between the elements (page
# style and keys, words, chart, source), the slide bar held at the screen's foot, and a little to spare.
_FIXED_PX = 14 + 3 * 16 + 8 + 40 + 8 + 10
_CHARACTER_EM = 0.5  # a generous average width of a character of the app's sans-serif, in em


def _lines(text: str, font_px: float, width_px: float) -> int:
    """How many lines a text takes at a font size in a column width (each paragraph its own)."""
    per_line = max(width_px / (font_px * _CHARACTER_EM), 1)
    return sum(max(1, math.ceil(len(paragraph) / per_line)) for paragraph in text.split("\n") if paragraph.strip())


def chart_height(slide: slides.Slide, viewport: tuple[int, int], projector: bool) -> int:
    """The chart's height that fills the screen between its words and the slide bar, nothing to scroll."""
    size, width = _TYPE[projector], viewport[0] - 64
    words = _lines(slide.title, size["title"], width) * size["title"] * _LINE["title"]
    if slide.subtitle:
        words += _lines(slide.subtitle, size["subtitle"], width) * size["subtitle"] * _LINE["subtitle"]
    source = _source_text(slide)
    words += _lines(source, size["source"], width) * size["source"] * _LINE["source"] if source else 0
    if slide.view is not None and _has_key(slide.view):
        words += 16 + 2 * 24  # the timeline's key: a row or two of 14 px text
    return max(MIN_CHART_PX, int(viewport[1] - _FIXED_PX - words))


def _source_text(slide: slides.Slide) -> str:
    view = slide.view
    if view is None:
        return ""
    return "\n".join(part for part in (view.footnote if slide.kind == "chart" else "", view.source_line) if part)


def _has_key(view) -> bool:
    figure = view.screen_figure or view.figure
    meta = figure.layout.meta if isinstance(figure.layout.meta, dict) else {}
    return bool(meta.get("screen_key"))


# On the audience's screen the slide bar is held at the foot and nothing scrolls; the presenter's page may.
_AUDIENCE_ONLY = f""".st-key-{SLIDE_BAR_KEY} {{position: fixed; left: 32px; bottom: 8px; width: calc(100% - 64px);
  z-index: 5;}}
[data-testid="stMain"] {{overflow: hidden;}}"""


def _present_css(projector: bool, audience: bool = True) -> str:
    size = _TYPE[projector]
    return CHROME_CSS + f"""<style>
[data-testid="stMainBlockContainer"] {{padding: 14px 32px 0 !important; max-width: 100% !important;}}
.dpa-slide-title {{font-size: {size['title']}px; line-height: {_LINE['title']}; font-weight: 700; margin: 0;}}
.dpa-slide-subtitle {{font-size: {size['subtitle']}px; line-height: {_LINE['subtitle']}; margin: 0; opacity: .85;}}
.dpa-slide-source {{font-size: {size['source']}px; line-height: {_LINE['source']}; margin: 0; opacity: .85;
  white-space: pre-line;}}
.dpa-slide-body {{font-size: {size['body']}px; line-height: 1.4; white-space: pre-wrap; margin: 0;}}
.dpa-slide-cover {{display: flex; flex-direction: column; justify-content: center; min-height: 60vh;}}
.dpa-slide-cover .dpa-slide-title {{font-size: {round(size['title'] * 1.5)}px;}}
table.dpa-slide-table {{border-collapse: collapse; font-size: {size['table']}px; min-width: 60%;}}
{_AUDIENCE_ONLY if audience else ""}
table.dpa-slide-table th, table.dpa-slide-table td {{padding: 4px 10px; border-bottom: 1px solid rgba(128,128,128,.4);
  text-align: left; vertical-align: top;}}
table.dpa-slide-table .num {{text-align: right; font-variant-numeric: tabular-nums;}}
</style>"""


def mode_from_url() -> tuple[str | None, str | None]:
    """(the present mode in the URL or None, a notice when the URL's value is not one)."""
    value = st.query_params.get(MODE_PARAM)
    if value is None or value == "":
        return None, None
    if value in MODES:
        return value, None
    return None, tr("'present' must be audience or presenter, not {value}; the deck is shown for preparing.",
                    value=view_state.shown(value))


def slide_from_url(count: int) -> int:
    """The slide in the URL (slide=3 is the third), within the deck; a bad value gives the first."""
    value = str(st.query_params.get(SLIDE_PARAM, "1")).strip()
    number = int(value) if value.isdigit() and len(value) <= 4 else 1
    return min(max(number, 1), max(count, 1)) - 1


def projector_from_url() -> bool:
    return st.query_params.get(THEME_PARAM) == "1"


def open_mode(mode: str | None, slide: int = 0) -> None:
    """Switch the page to a present mode (None: back to preparing) at a slide, in the URL."""
    for key in (MODE_PARAM, SLIDE_PARAM):
        if key in st.query_params:
            del st.query_params[key]
    if mode:
        st.query_params[MODE_PARAM] = mode
        st.query_params[SLIDE_PARAM] = str(slide + 1)


def mode_link(base: str, mode: str, slide: int = 0) -> str:
    """The link of this page in a present mode (for the presenter view's own tab)."""
    kept = {key: value for key, value in st.query_params.to_dict().items() if key not in (MODE_PARAM, SLIDE_PARAM)}
    return f"{base}?{urlencode({**kept, MODE_PARAM: mode, SLIDE_PARAM: str(slide + 1)})}"


def _on_go() -> None:
    value = (st.session_state.get(KEYS_KEY) or {}).get("go")
    if isinstance(value, int) and not isinstance(value, bool):
        st.query_params[SLIDE_PARAM] = str(max(value, 0) + 1)


def _on_leave() -> None:
    if (st.session_state.get(KEYS_KEY) or {}).get("leave"):
        open_mode(None)


def _step(delta: int, count: int) -> None:
    st.query_params[SLIDE_PARAM] = str(min(max(slide_from_url(count) + delta, 0), count - 1) + 1)


def _channel(deck: meeting_deck.Deck) -> str:
    """The name both views of one deck share in the browser (other decks in other tabs keep to themselves)."""
    return "dpa-present-" + hashlib.sha256(meeting_deck.to_json(deck).encode()).hexdigest()[:16]


def _viewport() -> tuple[int, int]:
    reported = (st.session_state.get(KEYS_KEY) or {}).get("viewport") or {}
    try:
        width, height = int(reported["width"]), int(reported["height"])
    except (KeyError, TypeError, ValueError):
        return DEFAULT_VIEWPORT
    return (min(max(width, 320), 8000), min(max(height, 320), 5000))


def _slide(deck: meeting_deck.Deck, index: int, projector: bool) -> slides.Slide:
    """The slide at index, drawn; a view that cannot be drawn is a slide that says why."""
    item = deck.items[index]
    if not item.is_view:
        return slides.build_slide(item, None)
    try:
        view, notices = data.slide_view(item.query_string, projector)
    except ValueError as error:
        return slides.undrawable(item, str(error))
    return slides.build_slide(item, view, tuple(notices))


def present(deck: meeting_deck.Deck, mode: str) -> None:
    """The deck presented in `mode` at the URL's slide."""
    projector = projector_from_url()
    count = len(deck.items)
    index = slide_from_url(count)
    viewport = _viewport()
    st.html(_present_css(projector, audience=mode == "audience"))
    # labels: the clock's words, for the browser part to show (present_keys.js)
    _KEYS[i18n.current()](key=KEYS_KEY, data={"slide": index, "count": count, "role": mode,
                                              "channel": _channel(deck), "labels": {"since": tr(SINCE_START)},
                                              "viewport": {"width": viewport[0], "height": viewport[1]}},
          default={"viewport": None}, on_go_change=_on_go, on_leave_change=_on_leave,
          on_viewport_change=lambda: None, height="content" if mode == "presenter" else 0)
    try:
        slide = _slide(deck, index, projector)
    except Exception:  # one slide that cannot be drawn must not end the presentation
        log.exception("slide %d of a presented deck could not be drawn", index + 1)
        st.error(tr("Slide {slide} could not be drawn; move on, or leave (Esc) and remove it.", slide=index + 1),
                 icon=":material/error:")
        slide = None
    if mode == "presenter":
        _presenter_view(deck, index, slide, viewport)
    elif slide is not None:
        _show_slide(slide, chart_height(slide, viewport, projector))
    _slide_bar(index, count)


def _show_slide(slide: slides.Slide, chart_px: int, key: str = "present_chart") -> None:
    """One slide, its title and source once, the chart `chart_px` tall."""
    if slide.kind == "title":
        st.html(f"<div class='dpa-slide-cover'><p class='dpa-slide-title' role='heading' aria-level='1'>"
                f"{html.escape(slide.title)}</p><p class='dpa-slide-body'>{html.escape(slide.text)}</p></div>")
        return
    st.html(f"<p class='dpa-slide-title' role='heading' aria-level='1'>{html.escape(slide.title)}</p>"
            + (f"<p class='dpa-slide-subtitle'>{html.escape(slide.subtitle)}</p>" if slide.subtitle else ""))
    if slide.kind == "text":
        st.html(f"<p class='dpa-slide-body'>{html.escape(slide.text)}</p>")
        return
    view = slide.view
    if slide.kind == "table" and slide.table is not None:
        st.html(slides.table_html(slide.table))
    else:
        show_key(view)
        figure = data.slide_figure(view, max(MIN_CHART_PX, chart_px - chart_px % 10))
        st.plotly_chart(figure, config=PLOTLY_CONFIG | {"displayModeBar": False}, alt=view.summary, key=key)
    st.html(f"<p class='dpa-slide-source'>{html.escape(_source_text(slide))}</p>")


def _slide_bar(index: int, count: int) -> None:
    with st.container(key=SLIDE_BAR_KEY):  # held at the foot of the screen (_present_css)
        _slide_buttons(index, count)



def _slide_buttons(index: int, count: int) -> None:
    back, position, forward, leave = st.columns([2, 3, 2, 2], vertical_alignment="center")
    back.button(tr("Previous slide"), icon=":material/arrow_back:", disabled=index == 0, on_click=_step,
                args=(-1, count), width="stretch", key="present_back")
    where = tr("Slide {slide} of {count}", slide=index + 1, count=count)
    position.html(f"<p class='dpa-slide-source' style='text-align:center' title='{html.escape(tr(KEYS_HELP))}'>"
                  f"{html.escape(where)}</p>")
    forward.button(tr("Next slide"), icon=":material/arrow_forward:", disabled=index == count - 1, on_click=_step,
                   args=(1, count), width="stretch", key="present_forward")
    leave.button(tr("Leave (Esc)"), on_click=open_mode, args=(None,), width="stretch", key="present_leave")


def _presenter_view(deck: meeting_deck.Deck, index: int, slide: slides.Slide | None,
                    viewport: tuple[int, int]) -> None:
    """What only the presenter sees: this slide, the next one, the notes, the clock (in the browser part)."""
    count = len(deck.items)
    st.html(f"<p class='dpa-slide-subtitle' title='{html.escape(tr(KEYS_HELP))}'>"
            + html.escape(tr("Presenter view · slide {slide} of {count}. The audience view (this deck presented in "
                             "another tab or window of this browser) follows the keys pressed here.",
                             slide=index + 1, count=count)) + "</p>")
    now, upcoming = st.columns([3, 2], gap="medium")
    with now:
        if slide is not None:
            # The current slide in the left three fifths, under the presenter's own two lines.
            column = (int(viewport[0] * 0.58), viewport[1] - PRESENTER_HEADER_PX)
            _show_slide(slide, chart_px=chart_height(slide, column, projector=False), key="presenter_now")
    with upcoming:
        if index + 1 < count:
            try:
                following = _slide(deck, index + 1, projector=False)
                heading = tr(NEXT_HEADINGS.get(following.kind, NEXT_HEADINGS["chart"]),
                             title=markdown_text(following.title))
                st.markdown(f"**{heading}**")
                if following.kind == "chart" and following.view is not None:
                    preview = go.Figure(data.slide_figure(following.view, 260))
                    # A glance at what comes: the key and the room kept for line labels are on the slide itself.
                    preview.update_layout(showlegend=False, margin={"r": 10})
                    preview.update_traces(showscale=False, selector={"type": "choropleth"})
                    st.plotly_chart(preview,
                                    config=PLOTLY_CONFIG | {"displayModeBar": False, "staticPlot": True},
                                    alt=following.view.summary, key="presenter_next")
            except Exception:
                log.exception("slide %d of a presented deck could not be drawn", index + 2)
                st.caption(tr("Slide {slide} could not be drawn.", slide=index + 2))
        else:
            st.markdown("**" + tr("Last slide.") + "**")
        st.markdown("**" + tr("Speaker notes") + "**")
        note = slide.note if slide is not None else deck.items[index].note
        shown = html.escape(note) or html.escape(tr("(no notes)"))
        st.html(f"<p class='dpa-slide-body' data-testid='presenter-notes'>{shown}</p>")


# What the presenter sees of the next slide, by its kind.
NEXT_HEADINGS = {"chart": N_("Next: {title}"), "table": N_("Next (table slide): {title}"),
                 "title": N_("Next (title slide): {title}"), "text": N_("Next (text slide): {title}")}
