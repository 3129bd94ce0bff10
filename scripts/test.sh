#!/usr/bin/env bash
# Quick start 2: install everything and run the whole test suite, first on SQLite, then on
# PostgreSQL 15 + pgvector (a throwaway server on 127.0.0.1, stopped afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/venv.sh test,postgres
export CURBSIDE_DATA_DIR=${CURBSIDE_DATA_DIR:-$(mktemp -d /tmp/curbside-test-data.XXXXXX)}
export CURBSIDE_SHARED_DIR=${CURBSIDE_SHARED_DIR:-$(cd .. && pwd)/shared}

url=$(bash scripts/pg.sh start)
trap 'bash scripts/pg.sh stop' EXIT

echo "=== Test suite on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "$@"
echo "=== Test suite on PostgreSQL ($url)"
DATABASE_URL=$url .venv/bin/python -m pytest "$@"
