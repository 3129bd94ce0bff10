#!/usr/bin/env bash
# System packages the test suite needs on Debian 12, installed only when missing:
# Python venv support, Chromium (browser tests), PostgreSQL 15 with headers, and the
# pgvector extension built from Debian's own source package (bookworm does not ship it).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x $PGBIN/postgres ] || missing+=(postgresql-$PGVER)
[ -f /usr/include/postgresql/$PGVER/server/postgres.h ] || missing+=(postgresql-server-dev-$PGVER)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! [ -f /usr/share/postgresql/$PGVER/extension/vector.control ]; then
  echo "Building the pgvector extension from Debian's source package"
  APT=/tmp/curbside-apt
  mkdir -p $APT/lists/partial $APT/cache/archives/partial $APT/src
  # Use the same Debian mirror this machine already uses, with the next release's sources.
  mirror=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
  [ -n "$mirror" ] || mirror=$(grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -1 | awk '{print $2}')
  echo "deb-src $mirror trixie main" > $APT/sources.list
  O="-o Dir::Etc::SourceList=$APT/sources.list -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=$APT/lists -o Dir::Cache=$APT/cache"
  $SUDO apt-get $O update -qq
  (cd $APT/src && apt-get $O source --download-only -qq pgvector 2>/dev/null)
  tar -xzf $APT/src/pgvector_*.orig.tar.gz -C $APT/src
  make -s -C $APT/src/pgvector-*/ -j"$(nproc)" PG_CONFIG=$PGBIN/pg_config OPTFLAGS="" >/dev/null
  $SUDO make -s -C $APT/src/pgvector-*/ install PG_CONFIG=$PGBIN/pg_config OPTFLAGS="" >/dev/null
fi
