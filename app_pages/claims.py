"""The claims page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.claims import claims_page
from dashboard.ui.errors import guarded

guarded(claims_page)()
