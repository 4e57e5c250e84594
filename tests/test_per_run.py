"""Work done once per script run (dashboard/ui/per_run.py) and the navigation's pages (dashboard/ui/navigation.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import settings, site
from dashboard.ui import navigation
from dashboard.ui.per_run import once_per_run

# Each run asks five times; the answer is how many times the function has run so far.
ASKING_SCRIPT = """
import streamlit as st
from dashboard.ui.per_run import once_per_run

if "asked" not in st.session_state:
    calls = []
    st.session_state.asked = once_per_run(lambda: calls.append(1) or len(calls))
st.write(" ".join(str(st.session_state.asked()) for _ in range(5)))
"""


def test_a_run_gets_one_answer_and_the_next_run_a_new_one():
    app = AppTest.from_string(ASKING_SCRIPT)
    app.run()
    assert app.markdown[0].value == "1 1 1 1 1"
    app.run()
    assert app.markdown[0].value == "2 2 2 2 2"  # a rebuild between two runs is seen by the second


def test_outside_a_run_every_ask_is_answered_anew():
    calls = []
    asked = once_per_run(lambda: calls.append(1) or len(calls))
    assert [asked(), asked(), asked()] == [1, 2, 3]


NAVIGATING_SCRIPT = """
import streamlit as st
from dashboard import i18n
from dashboard.ui import navigation

with i18n.language("nb"):
    norwegian = navigation.pages()
first, second = navigation.pages(), navigation.pages()
st.write(str(len(first)))
st.write(str(all(a is not b for a, b in zip(first, second))))
st.write(", ".join(page.url_path for page in first))
st.write(", ".join(page.title for page in first))
st.write(", ".join(page.title for page in norwegian))
"""


def test_each_run_gets_its_own_pages_in_the_readers_language(tmp_path):
    # st.navigation marks the page it returns runnable and Page.run() unmarks it: two sessions running at once
    # must never hold the same Page objects. Pages are found beside the entry script, as app.py's are.
    (tmp_path / "app_pages").symlink_to(settings.REPO_ROOT / "app_pages")
    (tmp_path / "entry.py").write_text(NAVIGATING_SCRIPT)
    app = AppTest.from_file(str(tmp_path / "entry.py"))
    app.run()
    assert not app.exception, app.exception
    count, distinct, paths, titles, norwegian = (item.value for item in app.markdown)
    assert count == str(len(site.PAGES) + 2)  # with the hidden root and the chart-only embed
    assert distinct == "True"
    assert paths.split(", ")[1:] == [*(page.name for page in site.PAGES), navigation.EMBED_PATH]
    assert titles.split(", ")[1:3] == ["Map", "Trends"]
    assert norwegian.split(", ")[1:3] == ["Kart", "Utvikling"]
