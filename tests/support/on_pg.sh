#!/usr/bin/env bash
# Runs a command with @DB@ replaced by the test suite's PostgreSQL URL (ELVA_TEST_DATABASE_URL).
# Without it: a failure under CI, elsewhere a loud skip (exit 77).
set -uo pipefail
if [ -z "${ELVA_TEST_DATABASE_URL:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "FAIL: ELVA_TEST_DATABASE_URL is not set in CI (scripts/test starts the server)"; exit 1
  fi
  echo "*** SKIPPED: no ELVA_TEST_DATABASE_URL; this PostgreSQL test did not run. Use scripts/test. ***"
  exit 77
fi
args=()
for a in "$@"; do args+=("${a//@DB@/"$ELVA_TEST_DATABASE_URL"}"); done  # quoted: a & in the URL stays a &
exec "${args[@]}"
