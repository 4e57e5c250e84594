#!/usr/bin/env bash
# Set everything up and start the dashboard on the shipped data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh requirements.txt
exec .venv/bin/python -m dashboard serve "$@"
