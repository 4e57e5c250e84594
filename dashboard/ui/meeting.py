"""Meeting mode: collect views into a deck, annotate and order them, present them, save and export the deck."""

from __future__ import annotations

import logging
from dataclasses import replace

import streamlit as st

from dashboard import charts, export, site
from dashboard import deck as meeting_deck
from dashboard import state as view_state
from dashboard.ui import data, session
from dashboard.ui.pages import PLOTLY_CONFIG, markdown_text

log = logging.getLogger("dashboard")
PROJECTOR_CSS = """
<style>
  .stMainBlockContainer { max-width: 100% !important; padding-top: 1rem; }
  .stMainBlockContainer h1 { font-size: 3.2rem; }
  .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.6rem; line-height: 1.45; }
</style>
"""


def _set_deck(deck: meeting_deck.Deck) -> None:
    """Keep the deck in the session and in the URL, so the address bar is always a link to it."""
    if deck.items != session.current_deck().items:
        session.forget_note_boxes()
    session.set_deck(deck)
    token = meeting_deck.link_token(deck)  # None: too large for a link; the session and a file still hold it
    st.session_state[session.DECK_TOKEN] = token  # our own link: no need to load it back
    st.query_params.from_dict({"deck": token} if deck.items and token else {})


def _load_from_url() -> None:
    """A deck link (?deck=<token>) opens that deck; a damaged link says so and keeps the current deck."""
    token = st.query_params.get("deck")
    if token is None or st.session_state.get(session.DECK_TOKEN) == token:
        return
    st.session_state[session.DECK_TOKEN] = token
    try:
        deck = meeting_deck.from_url_token(token)
        session.forget_note_boxes()
        session.set_deck(deck)
    except ValueError as error:
        st.warning(f"The deck in this link could not be opened: {markdown_text(str(error))}",
                   icon=":material/warning:")


def _edit(deck: meeting_deck.Deck, action: str, index: int) -> None:
    changed = {"up": deck.move_up, "down": deck.move_down, "remove": deck.remove}[action](index)
    session.set_slide(0)
    _set_deck(changed)


def _save_note(index: int) -> None:
    try:
        _set_deck(session.current_deck().update_note(index, st.session_state[session.deck_note(index)]))
    except ValueError as error:  # the note stays in its box, unsaved, with the reason
        st.session_state[session.DECK_ERROR] = f"Speaker note {index + 1} was not saved: {error}"


def _add_link() -> None:
    text = st.session_state.get(session.DECK_NEW_VIEW, "").strip()
    if text:
        try:
            _set_deck(session.current_deck().add(text.split("?", 1)[-1]))
            st.session_state[session.DECK_NEW_VIEW] = ""
        except ValueError as error:
            st.session_state[session.DECK_ERROR] = str(error)


def _open_file() -> None:
    uploaded = st.session_state.get(session.DECK_FILE)
    if uploaded is None:
        return
    try:
        _set_deck(meeting_deck.from_json(uploaded.getvalue()))
        session.set_slide(0)
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"{uploaded.name}: {error}"


def _step(delta: int, count: int) -> None:
    session.set_slide(min(max(session.slide(count) + delta, 0), count - 1))


def meeting_page() -> None:
    _load_from_url()
    deck = session.current_deck()
    token = meeting_deck.link_token(deck)
    if deck.items and token and st.query_params.get("deck") != token:
        _set_deck(deck)  # decks collected on other pages get their link too
    projector = st.sidebar.toggle("Projector theme (large type, high contrast)", key=session.MEETING_PROJECTOR)
    presenting = st.sidebar.toggle("Present", key=session.PRESENTING, disabled=not deck.items,
                                   help="Show one slide at a time, full width; arrow keys move between slides.")
    if error := st.session_state.pop(session.DECK_ERROR, None):
        st.error(markdown_text(error), icon=":material/error:")  # may quote a file's name or a link's text
    if presenting and deck.items:
        _present(deck, projector)
    else:
        _prepare(deck)


def _present(deck: meeting_deck.Deck, projector: bool) -> None:
    if projector:
        st.html(PROJECTOR_CSS)
    count = len(deck.items)
    index = session.slide(count)
    item = deck.items[index]
    catalog = data.load_catalog()
    state, notices = view_state.from_query_string(item.query_string, catalog)
    view = data.slide_chart(_chart_kind(state), replace(state, projector=projector or state.projector))
    st.title(view.title)
    st.markdown(view.subtitle)
    st.plotly_chart(view.figure, config=PLOTLY_CONFIG, alt=view.summary, key=f"present_{index}")
    st.caption(view.source_line)
    if notices:
        st.caption(adjusted_caption(notices))
    if item.note:
        with st.expander("Speaker note", expanded=True):
            st.text(item.note)  # as written: a note from a link or a file is never live Markdown (images, links)
    back, position, forward = st.columns([1, 2, 1], vertical_alignment="center")
    back.button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=index == 0,
                on_click=_step, args=(-1, count), width="stretch")
    position.markdown(f"<div style='text-align:center'>Slide {index + 1} of {count}</div>", unsafe_allow_html=True)
    forward.button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=index == count - 1,
                   on_click=_step, args=(1, count), width="stretch")


