"""Text from links and data shown through Markdown as written, and what a link asked for that a page could not use."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import tr


def link_notices(notices: list[str], shown: int = 8) -> None:
    """What a link asked for that the page could not use, as one warning above the page (nothing when all was)."""
    if notices:
        st.warning(tr("**Some of the link's settings could not be used:**") + "\n\n"
                   + "\n".join(f"- {markdown_text(notice)}" for notice in notices[:shown])
                   + ("\n- …" if len(notices) > shown else ""), icon=":material/warning:")


def markdown_text(text: str) -> str:
    """Plain text shown through Markdown as written: markup characters escaped, line breaks kept."""
    escaped = "".join(f"\\{ch}" if ch in "\\`*_[]<>#$~|" else ch for ch in text)
    return "  \n".join(line for line in escaped.split("\n") if line.strip())
