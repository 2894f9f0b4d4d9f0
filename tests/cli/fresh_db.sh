# Sourced by the CLI tests that run against a database of their own on the test server
# (ELVA_TEST_DATABASE_URL, started by scripts/test): creates it, points ELVA_DATABASE_URL at it,
# and drops it (and $tmp) on exit. Without a test server: skipped loudly (exit 77), and in CI a
# failure. Expects $tmp; `extra_cleanup` (a command) runs on exit too when set.
# usage: source fresh_db.sh; fresh_database NAME
fresh_database() {
  db_name=$1
  cleanup() {
    [ -n "${ELVA_TEST_DATABASE_URL:-}" ] && psql "$ELVA_TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1
    [ -n "${extra_cleanup:-}" ] && eval "$extra_cleanup"
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  if [ -z "${ELVA_TEST_DATABASE_URL:-}" ]; then
    [ "${CI:-}" = "true" ] && { echo "FAIL: ELVA_TEST_DATABASE_URL is not set in CI"; exit 1; }
    echo "*** SKIPPED: no ELVA_TEST_DATABASE_URL; run scripts/test ***"; exit 77
  fi
  psql "$ELVA_TEST_DATABASE_URL" -qc "CREATE DATABASE $db_name" >/dev/null || exit 1
  export ELVA_DATABASE_URL="${ELVA_TEST_DATABASE_URL/\/elva_test\?//$db_name?}"
}
