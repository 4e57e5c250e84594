"""Opening the app's pages in AppTest the way a user does: the app starts on its default page, then a link
(query parameters) takes it to another page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import site

PAGE_SCRIPTS = {page.name: page.script for page in site.PAGES}
EXPLORER_PAGES = {name: PAGE_SCRIPTS[name] for name in site.EXPLORER_PAGES}


def new_app() -> AppTest:
    return AppTest.from_file("../app.py", default_timeout=60)


def open_page(page: str, app: AppTest | None = None, /, **params) -> AppTest:
    """`page` with these query parameters (any names, `page` too), in a new session or in `app`'s; fails on any
    exception."""
    if app is None:
        app = new_app()
        app.run()
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page(PAGE_SCRIPTS[page]).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_embed(**params) -> AppTest:
    """The chart-only page (/embed) of a link with these parameters; fails on any exception."""
    app = new_app()
    app.run()
    for key, value in params.items():
        app.query_params[key] = value
    app.switch_page("app_pages/embed.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app
