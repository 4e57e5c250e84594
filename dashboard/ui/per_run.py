"""Work done once per script run, however often a run asks for it.

A run asks for the extracts' version and the catalog a dozen times (every cached call names the version); each
ask stats the extract files or walks Streamlit's cache lookup. A run is one version throughout, so the first
answer serves the rest of the run, fragment runs included.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import TypeVar

from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")


def _this_run() -> object | None:
    """What identifies the current run: Streamlit gives each run (a fragment's too) a new dict of element cursors
    when it resets the run's context. Outside a run (tests, the CLI) there is none and nothing is kept."""
    context = get_script_run_ctx()
    return getattr(context, "cursors", None) if context is not None else None


def once_per_run(function: Callable[[], T]) -> Callable[[], T]:
    """A function of no arguments answered once per script run. The memo lives in the script thread's context
    (a session's runs follow each other on it) and holds the run's marker, so a later run never sees it."""
    memo: contextvars.ContextVar[tuple[object, T]] = contextvars.ContextVar(f"per_run_{function.__qualname__}")

    @functools.wraps(function)
    def answered_once() -> T:
        run = _this_run()
        if run is None:
            return function()
        kept = memo.get(None)
        if kept is not None and kept[0] is run:
            return kept[1]
        value = function()
        memo.set((run, value))
        return value

    return answered_once
