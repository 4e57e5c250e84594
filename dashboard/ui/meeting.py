"""Meeting mode: collect views into a deck, annotate and order them, present them, save and export the deck."""

from __future__ import annotations

import logging

import streamlit as st

from dashboard import charts, citations, db, export, i18n, links, site, slides, views
from dashboard import deck as meeting_deck
from dashboard import state as view_state
from dashboard.i18n import N_, ntr, tr
from dashboard.ui import data, export_panel, present, session
from dashboard.ui.notices import markdown_text

log = logging.getLogger("dashboard")
DECK_NOTICE = "deck_notice"  # what was corrected in an opened deck file, shown once on the next run


def _set_deck(deck: meeting_deck.Deck) -> None:
    """Keep the deck in the session and in the URL, so the address bar is always a link to it. The deck takes
    the page's language: what its exports say about it is in the language it is prepared in."""
    deck = deck.in_language(i18n.current())
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
    notices: list[str] = []
    try:
        deck = meeting_deck.from_url_token(token, notices)
        session.forget_note_boxes()
        session.set_deck(deck)
        st.session_state[session.DECK_TITLE] = deck.title
    except ValueError as error:
        st.warning(tr("The deck in this link could not be opened: {reason}", reason=markdown_text(str(error))),
                   icon=":material/warning:")
    for notice in notices:
        st.warning(markdown_text(notice), icon=":material/translate:")


def _edit(deck: meeting_deck.Deck, action: str, index: int) -> None:
    changed = {"up": deck.move_up, "down": deck.move_down, "remove": deck.remove}[action](index)
    _set_deck(changed)


def _save_note(index: int) -> None:
    try:
        _set_deck(session.current_deck().update_note(index, st.session_state[session.deck_note(index)]))
    except ValueError as error:  # the note stays in its box, unsaved, with the reason
        st.session_state[session.DECK_ERROR] = tr("Speaker note {slide} was not saved: {reason}", slide=index + 1,
                                                  reason=error)


def _retitle() -> None:
    title = " ".join(str(st.session_state.get(session.DECK_TITLE, "")).split())
    try:
        _set_deck(session.current_deck().retitle(title or meeting_deck.default_title()))
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = tr("The deck title was not changed: {reason}", reason=error)


# The options of 'Show it' (their values; shown through SHOW_AS in the reader's language).
AS_SHOWN, AS_TABLE = "As the page shows it", "As a table of its rows"
SHOW_AS = {AS_SHOWN: N_("As the page shows it"), AS_TABLE: N_("As a table of its rows")}


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
        page = tr(site.BY_NAME[linked.page].title)
        added = (tr("Added the {page} view as a table", page=page) if as_table else
                 tr("Added the {page} view as a chart", page=page))
        corrections = [*linked.notices, *notices]
        st.session_state[session.DECK_ADDED] = added + (f" ({adjusted_caption(corrections)})." if corrections
                                                        else ".")
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = tr("That link was not added: {reason}", reason=error)


def _add_text_slide() -> None:
    kind = "title" if st.session_state.get(session.DECK_TEXT_KIND) == TITLE_SLIDE else "text"
    try:
        item = meeting_deck.DeckItem(kind=kind, title=st.session_state.get(session.DECK_TEXT_TITLE, "").strip(),
                                     text=st.session_state.get(session.DECK_TEXT_BODY, "").strip())
        _set_deck(session.current_deck().append(item))
        st.session_state[session.DECK_TEXT_TITLE] = st.session_state[session.DECK_TEXT_BODY] = ""
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = tr("The slide was not added: {reason}", reason=error)


def _open_file() -> None:
    uploaded = st.session_state.get(session.DECK_FILE)
    if uploaded is None:
        return
    notices: list[str] = []
    try:
        _set_deck(meeting_deck.from_json(uploaded.getvalue(), notices))
        st.session_state[session.DECK_TITLE] = session.current_deck().title
    except ValueError as error:
        st.session_state[session.DECK_ERROR] = f"{uploaded.name}: {error}"
    else:
        if notices:  # shown once, on the next run: what was corrected in the file (its language)
            st.session_state[DECK_NOTICE] = f"{uploaded.name}: {' '.join(notices)}"


def meeting_page() -> None:
    _load_from_url()
    deck = session.current_deck()
    if deck.lang != i18n.current():  # the deck is prepared in the page's language (its link and files say so)
        deck = deck.in_language(i18n.current())
        session.set_deck(deck)
    token = meeting_deck.link_token(deck)
    if deck.items and token and st.query_params.get("deck") != token:
        _set_deck(deck)  # decks collected on other pages get their link too
    if error := st.session_state.pop(session.DECK_ERROR, None):
        st.error(markdown_text(error), icon=":material/error:")  # may quote a file's name or a link's text
    if corrected := st.session_state.pop(DECK_NOTICE, None):
        st.warning(markdown_text(corrected), icon=":material/translate:")
    mode, notice = present.mode_from_url()
    if notice:
        st.warning(markdown_text(notice), icon=":material/warning:")
    if mode and deck.items:
        present.present(deck, mode)
    else:
        if mode:
            st.info(tr("There is nothing to present yet: the deck is empty."), icon=":material/info:")
        _prepare(deck)


