"""Every st.session_state key the app uses, named once, with typed access to the ones read in several places.

Widgets keep their own keys (Streamlit stores a widget's value under its key); what else a session holds is here:
the view state last written to the URL, the meeting deck and messages waiting for the next run (the slide
presented lives in the URL: dashboard/ui/present.py).
"""

from __future__ import annotations

import streamlit as st

from dashboard import deck as meeting_deck

# The shared filters' widgets (dashboard/ui/filters.py).
COUNTRIES = "w_countries"
PRESET = "w_preset"
INDICATOR = "w_indicator"
YEARS = "w_years"
YEAR = "w_year"
SEX = "w_sex"
AGE = "w_age"
SCALE = "w_scale"
INDEX_ON = "w_index_on"
INDEX_BASE = "w_index_base"
PROJECTOR = "w_projector"
COLOURS = "w_colours"  # the map's colour scale: one for the selected years, or per year
ANIMATE = "w_animate"  # the map plays through the years in the browser

LANGUAGE = "_lang"  # the reader's language, 'en' or 'nb' (dashboard/ui/language.py)
LANGUAGE_SWITCH = "w_lang"  # the sidebar's language switch
SYNCED = "_synced_query"  # the canonical query string the widgets were last loaded from
WHOLE_PAGE_RERUN = "_whole_page_rerun"  # the state a page fragment last asked the whole page to be drawn for
MAP_CHART = "map_chart"  # the map's selection event (a click adds the country)
MAP_VIEW = "w_map_view"  # the map page's switch: the map or the ranked bars
PROFILE_COUNTRY = "w_profile_country"  # the country profile page's picker

# The meeting deck (dashboard/ui/meeting.py, dashboard/ui/export_panel.py).
DECK = "deck"
DECK_TOKEN = "_deck_token"  # the ?deck= token last loaded or written: our own link is not loaded back
DECK_ERROR = "deck_error"  # shown once on the next run
DECK_ADDED = "deck_added"  # what the last pasted link added, shown once
DECK_NEW_VIEW = "deck_new_view"
DECK_ADD_AS = "deck_add_as"  # a pasted view as the page shows it or as a table
DECK_TITLE = "deck_title"
DECK_TEXT_KIND = "deck_text_kind"  # the title/text slide form
DECK_TEXT_TITLE = "deck_text_title"
DECK_TEXT_BODY = "deck_text_body"
DECK_FILE = "deck_file"
MEETING_PROJECTOR = "projector"  # the projector theme of a presented deck (kept in the URL, projector=1)
DECK_NOTE_PREFIX = "deck_note_"


def deck_note(index: int) -> str:
    """The key of the speaker-note box of the slide at index (boxes are keyed by position)."""
    return f"{DECK_NOTE_PREFIX}{index}"


def current_deck() -> meeting_deck.Deck:
    return st.session_state.setdefault(DECK, meeting_deck.Deck())


def set_deck(deck: meeting_deck.Deck) -> None:
    st.session_state[DECK] = deck


def forget_note_boxes() -> None:
    """After a reorder the note boxes (keyed by position) must reload from the deck."""
    for key in [key for key in st.session_state if str(key).startswith(DECK_NOTE_PREFIX)]:
        del st.session_state[key]
