#!/usr/bin/env bash
# Install everything the test suite needs into .venv (from scratch on a new machine) and run it.
# Used verbatim by CI (.ci/run) and by the README. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The network-view tests drive Debian's chromium through Playwright (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "scripts/test.sh: /usr/bin/chromium is missing; install it with: sudo apt-get install chromium" >&2
  fi
fi
# The scanned-PDF tests read page images with Debian's Tesseract OCR (and its English data).
if ! command -v tesseract >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null
  else
    echo "scripts/test.sh: tesseract is missing; install it with: sudo apt-get install tesseract-ocr tesseract-ocr-eng" >&2
  fi
fi
# The endpoint tests drive curl as a client.
if ! command -v curl >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
  else
    echo "scripts/test.sh: curl is missing; install it with: sudo apt-get install curl" >&2
  fi
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check kg tests bench scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
