#!/usr/bin/env bash
# A throwaway PostgreSQL 15 (+ pgvector) on 127.0.0.1 for the test suite.
#   bash scripts/pg.sh start   -> starts it and prints its DATABASE_URL
#   bash scripts/pg.sh stop    -> fast shutdown
# Run it, don't source it. Needs scripts/system-deps.sh first. Runs the server as the
# postgres user (PostgreSQL refuses root); touches neither /etc nor the system cluster.
set -euo pipefail
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
PGPORT=${CURBSIDE_TEST_PGPORT:-54329}
PGDATA=${CURBSIDE_TEST_PGDATA:-/tmp/curbside-test-pgdata}
AS_PG="runuser -u postgres --"
[ "$(id -u)" -eq 0 ] || AS_PG="sudo -u postgres"

start() {
  if ! [ -f "$PGDATA/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$PGDATA"
    $AS_PG $PGBIN/initdb -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! [ -f "$PGDATA/postmaster.pid" ]; then
    # fsync off: a test database need not survive a power cut, and tests run faster.
    $AS_PG $PGBIN/pg_ctl -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  # Databases created later (the test database too) inherit the extension from template1.
  psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qAt -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS vector" template1 >/dev/null
  echo "postgres://postgres@127.0.0.1:$PGPORT/curbside"
}

stop() {
  if [ -f "$PGDATA/postmaster.pid" ]; then
    $AS_PG $PGBIN/pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null || true
  fi
}

"$@"
