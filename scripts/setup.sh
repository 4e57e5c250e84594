#!/usr/bin/env bash
# Prepare a fresh machine: a virtualenv with pinned packages, and Debian's Chromium for image exports
# and browser tests. Usage: bash scripts/setup.sh [requirements file]. Safe to run again: it skips
# what is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"

python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
"$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' \
  || { echo "Python 3.11 or newer is needed (found $("$python" --version 2>&1))." >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv

# Reinstall only when the requirements change.
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$requirements")"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  touch "$stamp"
fi

# Chromium: static image export (kaleido) and the browser tests. Never downloaded by Playwright.
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium (for image exports and browser tests)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "Note: chromium is not installed; PNG/SVG/PDF/PPTX exports and browser tests need it" \
         "(sudo apt-get install chromium). The dashboard, HTML, CSV and XLSX exports work without it." >&2
  fi
fi
