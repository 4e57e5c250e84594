#!/usr/bin/env bash
# Set everything up and run the whole test suite: lint, unit, app (AppTest) and browser (Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh requirements-dev.txt
.venv/bin/ruff check .
exec .venv/bin/python -m pytest --full "$@"
