"""The before-and-after page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.before_after import before_after_page
from dashboard.ui.errors import guarded

guarded(before_after_page)()
