"""The data page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.errors import guarded
from dashboard.ui.pages import data_page

guarded(data_page)()
