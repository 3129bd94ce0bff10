#!/usr/bin/env bash
# Quick start 1: install Curbside and serve the demo site on http://127.0.0.1:8000/
# (SQLite in ~/.local/share/curbside unless CURBSIDE_DATA_DIR or DATABASE_URL say otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv.sh
exec .venv/bin/curbside demo "$@"
