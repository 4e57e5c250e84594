"""The HAT cities page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.cities import cities_page
from dashboard.ui.errors import guarded

guarded(cities_page)()
