"""A link of the app, pasted into the meeting page or given to the CLI: which page and which view it opens.

In the browser the page is the URL's path (/trends?indicator=...); deck items, exports and the CLI's examples name
it in the query (page=trends&...). Both are read, from any host, port or path prefix. What is not a view of this
app is refused with the reason: nothing silently becomes some other chart (issue 12: every pasted link used to
become a 2016 map).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from dashboard import i18n, site
from dashboard.i18n import tr
from dashboard.state import EMBED_KEYS, KNOWN_KEYS, OTHER_KEYS, shown

MAX_LINK_LENGTH = 8000  # a deck item's view holds at most this much (dashboard.deck.MAX_QUERY_LENGTH)
# Paths of the app that are not a page of the navigation: the root opens the map, /embed the chart of its
# `page` parameter.
_PAGE_FROM_QUERY = ("", "embed")
DECK_PAGE = "meeting"
# A scheme such as 'javascript:' or 'file:' (but not 'localhost:8501', a host and port).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(?![0-9])")


@dataclass(frozen=True)
class LinkedView:
    """The view a link opens: its page and its query string as deck items hold it (page=...&...)."""

    page: str
    query_string: str
    notices: tuple[str, ...] = ()


def parse_link(text: str) -> LinkedView:
    """The page and view of a pasted link or query string; ValueError with a reason a person can act on."""
    if not isinstance(text, str):
        raise ValueError(tr("A link must be text."))
    text = text.strip()
    if not text:
        raise ValueError(tr("Paste a link of this app, e.g. {example}.", example="http://localhost:8501/trends?preset=nordic"))
    if len(text) > MAX_LINK_LENGTH:
        raise ValueError(tr("The link is too long ({length} characters; at most {limit}).",
                              length=i18n.number(len(text)), limit=i18n.number(MAX_LINK_LENGTH)))
    if any(not ch.isprintable() for ch in text):
        raise ValueError(tr("The link holds spaces, line breaks or control characters; copy it again from the "
                            "address bar."))
    head = text.split("?", 1)[0]
    if "=" in head and "/" not in head:
        path, query = "", text  # a bare query string: page=trends&preset=nordic
    else:
        scheme = _SCHEME.match(text)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise ValueError(tr("Only http and https links of this app can be added, not {scheme}.",
                                scheme=shown(scheme.group(1), 12)))
        if "://" not in text and not text.startswith(("/", "?")):
            # 'localhost:8501/trends?...' names a host; 'trends?...' a page
            text = f"//{text}" if any(mark in head for mark in "/.:") else f"/{text}"
        try:
            parts = urlsplit(text)
        except ValueError:  # e.g. an unbalanced '[' in the host
            raise ValueError(tr("{text} is not a link.", text=shown(text, 40))) from None
        path, query = parts.path, parts.query
    params = parse_qsl(query, keep_blank_values=True)
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    notices: list[str] = []
    named = [value for key, value in params if key == "page"]
    if segment == DECK_PAGE:
        raise ValueError(tr("This is a link to a whole meeting deck, not to one view: open it in the browser to "
                            "see and present its slides (or save that deck as a file and open it on this page)."))
    if segment in site.PAGE_NAMES:
        page = segment
    elif segment in _PAGE_FROM_QUERY or named:
        page = named[-1] if named else ""
        if page and page not in site.PAGE_NAMES:
            raise ValueError(tr("The link names the page {page}, which this app does not have (its pages: "
                                "{pages}).", page=shown(page), pages=", ".join(_view_pages())))
        if not page:
            if not any(key in KNOWN_KEYS for key, _ in params):
                raise ValueError(tr("This link names no page and no filter of this app, so it is not a view of "
                                    "it: copy the address bar while the view is open."))
            page = site.DEFAULT_PAGE
            notices.append(tr("The link names no page; it opens the {page} page.", page=page))
    else:
        raise ValueError(tr("The link's path {path} is not a page of this app (its pages: {pages}).",
                            path=shown(path, 40), pages=", ".join(_view_pages())))
    if page == DECK_PAGE:
        raise ValueError(tr("This is a link to the meeting page, not to a view."))
    if not site.has_view(page):
        raise ValueError(tr("The {page} page has no chart that a slide or an export can show; add the charts it "
                            "links to instead.", page=tr(site.BY_NAME[page].title)))
    # A page that reads its own link (the country profile's country=) keeps it all; the others drop what the view
    # state leaves to others (a deck, Streamlit's embed switches).
    dropped = ("page", *EMBED_KEYS) if site.BY_NAME[page].own_view else ("page", *OTHER_KEYS)
    kept = [(key, value) for key, value in params if key not in dropped]
    return LinkedView(page=page, query_string=urlencode([("page", page), *kept], safe=","), notices=tuple(notices))


def _view_pages() -> list[str]:
    return [page.name for page in site.PAGES if site.has_view(page.name)]
