"""One Streamlit worker of `python -m dashboard serve`: Streamlit's own command line, hardened first.

    python -m dashboard.worker run app.py --server.port 8502 ...     (what serve starts; the same arguments)

app.py hardens too (for a plain `streamlit run app.py`), but only when a session first runs the script: until
then a new worker would take a reconnect to another's session or a clear_cache message as Streamlit does.
"""

from __future__ import annotations

import sys

from streamlit.web.cli import main

from dashboard.ui.hardening import harden

if __name__ == "__main__":
    harden()
    sys.exit(main(prog_name="streamlit"))
