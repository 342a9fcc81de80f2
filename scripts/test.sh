#!/usr/bin/env bash
# Install everything the test suite needs into .venv (from scratch on a new machine) and run it.
# Used verbatim by CI (.ci/run) and by the README. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check kg tests bench scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