# The kinds of a new words slide (their values; shown through WORDS_KINDS in the reader's language).
TITLE_SLIDE, TEXT_SLIDE = "Title or section slide", "Text slide"
WORDS_KINDS = {TITLE_SLIDE: N_("Title or section slide"), TEXT_SLIDE: N_("Text slide")}


def _prepare(deck: meeting_deck.Deck) -> None:
    st.title(tr("Meeting mode"))
    st.markdown(tr("Collect views with **Add this view to the meeting deck** under any chart or table, or paste a "
                   "link of any page below. Order them, add speaker notes (only the presenter view shows them), "
                   "then **Present**."))
    st.session_state.setdefault(session.DECK_TITLE, deck.title)
    st.text_input(tr("Deck title (the title slide of the exports and their file names)"), key=session.DECK_TITLE,
                  max_chars=meeting_deck.MAX_TITLE_LENGTH, on_change=_retitle)
    link, shown_as = st.columns([3, 1], vertical_alignment="bottom")
    link.text_input(tr("Add a view by its link (any page of this app)"), key=session.DECK_NEW_VIEW,
                    on_change=_add_link, placeholder=LINK_EXAMPLE)
    show_as = {key: tr(label) for key, label in SHOW_AS.items()}  # this run's language
    shown_as.selectbox(tr("Show it"), (AS_SHOWN, AS_TABLE), key=session.DECK_ADD_AS,
                       format_func=lambda key: show_as.get(key, str(key)),
                       help=tr("A table: the rows behind the view's chart, as many as a slide holds. A link of the "
                               "Data page is always a table."))
    if added := st.session_state.pop(session.DECK_ADDED, None):
        st.success(markdown_text(added), icon=":material/check:")
    with st.expander(tr("Add a title, section or text slide")):
        kinds = {key: tr(label) for key, label in WORDS_KINDS.items()}
        st.radio(tr("Kind of slide"), (TITLE_SLIDE, TEXT_SLIDE), key=session.DECK_TEXT_KIND, horizontal=True,
                 format_func=lambda key: kinds.get(key, str(key)))
        st.text_input(tr("Slide title"), key=session.DECK_TEXT_TITLE, max_chars=meeting_deck.MAX_TITLE_LENGTH)
        st.text_area(tr("Text (a title slide's subtitle, a text slide's body)"), key=session.DECK_TEXT_BODY,
                     max_chars=meeting_deck.MAX_TEXT_LENGTH, height=100)
        st.button(tr("Add this slide"), on_click=_add_text_slide, icon=":material/playlist_add:")
    if not deck.items:
        st.info(tr("The deck is empty."))
    catalog = data.load_catalog()
    for index, item in enumerate(deck.items):
        _slide_card(deck, index, item, catalog)
    if deck.items:
        _present_controls(deck)
    _save_and_export(deck)


LINK_EXAMPLE = "http://localhost:8501/trends?indicator=drd_deaths_per_million_15_64&countries=NOR,SWE"
KIND_LABELS = {"chart": N_("Chart"), "table": N_("Table"), "title": N_("Title slide"), "text": N_("Text slide")}


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
            st.error(tr("Slide {slide} could not be drawn; remove it, or save the deck as a file.", slide=index + 1),
                     icon=":material/error:")
            st.button(tr("Remove this slide"), key=f"deck_remove_{index}", on_click=_edit,
                      args=(deck, "remove", index))
            return
    with st.container(border=True):
        st.markdown(f"**{index + 1}. {markdown_text(heading)}** · {tr(KIND_LABELS[item.kind])}  \n"
                    f"{markdown_text(subtitle[:300])}")
        up, down, remove, _ = st.columns([1, 1, 1, 2], vertical_alignment="center")
        up.button(tr("Move up"), icon=":material/arrow_upward:", key=f"deck_up_{index}", width="stretch",
                  on_click=_edit, args=(deck, "up", index), disabled=index == 0)
        down.button(tr("Move down"), icon=":material/arrow_downward:", key=f"deck_down_{index}", width="stretch",
                    on_click=_edit, args=(deck, "down", index), disabled=index == len(deck.items) - 1)
        remove.button(tr("Remove"), icon=":material/delete:", key=f"deck_remove_{index}", width="stretch",
                      on_click=_edit, args=(deck, "remove", index))
        st.session_state.setdefault(session.deck_note(index), item.note)
        st.text_area(tr("Speaker note (presenter view and PowerPoint notes only)"), key=session.deck_note(index),
                     max_chars=meeting_deck.MAX_NOTE_LENGTH, height=80, on_change=_save_note, args=(index,))
        if notices:
            st.caption(adjusted_caption(notices))


