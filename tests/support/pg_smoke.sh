#!/usr/bin/env bash
# Checks that the test suite's PostgreSQL is reachable. Under CI a missing database is a
# failure; elsewhere the test says loudly that [pg] coverage did not run.
set -uo pipefail
if [ -z "${ELVA_TEST_DATABASE_URL:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: ELVA_TEST_DATABASE_URL is not set in CI (scripts/test starts the server)"; exit 1
  fi
  echo "*** SKIPPED: no ELVA_TEST_DATABASE_URL; PostgreSQL tests did not run. Use scripts/test. ***"
  exit 77
fi
version=$(psql "$ELVA_TEST_DATABASE_URL" -qAtc "SHOW server_version_num") || { echo "FAIL: cannot connect"; exit 1; }
echo "PostgreSQL server_version_num=$version"
[ "$version" -ge 150000 ] || { echo "FAIL: PostgreSQL 15 or newer expected"; exit 1; }
