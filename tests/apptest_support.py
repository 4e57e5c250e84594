"""Opening the app's pages in AppTest the way a user does: the app starts on its default page, then a link
(query parameters) takes it to another page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

EXPLORER_PAGES = {"map": "app_pages/map.py", "trends": "app_pages/trends.py",
                  "programmes": "app_pages/programmes.py", "data": "app_pages/data.py"}
PAGE_SCRIPTS = EXPLORER_PAGES | {"meeting": "app_pages/meeting.py"}


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