def _described(query_string: str, catalog) -> tuple[str, str, list[str]]:
    """A view slide's title, subtitle and notices. A chart's come from its query alone: no slide's chart is drawn
    until it is presented or exported (a deck link of 50 map slides cost 1.2 s of the worker's CPU at every open,
    issue 18 finding 16). A page that reads its own link (a country profile, before-after) draws its view, once
    per link (ui/data.linked_view). The title in the link's language, as the slide will be drawn."""
    if site.BY_NAME[views.page_of(query_string)].own_view:
        view, notices = data.linked_view(query_string)
        return view.screen_title or view.title, view.subtitle, notices
    state, notices = view_state.from_query_string(query_string, catalog)  # the notices in the page's language
    with i18n.language(state.lang):
        described = charts.chart_query(site.chart_of(state.page), catalog, state)
    return described.title, described.subtitle, notices


def _present_controls(deck: meeting_deck.Deck) -> None:
    st.subheader(tr("Present"))
    st.toggle(tr("Projector theme (large type, high contrast)"), value=present.projector_from_url(),
              key=session.MEETING_PROJECTOR, on_change=_set_projector)
    start, presenter = st.columns(2)
    start.button(tr("Present (full screen: F, leave: Esc)"), icon=":material/slideshow:", type="primary",
                 on_click=present.open_mode, args=("audience",), width="stretch")
    if meeting_deck.link_token(deck):
        base = export_panel.app_base_url()
        presenter.link_button(tr("Presenter view (new tab)"),
                              present.mode_link(f"{base}/meeting" if base else "/meeting", "presenter"),
                              help=tr("This slide, the next one, the notes and a clock; the audience view follows "
                                      "its keys."), icon=":material/speaker_notes:", width="stretch")
    else:
        presenter.caption(tr("The presenter view opens this deck from its link; save it as a file and start a "
                             "smaller deck to use it."))
    st.caption(tr(present.KEYS_HELP) + " " + tr("The presenter view moves the audience view along in the other "
                                                "tab or window of this browser, offline too."))


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
    more = " " + ntr("And {n} more correction.", "And {n} more corrections.", rest) if rest > 0 else ""
    return tr("Adjusted: {notices}", notices=" ".join(notices[:SHOWN_NOTICES])) + more


def _save_and_export(deck: meeting_deck.Deck) -> None:
    st.subheader(tr("Save, reopen and export"))
    left, right = st.columns(2)
    lang = i18n.current()  # the files are made when clicked, perhaps outside this run: they are told the language
    left.download_button(tr("Save deck (JSON file)"),
                         data=lambda: meeting_deck.to_json(deck.in_language(lang), _record(lang)).encode(),
                         file_name=export.deck_file_name(deck.title, "json"), mime="application/json",
                         disabled=not deck.items, on_click="ignore")
    right.file_uploader(tr("Open a saved deck"), type=["json"], key=session.DECK_FILE, on_change=_open_file,
                        max_upload_size=1, help=tr("A deck saved from this page: a JSON file of at most {limit} kB.",
                                                   limit=meeting_deck.MAX_JSON_BYTES // 1000))
    if deck.items and meeting_deck.link_token(deck):
        st.markdown(tr("Link to this deck (bookmark it or send it; it holds the whole deck): the address bar "
                       "of this page."))
    elif deck.items:
        st.warning(tr("This deck is too large for a link, so the address bar does not hold it: save it as a file "
                      "to keep it."), icon=":material/warning:")
    browser = export.browser_available()
    columns = st.columns(4)
    for column, fmt in zip(columns, export.DECK_FORMATS, strict=True):
        column.download_button(tr(DECK_LABELS[fmt]), data=_deck_exporter(deck, fmt, lang), on_click="ignore",
                               help=tr(DECK_HELP[fmt]) if fmt in DECK_HELP else None,
                               file_name=export.deck_file_name(deck.title, fmt), mime=export.MEDIA_TYPES[fmt],
                               disabled=not deck.items or (fmt != "html" and not browser), key=f"deck_{fmt}")


DECK_HELP = {"html": N_("One file that works offline: every chart interactive; press P to present it with the "
                        "keys of present mode."), "handout": N_("The PDF with each slide's speaker note under it.")}
DECK_LABELS = {"pptx": N_("PowerPoint (PPTX)"), "pdf": N_("PDF (no notes)"), "handout": N_("PDF handout with notes"),
               "html": N_("Offline HTML")}


def _deck_exporter(deck: meeting_deck.Deck, fmt: str, lang: str):
    def make() -> bytes:
        with i18n.language(lang):  # a slide that cannot be drawn says so in the page's language
            shown, _ = slides.deck_slides(data.connection(), data.load_catalog(), deck)
            editions = _editions()
        return export.export_deck(shown, fmt, title=deck.title, base_url=export_panel.app_base_url(),
                                  editions=editions, lang=lang)
    return make


def _editions() -> tuple[str, ...]:
    return citations.edition_lines(data.query, db.extracts_fingerprint(data.connection()))


def _record(lang: str) -> tuple[str, ...]:
    """What a saved deck file says about itself: when, and from which data (in the page's language)."""
    with i18n.language(lang):
        return (tr("Saved {time} from {app}.", time=export.export_time(export.now()), app=export.APP_NAME),
                *_editions())
