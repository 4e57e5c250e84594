"""Meeting mode: collect views into a deck, annotate and order them, present them, save and export the deck."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import charts, citations, db, export, links, site, slides, views
from dashboard import deck as meeting_deck
from dashboard import state as view_state
from dashboard.ui import data, export_panel, present, session
from dashboard.ui.pages import markdown_text

log = logging.getLogger("dashboard")
def _set_deck(deck: meeting_deck.Deck) -> None:
    """Keep the deck in the session and in the URL, so the address bar is always a link to it."""
    if deck.items != session.current_deck().items:
        session.forget_note_boxes()
    session.set_deck(deck)
    token = meeting_deck.link_token(deck)  # None: too large for a link; the session and a file still hold it
    st.session_state[session.DECK_TOKEN] = token  # our own link: no need to load it back
    if deck.items and token:
        st.query_params["deck"] = token
    elif "deck" in st.query_params:
        del st.query_params["deck"]


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
        st.session_state[session.DECK_TITLE] = deck.title
    except ValueError as error:
        st.warning(f"The deck in this link could not be opened: {markdown_text(str(error))}",
                   icon=":material/warning:")


def _edit(deck: meeting_deck.Deck, action: str, index: int) -> None:
    changed = {"up": deck.move_up, "down": deck.move_down, "remove": deck.remove}[action](index)
    _set_deck(changed)


def _save_note(index: int) -> None:
    try:
        _set_deck(session.current_deck().update_note(index, st.session_state[session.deck_note(index)]))
    except ValueError as error:  # the note stays in its box, unsaved, with the reason
        st.session_state[session.DECK_ERROR] = f"Speaker note {index + 1} was not saved: {error}"


def _retitle() -> None:
    title = " ".join(str(st.session_state.get(session.DECK_TITLE, "")).split())
    try:
        _set_deck(session.current_deck().retitle(title or meeting_deck.DEFAULT_TITLE))
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"The deck title was not changed: {error}"


AS_SHOWN, AS_TABLE = "As the page shows it", "As a table of its rows"


def _add_link() -> None:
    text = st.session_state.get(session.DECK_NEW_VIEW, "").strip()
    if not text:
        return
    try:
        linked = links.parse_link(text)
        # The view as the app draws it: corrected once, here, with what was corrected said now.
        query, notices = views.normalised_link(linked.query_string, data.connection(), data.load_catalog(),
                                               query=data.query)
        as_table = linked.page == "data" or st.session_state.get(session.DECK_ADD_AS) == AS_TABLE
        _set_deck(session.current_deck().add(query, kind="table" if as_table else "chart"))
        st.session_state[session.DECK_NEW_VIEW] = ""
        added = f"Added the {site.BY_NAME[linked.page].title} view as {'a table' if as_table else 'a chart'}"
        corrections = [*linked.notices, *notices]
        st.session_state[session.DECK_ADDED] = added + (f" ({adjusted_caption(corrections)})." if corrections
                                                        else ".")
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"That link was not added: {error}"


def _add_text_slide() -> None:
    kind = "title" if st.session_state.get(session.DECK_TEXT_KIND) == TITLE_SLIDE else "text"
    try:
        item = meeting_deck.DeckItem(kind=kind, title=st.session_state.get(session.DECK_TEXT_TITLE, "").strip(),
                                     text=st.session_state.get(session.DECK_TEXT_BODY, "").strip())
        _set_deck(session.current_deck().append(item))
        st.session_state[session.DECK_TEXT_TITLE] = st.session_state[session.DECK_TEXT_BODY] = ""
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"The slide was not added: {error}"


def _open_file() -> None:
    uploaded = st.session_state.get(session.DECK_FILE)
    if uploaded is None:
        return
    try:
        _set_deck(meeting_deck.from_json(uploaded.getvalue()))
        st.session_state[session.DECK_TITLE] = session.current_deck().title
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"{uploaded.name}: {error}"


def meeting_page() -> None:
    _load_from_url()
    deck = session.current_deck()
    token = meeting_deck.link_token(deck)
    if deck.items and token and st.query_params.get("deck") != token:
        _set_deck(deck)  # decks collected on other pages get their link too
    if error := st.session_state.pop(session.DECK_ERROR, None):
        st.error(markdown_text(error), icon=":material/error:")  # may quote a file's name or a link's text
    mode, notice = present.mode_from_url()
    if notice:
        st.warning(markdown_text(notice), icon=":material/warning:")
    if mode and deck.items:
        present.present(deck, mode)
    else:
        if mode:
            st.info("There is nothing to present yet: the deck is empty.", icon=":material/info:")
        _prepare(deck)


TITLE_SLIDE, TEXT_SLIDE = "Title or section slide", "Text slide"


def _prepare(deck: meeting_deck.Deck) -> None:
    st.title("Meeting mode")
    st.markdown("Collect views with **Add this view to the meeting deck** under any chart or table, or paste a "
                "link of any page below. Order them, add speaker notes (only the presenter view shows them), "
                "then **Present**.")
    st.session_state.setdefault(session.DECK_TITLE, deck.title)
    st.text_input("Deck title (the title slide of the exports and their file names)", key=session.DECK_TITLE,
                  max_chars=meeting_deck.MAX_TITLE_LENGTH, on_change=_retitle)
    link, shown_as = st.columns([3, 1], vertical_alignment="bottom")
    link.text_input("Add a view by its link (any page of this app)", key=session.DECK_NEW_VIEW,
                    on_change=_add_link, placeholder=LINK_EXAMPLE)
    shown_as.selectbox("Show it", (AS_SHOWN, AS_TABLE), key=session.DECK_ADD_AS,
                       help="A table: the rows behind the view's chart, as many as a slide holds. A link of the "
                            "Data page is always a table.")
    if added := st.session_state.pop(session.DECK_ADDED, None):
        st.success(markdown_text(added), icon=":material/check:")
    with st.expander("Add a title, section or text slide"):
        st.radio("Kind of slide", (TITLE_SLIDE, TEXT_SLIDE), key=session.DECK_TEXT_KIND, horizontal=True)
        st.text_input("Slide title", key=session.DECK_TEXT_TITLE, max_chars=meeting_deck.MAX_TITLE_LENGTH)
        st.text_area("Text (a title slide's subtitle, a text slide's body)", key=session.DECK_TEXT_BODY,
                     max_chars=meeting_deck.MAX_TEXT_LENGTH, height=100)
        st.button("Add this slide", on_click=_add_text_slide, icon=":material/playlist_add:")
    if not deck.items:
        st.info("The deck is empty.")
    catalog = data.load_catalog()
    for index, item in enumerate(deck.items):
        _slide_card(deck, index, item, catalog)
    if deck.items:
        _present_controls(deck)
    _save_and_export(deck)


LINK_EXAMPLE = "http://localhost:8501/trends?indicator=drd_deaths_per_million_15_64&countries=NOR,SWE"
KIND_LABELS = {"chart": "Chart", "table": "Table", "title": "Title slide", "text": "Text slide"}


def _slide_card(deck: meeting_deck.Deck, index: int, item: meeting_deck.DeckItem, catalog) -> None:
    notices: list[str] = []
    if not item.is_view:
        heading, subtitle = item.title, item.text
    elif (reason := slides.unviewable_reason(item.query_string)) is not None:
        heading, subtitle = slides.undrawable(item, reason).title, reason
    else:
        try:
            heading, subtitle, notices = _described(item.query_string, catalog)
        except ValueError as error:  # a profile of a country the extracts no longer hold
            heading, subtitle = slides.undrawable(item, str(error)).title, str(error)
        except Exception:  # one slide that cannot be described must not take Save and the exports with it
            log.exception("slide %d of the meeting deck could not be drawn", index + 1)
            st.error(f"Slide {index + 1} could not be drawn; remove it, or save the deck as a file.",
                     icon=":material/error:")
            st.button("Remove this slide", key=f"deck_remove_{index}", on_click=_edit, args=(deck, "remove", index))
            return
    with st.container(border=True):
        st.markdown(f"**{index + 1}. {markdown_text(heading)}** · {KIND_LABELS[item.kind]}  \n"
                    f"{markdown_text(subtitle[:300])}")
        up, down, remove, _ = st.columns([1, 1, 1, 2], vertical_alignment="center")
        up.button("Move up", icon=":material/arrow_upward:", key=f"deck_up_{index}", width="stretch",
                  on_click=_edit, args=(deck, "up", index), disabled=index == 0)
        down.button("Move down", icon=":material/arrow_downward:", key=f"deck_down_{index}", width="stretch",
                    on_click=_edit, args=(deck, "down", index), disabled=index == len(deck.items) - 1)
        remove.button("Remove", icon=":material/delete:", key=f"deck_remove_{index}", width="stretch",
                      on_click=_edit, args=(deck, "remove", index))
        st.session_state.setdefault(session.deck_note(index), item.note)
        st.text_area("Speaker note (presenter view and PowerPoint notes only)", key=session.deck_note(index),
                     max_chars=meeting_deck.MAX_NOTE_LENGTH, height=80, on_change=_save_note, args=(index,))
        if notices:
            st.caption(adjusted_caption(notices))


def _described(query_string: str, catalog) -> tuple[str, str, list[str]]:
    """A view slide's title, subtitle and notices. A chart's come from its query alone: no slide's chart is drawn
    until it is presented or exported (a deck link of 50 map slides cost 1.2 s of the worker's CPU at every open,
    issue 18 finding 16). A page that reads its own link (a country profile, before-after) draws its view, once
    per link (ui/data.linked_view)."""
    if site.BY_NAME[views.page_of(query_string)].own_view:
        view, notices = data.linked_view(query_string)
        return view.screen_title or view.title, view.subtitle, notices
    state, notices = view_state.from_query_string(query_string, catalog)
    described = charts.chart_query(site.chart_of(state.page), catalog, state)
    return described.title, described.subtitle, notices


def _present_controls(deck: meeting_deck.Deck) -> None:
    st.subheader("Present")
    st.toggle("Projector theme (large type, high contrast)", value=present.projector_from_url(),
              key=session.MEETING_PROJECTOR, on_change=_set_projector)
    start, presenter = st.columns(2)
    start.button("Present (full screen: F, leave: Esc)", icon=":material/slideshow:", type="primary",
                 on_click=present.open_mode, args=("audience",), width="stretch")
    if meeting_deck.link_token(deck):
        base = export_panel.app_base_url()
        presenter.link_button("Presenter view (new tab)",
                              present.mode_link(f"{base}/meeting" if base else "/meeting", "presenter"),
                              help="This slide, the next one, the notes and a clock; the audience view follows its "
                                   "keys.", icon=":material/speaker_notes:", width="stretch")
    else:
        presenter.caption("The presenter view opens this deck from its link; save it as a file and start a "
                          "smaller deck to use it.")
    st.caption(present.KEYS_HELP + " The presenter view moves the audience view along in the other tab or "
               "window of this browser, offline too.")


def _set_projector() -> None:
    if st.session_state.get(session.MEETING_PROJECTOR):
        st.query_params[present.THEME_PARAM] = "1"
    elif present.THEME_PARAM in st.query_params:
        del st.query_params[present.THEME_PARAM]


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
    left.download_button("Save deck (JSON file)", data=lambda: meeting_deck.to_json(deck, _record()).encode(),
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
    columns = st.columns(4)
    for column, fmt, label in zip(columns, export.DECK_FORMATS, [DECK_LABELS[fmt] for fmt in export.DECK_FORMATS],
                                  strict=True):
        column.download_button(label, data=_deck_exporter(deck, fmt), on_click="ignore", help=DECK_HELP.get(fmt),
                               file_name=export.deck_file_name(deck.title, fmt), mime=export.MEDIA_TYPES[fmt],
                               disabled=not deck.items or (fmt != "html" and not browser), key=f"deck_{fmt}")


DECK_HELP = {"html": "One file that works offline: every chart interactive; press P to present it with the keys "
                     "of present mode.", "handout": "The PDF with each slide's speaker note under it."}
DECK_LABELS = {"pptx": "PowerPoint (PPTX)", "pdf": "PDF (no notes)", "handout": "PDF handout with notes",
               "html": "Offline HTML"}


def _deck_exporter(deck: meeting_deck.Deck, fmt: str):
    def make() -> bytes:
        shown, _ = slides.deck_slides(data.connection(), data.load_catalog(), deck)
        return export.export_deck(shown, fmt, title=deck.title, base_url=export_panel.app_base_url(),
                                  editions=_editions())
    return make


def _editions() -> tuple[str, ...]:
    return citations.edition_lines(data.query, db.extracts_fingerprint(data.connection()))


def _record() -> tuple[str, ...]:
    """What a saved deck file says about itself: when, and from which data."""
    return (f"Saved {export.export_time(export.now())} from {export.APP_NAME}.", *_editions())