def _chart_kind(state: view_state.ViewState) -> str:
    return site.chart_of(state.page)


def _prepare(deck: meeting_deck.Deck) -> None:
    st.title("Meeting mode")
    st.markdown("Collect views with **Add this view to the meeting deck** under any chart, or paste a link below. "
                "Order them, add speaker notes, then switch on **Present** in the sidebar.")
    st.text_input("Add a view by its link", key=session.DECK_NEW_VIEW, on_change=_add_link,
                  placeholder="http://localhost:8501/trends?indicator=drd_deaths&countries=NOR,SWE")
    if not deck.items:
        st.info("The deck is empty.")
    catalog = data.load_catalog()
    for index, item in enumerate(deck.items):
        state, notices = view_state.from_query_string(item.query_string, catalog)
        try:
            # The title and subtitle only: no slide's chart is drawn until it is presented or exported (a deck
            # link of 50 map slides cost 1.2 s of the worker's CPU at every open, issue 18 finding 16).
            view = charts.chart_query(_chart_kind(state), catalog, state)
        except Exception:  # one slide that cannot be described must not take Save and the exports with it
            log.exception("slide %d of the meeting deck could not be drawn", index + 1)
            st.error(f"Slide {index + 1} could not be drawn; remove it, or save the deck as a file.",
                     icon=":material/error:")
            st.button("Remove this slide", key=f"deck_remove_{index}", on_click=_edit, args=(deck, "remove", index))
            continue
        with st.container(border=True):
            heading, up, down, remove = st.columns([8, 1, 1, 1], vertical_alignment="center")
            heading.markdown(f"**{index + 1}. {view.title}**  \n{view.subtitle}")
            up.button("", icon=":material/arrow_upward:", key=f"deck_up_{index}", help="Move up",
                      on_click=_edit, args=(deck, "up", index), disabled=index == 0)
            down.button("", icon=":material/arrow_downward:", key=f"deck_down_{index}", help="Move down",
                        on_click=_edit, args=(deck, "down", index), disabled=index == len(deck.items) - 1)
            remove.button("", icon=":material/delete:", key=f"deck_remove_{index}", help="Remove",
                          on_click=_edit, args=(deck, "remove", index))
            st.session_state.setdefault(session.deck_note(index), item.note)
            st.text_area("Speaker note", key=session.deck_note(index), max_chars=2000, height=80,
                         on_change=_save_note, args=(index,))
            if notices:
                st.caption(adjusted_caption(notices))
    _save_and_export(deck)


SHOWN_NOTICES = 3


def adjusted_caption(notices: list[str]) -> str:
    """What was corrected in a slide's link: the first few notices and a count of the rest (a hostile link gave
    one slide a 33,899-character caption, issue 18 finding 17)."""
    rest = len(notices) - SHOWN_NOTICES
    more = f" And {rest} more correction{'s' if rest != 1 else ''}." if rest > 0 else ""
    return "Adjusted: " + " ".join(notices[:SHOWN_NOTICES]) + more


def _save_and_export(deck: meeting_deck.Deck) -> None:
    st.subheader("Save, reopen and export")
    left, right = st.columns(2)
    left.download_button("Save deck (JSON file)", data=meeting_deck.to_json(deck).encode(),
                         file_name=export.deck_file_name(deck.title, "json"), mime="application/json",
                         disabled=not deck.items, on_click="ignore")
    right.file_uploader("Open a saved deck", type=["json"], key=session.DECK_FILE, on_change=_open_file,
                        max_upload_size=1, help=f"A deck saved from this page: a JSON file of at most "
                                                f"{meeting_deck.MAX_JSON_BYTES // 1000} kB.")
    if deck.items and meeting_deck.link_token(deck):
        st.markdown("Link to this deck (bookmark it or send it; it holds the whole deck): the address bar "
                    "of this page.")
    elif deck.items:
        st.warning("This deck is too large for a link, so the address bar does not hold it: save it as a file "
                   "to keep it.", icon=":material/warning:")
    browser = export.browser_available()
    columns = st.columns(3)
    for column, fmt, label in zip(columns, ["pptx", "pdf", "html"],
                                  ["PowerPoint (PPTX)", "PDF", "Offline HTML"], strict=True):
        column.download_button(label, data=_deck_exporter(deck, fmt), on_click="ignore",
                               file_name=export.deck_file_name(deck.title, fmt), mime=export.MEDIA_TYPES[fmt],
                               disabled=not deck.items or (fmt != "html" and not browser), key=f"deck_{fmt}")


def _deck_exporter(deck: meeting_deck.Deck, fmt: str):
    def make() -> bytes:
        slides, _ = meeting_deck.views_for_deck(data.connection(), data.load_catalog(), deck)
        return export.export_deck(slides, fmt, title=deck.title)
    return make
