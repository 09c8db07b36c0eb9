#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at 127.0.0.1:5432 for user postgres without a password, with a database
# `test`: installs Debian's postgresql where it is missing, starts its cluster, trusts loopback connections.
set -euo pipefail
answers() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; }
if ! answers; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update
    apt-get install -y --no-install-recommends postgresql
  fi
  read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1)
  hba="/etc/postgresql/${version}/${cluster}/pg_hba.conf"
  if ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  fi
  pg_ctlcluster "$version" "$cluster" start || pg_ctlcluster "$version" "$cluster" reload
  for _ in $(seq 1 30); do answers && break; sleep 1; done
fi
answers || { echo "no PostgreSQL answers at 127.0.0.1:5432" >&2; exit 1; }
if [ -z "$(psql -h 127.0.0.1 -U postgres -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'test'")" ]; then
  psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test'
fi
