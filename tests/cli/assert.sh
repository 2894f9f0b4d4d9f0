# Shared by the CLI test scripts (sourced): `expect` and `contains` count into $passed/$failed
# and keep the last command's output in $tmp/out and $tmp/err. The script sets $tmp.
passed=0
failed=0

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit code, keeps its output.
expect() {
  local code=$1 what=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$code" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what: exit $got, expected $code"
    sed 's/^/  | /' "$tmp/out" "$tmp/err" | head -20
  fi
}

# contains FILE TEXT DESCRIPTION: FILE (out or err) contains TEXT.
contains() {
  if grep -qF -- "$2" "$tmp/$1"; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL: $3: '$2' not in $1"
    sed 's/^/  | /' "$tmp/$1" | head -20
  fi
}
