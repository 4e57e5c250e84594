"""The chart-only page for iframes (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.embed import embed_page
from dashboard.ui.errors import guarded

guarded(embed_page)()
