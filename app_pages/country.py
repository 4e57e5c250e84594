"""The country profile page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.country import country_page
from dashboard.ui.errors import guarded

guarded(country_page)()
