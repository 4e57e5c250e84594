"""Shared fixtures: the shipped extracts and a locked-down connection to them."""

from __future__ import annotations

import pytest

from dashboard import db, settings


@pytest.fixture(scope="session")
def connection() -> db.Connection:
    """The app's own connection over the committed extracts in data/extracts."""
    return db.connect(settings.DATA_DIR)
