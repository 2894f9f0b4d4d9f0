#!/usr/bin/env bash
# The Debian package as an administrator meets it (docs/operations.md#installing-from-the-package):
# scripts/package packs the already built binary (no second build), then the .deb is checked
# (fields, Depends, layout, stripped binary, conffile, the unit), installed with dpkg into a
# scratch root (its maintainer scripts run without chroot: the user `elva` is made in that root's
# /etc files), and the installed binary runs: --version with the commit, then `elva serve` as the
# unit starts it, with a scratch home (embedded database), answering /api/health.
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
source "$src/tests/cli/assert.sh"
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  "$src/tests/cli/stop-embedded.sh" "$tmp/home" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
check() {  # check DESCRIPTION COMMAND...: a condition that must hold
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL: $what"
  fi
}

expect 0 "scripts/package packs the built binary" -- "$src/scripts/package" --build-dir "$build" --out "$tmp/debs"
contains out "stripped" "reports the binary's size before and after stripping"
cat "$tmp/out"
deb=$(ls "$tmp"/debs/elva_*_amd64.deb 2>/dev/null | head -n 1)
check "elva_VERSION_amd64.deb was written" test -f "$deb"
version=$("$build/cli/elva" --version | awk '{print $2}')
check "the file is named after the version ($version)" test "$(basename "$deb")" = "elva_${version}_amd64.deb"

field() { dpkg-deb -f "$deb" "$1"; }
check "Package: elva" test "$(field Package)" = elva
check "Version is the binary's" test "$(field Version)" = "$version"
check "Architecture: amd64" test "$(field Architecture)" = amd64
depends=$(field Depends)
for dep in libc6 libstdc++6 libpqxx-6.4 libpq5 libsodium23 libpugixml1v5 libssl3 libre2-9 adduser "postgresql (>= 15)" postgresql-client; do
  check "Depends names $dep (got: $depends)" grep -qF -- "$dep" <<<"$depends"
done

dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/files"
for f in ./usr/bin/elva ./lib/systemd/system/elva.service ./etc/elva/elva.toml \
  ./usr/share/elva/processes/personnel-hire.bpmn ./usr/share/elva/processes/forms/approve-hire.form \
  ./usr/share/doc/elva/operations.md ./usr/share/doc/elva/openapi.json; do
  check "the package holds $f" grep -qx -- "$f" "$tmp/files"
done
check "no test scenarios are installed" bash -c "! grep -q 'processes/scenarios' '$tmp/files'"
dpkg-deb -e "$deb" "$tmp/control"
check "elva.toml is a conffile" grep -qx /etc/elva/elva.toml "$tmp/control/conffiles"
for s in postinst prerm postrm; do
  check "$s is executable and valid sh" bash -c "test -x '$tmp/control/$s' && sh -n '$tmp/control/$s'"
done

# Install into a scratch root: dpkg's own database there, maintainer scripts without chroot.
root=$tmp/root
mkdir -p "$root/etc" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/log"
touch "$root/var/lib/dpkg/status"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
printf 'root:*::\n' >"$root/etc/gshadow"
asroot=()
[ "$(id -u)" -eq 0 ] || asroot=(fakeroot)
expect 0 "dpkg installs the package into a scratch root" -- "${asroot[@]}" dpkg --root="$root" \
  --force-script-chrootless --force-depends --force-not-root --log=/dev/null -i "$deb"
check "dpkg knows it as installed" bash -c "dpkg --root='$root' -s elva 2>/dev/null | grep -q 'Status: install ok installed'"
check "the postinst made the system user elva" grep -q '^elva:x:[0-9]*:[0-9]*:.*:/var/lib/elva:/usr/sbin/nologin$' "$root/etc/passwd"
uid=$(grep '^elva:' "$root/etc/passwd" | cut -d: -f3)
check "elva is a system user (uid $uid < 1000)" test "${uid:-9999}" -lt 1000
if [ "$(id -u)" -eq 0 ]; then
  check "/var/lib/elva belongs to elva, mode 700" test "$(stat -c '%u %a' "$root/var/lib/elva")" = "$uid 700"
  check "elva.toml is readable by the group elva only" test "$(stat -c '%a' "$root/etc/elva/elva.toml")" = 640
