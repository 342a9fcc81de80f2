#!/usr/bin/env bash
# Install kg into .venv (from scratch on a new machine) and build the shipped sample case:
# outputs/graph.ttl, outputs/graph.trig and outputs/graph.html.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/kg build data
