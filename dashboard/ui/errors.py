"""Turn failures into short messages for users; the details go to the server log, never to the page."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import streamlit as st

from dashboard import db, settings
from dashboard.i18n import tr

log = logging.getLogger("dashboard")


def guarded(page: Callable[..., None]) -> Callable[..., None]:
    """Run a page (or a page's fragment: Streamlit handles an error inside a fragment before the page's own
    guard sees it); a missing extract or an unexpected error becomes a clear message, not a traceback."""

    @functools.wraps(page)
    def run(*args, **kwargs) -> None:
        try:
            page(*args, **kwargs)
        except db.DataUnavailable as error:
            log.warning("data unavailable on %s: %s", page.__name__, error)
            st.error(tr("**This page needs data that is missing or damaged.**\n\n{problem}\n\nOther pages that do "
                        "not need this file keep working. To repair it, run `{command}` in the project folder and "
                        "reload.", problem=db.shown(error), command=settings.REBUILD_COMMAND), icon=":material/error:")
        except Exception:
            log.exception("page %s failed", page.__name__)
            st.error(tr("Something went wrong while drawing this page. The error was logged for the maintainers; "
                        "try other filters or reload the page."), icon=":material/error:")

    return run
