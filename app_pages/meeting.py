"""The meeting page (kept as a file so Streamlit's page router and AppTest can address it)."""

from dashboard.ui.errors import guarded
from dashboard.ui.meeting import meeting_page

guarded(meeting_page)()
