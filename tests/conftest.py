"""Shared fixtures, the fixture extracts and the test tiers.

Data: the tests run on tiny hand-specified extracts (tests/fixture_data.py), written once per session into a
temporary folder that DPA_DATA_DIR points at, so the app, AppTest, the CLI and the servers the tests start all
read them. Only the data-truth module (tests/test_published_figures.py), the build tests and the end-to-end tiers
read the shipped data/extracts (settings.SHIPPED_DATA_DIR), so a new edition breaks no test but those.

Tiers: `pytest` (what a developer runs while working) leaves out the tests marked browser, process or corpus;
`pytest --full` (the README's test command, CI) runs everything.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.fixture_data import write_extracts

FIXTURE_DIR = Path(tempfile.mkdtemp(prefix="dpa-fixture-extracts-"))
os.environ["DPA_DATA_DIR"] = str(FIXTURE_DIR)
write_extracts(FIXTURE_DIR)  # its rollup is made by the build's code, which reads settings: after DPA_DATA_DIR

from dashboard import db, settings  # noqa: E402 (settings reads DPA_DATA_DIR when first imported)

assert settings.DATA_DIR == FIXTURE_DIR.resolve(), "dashboard.settings was imported before the fixture was set"

FULL_ONLY = ("browser", "process", "corpus")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--full", action="store_true",
                     help="run every tier: browser, process and corpus tests too (the README's test command)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--full"):
        return
    left_out = [item for item in items if any(item.get_closest_marker(mark) for mark in FULL_ONLY)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]
        config.stash[_LEFT_OUT] = len(left_out)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    left_out = config.stash.get(_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} tests of the full run left out ({', '.join(FULL_ONLY)}): "
                                    f"run `bash test.sh` or `pytest --full` for everything.")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(FIXTURE_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def connection() -> db.Connection:
    """The app's own connection over the fixture extracts."""
    return db.connect(FIXTURE_DIR)


@pytest.fixture(scope="session")
def shipped_connection() -> db.Connection:
    """The app's own connection over the committed extracts in data/extracts (data-truth tests only)."""
    return db.connect(settings.SHIPPED_DATA_DIR)


@pytest.fixture(scope="session")
def app_server():
    """The app as run.sh serves it, on the shipped extracts (tests/browser_support.py), shared by the browser tests."""
    from tests.browser_support import ARTIFACTS, AppServer

    server = AppServer(ARTIFACTS / "browser_server.log")
    try:
        server.start()
    except RuntimeError as error:
        pytest.fail(str(error))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright (never a downloaded browser); each launch gets a fresh temporary
    user-data-dir, removed after."""
    from playwright import sync_api

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def net(app_server):
    """Per test module: every request the browser makes, only the app's own host let through."""
    from tests.browser_support import NetworkGuard

    return NetworkGuard(port=app_server.port)
