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
stamp=".venv/.installed-$(cat requirements*.txt pyproject.toml | sha256sum | cut -c1-16)-$(basename "$requirements")"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  # The package itself, editable: `drug-policy-atlas` (and `python -m dashboard`) then work from any folder.
  .venv/bin/python -m pip install --quiet --no-deps -e .
  touch "$stamp"
fi

# Debian packages: Chromium for static image export (kaleido) and the browser tests (never downloaded by
# Playwright); nginx in front of the Streamlit workers (python -m dashboard serve).
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# The tests open the PowerPoint decks as a person would, in LibreOffice (without its recommends: a minute).
lean=()
if [ "$requirements" = requirements-dev.txt ]; then
  command -v soffice >/dev/null 2>&1 || lean+=(libreoffice-impress)
fi
if [ $((${#missing[@]} + ${#lean[@]})) -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages: ${missing[*]} ${lean[*]}..."
    # Install without starting Debian's own nginx service: serve runs nginx with its own configuration.
    created_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
    fi
    apt-get update -qq
    [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${lean[@]}" >/dev/null
    [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
  else
    echo "Note: not installed: ${missing[*]} ${lean[*]} (sudo apt-get install ${missing[*]} ${lean[*]})." \
         "Without chromium, PNG/SVG/PDF/PPTX exports and browser tests are unavailable; without nginx the" \
         "dashboard runs as one Streamlit process; without LibreOffice its deck test is skipped." >&2
  fi
fi
