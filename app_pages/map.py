"""The map page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.errors import guarded
from dashboard.ui.pages import map_page

guarded(map_page)()