fi
check "the installed binary is stripped" bash -c "! readelf -S '$root/usr/bin/elva' | grep -qE '\.symtab|\.debug_info'"

# The unit: the options an administrator relies on, and systemd's own check where it can run.
unit=$root/lib/systemd/system/elva.service
for line in "User=elva" "ProtectSystem=strict" "NoNewPrivileges=yes" "ReadWritePaths=/var/lib/elva" \
  "PrivateTmp=yes" "StateDirectory=elva" "Environment=ELVA_HOME=/var/lib/elva" \
  "ExecStart=/usr/bin/elva serve --config /etc/elva/elva.toml \$ELVA_SERVE_OPTIONS"; do
  check "the unit has $line" grep -qxF -- "$line" "$unit"
done
if command -v systemd-analyze >/dev/null; then
  # verify wants the unit's binary at its path: point a copy of the unit at the installed one.
  sed "s#/usr/bin/elva#$root/usr/bin/elva#" "$unit" >"$tmp/elva.service"
  systemd-analyze verify "$tmp/elva.service" >"$tmp/verify" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] || grep -q "elva.service" "$tmp/verify"; then
    failed=$((failed + 1))
    echo "FAIL: systemd-analyze verify finds faults in the unit (exit $rc):"
    sed 's/^/  | /' "$tmp/verify"
  else
    passed=$((passed + 1))
  fi
fi

# The installed binary runs.
expect 0 "the installed elva --version" -- "$root/usr/bin/elva" --version
check "--version names the version and the commit ($(cat "$tmp/out"))" grep -qE "^elva $version \(commit ([0-9a-f]{12}|unknown)\)$" "$tmp/out"
check "the packaged binary says what the build's says" test "$(cat "$tmp/out")" = "$("$build/cli/elva" --version)"
# As the unit runs it (its ExecStart and Environment=), with a scratch home for the embedded
# database and any free port; ready when /readyz says so (database up, schema migrated).
ELVA_HOME=$tmp/home ELVA_CONFIG=$root/etc/elva/elva.toml env -u ELVA_DATABASE_URL \
  "$root/usr/bin/elva" serve --config "$root/etc/elva/elva.toml" --port 0 --stop-after 120 \
  >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's|.*task list at http://[^:]*:\([0-9]*\)/.*|\1|p' "$tmp/serve.err" | head -n 1)
  [ -n "$port" ] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.2
done
check "elva serve from the package starts (embedded database under a scratch home)" test -n "$port"
[ -n "$port" ] || sed 's/^/  | /' "$tmp/serve.err" | tail -20
if [ -n "$port" ]; then
  health=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "http://127.0.0.1:$port/readyz" 2>&1)
  check "it answers /readyz: ready (got: $health)" grep -q '"status": *"ready"' <<<"$health"
  kill -TERM "$serve_pid"
  wait "$serve_pid"
  rc=$?
  serve_pid=""
  check "SIGTERM (systemctl stop) stops it cleanly (exit $rc)" test "$rc" -eq 0
  check "and its embedded database with it" bash -c "! '$src/tests/cli/stop-embedded.sh' '$tmp/home' 2>&1 | grep -q 'server stopped'"
fi

# Removing the package keeps the data; the binary and the unit go.
expect 0 "dpkg removes it" -- "${asroot[@]}" dpkg --root="$root" --force-script-chrootless \
  --force-depends --force-not-root --log=/dev/null -r elva
check "the binary is gone" test ! -e "$root/usr/bin/elva"
check "the unit is gone" test ! -e "$unit"
check "/var/lib/elva (the database) stays" test -d "$root/var/lib/elva"
check "elva.toml stays until purge (a conffile)" test -f "$root/etc/elva/elva.toml"

echo "package: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
