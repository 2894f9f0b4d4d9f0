#!/usr/bin/env bash
# Signed process packages as two municipalities meet them (docs/sharing.md#publishing-a-package):
# a publisher makes a key, builds and signs tests/data/package/tree-permit; an importer verifies
# and inspects it against a trust file, and `elva import` refuses a tampered package, a wrong
# key, an unknown or expired publisher, a too-new Elva version range, missing parameters and
# failing scenarios, deploying nothing. Mode "deploy": the import that passes every check
# deploys, with the importer's parameters in the deployed process, on a fresh database.
# usage: package_cli_test.sh ELVA SOURCE_DIR [checks|deploy]
set -uo pipefail
elva=$1
src=$2
mode=${3:-checks}
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
trap 'rm -rf "$tmp"' EXIT
unset ELVA_TRUST
export ELVA_HOME="$tmp/home"
mkdir -p "$tmp/pub" "$tmp/imp" "$ELVA_HOME"
cp -r "$src/tests/data/package/tree-permit" "$tmp/pub/"
dir="$tmp/pub/tree-permit"
pkg="$tmp/imp/tree-permit-1.2.0.elvapkg"

# The publisher: a key, a signed package.
expect 0 "keygen" -- "$elva" package keygen --publisher "Sundsvalls kommun" --out "$tmp/pub/sundsvall.key"
contains out '[publisher."Sundsvalls kommun"]' "prints the trust entry"
cp "$tmp/out" "$tmp/imp/trust.toml"
[ "$(stat -c %a "$tmp/pub/sundsvall.key")" = 600 ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: the secret key is not mode 600"; }
expect 2 "keygen does not overwrite a key" -- "$elva" package keygen --publisher X --out "$tmp/pub/sundsvall.key"
expect 0 "build and sign" -- "$elva" package build "$dir" --key "$tmp/pub/sundsvall.key" -o "$pkg"
contains out "5 files, 1 processes, 1 scenarios passed, signed by 'Sundsvalls kommun'" "says what it built"
python3 - "$pkg" <<'PY' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: manifest"; }
import json, sys, hashlib
p = json.load(open(sys.argv[1]))
m = p["manifest"]
assert p["format"] == "elva-package/1"
assert m["name"] == "tree-permit" and m["version"] == "1.2.0" and m["license"] == "EUPL-1.2", m
assert m["elva"] == ">=0.1.0 <1.0.0"
assert [x["id"] for x in m["processes"]] == ["tree-permit"]
assert m["connectors"] == [{"operation": "http.request", "inputs": ["method", "url", "body"], "outputs": ["caseId"], "usedBy": ["processes/tree-permit.bpmn:8 'register'"]}], m["connectors"]
assert sorted(m["parameters"]) == ["handlers", "registry_url"]
assert m["scenarios"] == ["scenarios/tree-permit-granted.scenario.json"]
for f in m["files"]:
    assert hashlib.sha256(p["files"][f["path"]].encode()).hexdigest() == f["sha256"], f
assert "{{param:registry_url}}" in p["files"]["processes/tree-permit.bpmn"]
assert p["signature"]["algorithm"] == "ed25519" and p["signature"]["publisher"] == "Sundsvalls kommun"
PY

# The importer: verify and inspect against the trust file.
expect 0 "verify: trusted" -- "$elva" package verify "$pkg" --trust "$tmp/imp/trust.toml"
contains out "trusted, signed by 'Sundsvalls kommun'" "names the publisher"
expect 0 "inspect" -- "$elva" package inspect "$pkg" --trust "$tmp/imp/trust.toml"
contains out "Package tree-permit 1.2.0 (EUPL-1.2)" "the name, version and licence"
contains out "Calls connector http.request with method url body; sets caseId" "the connector contract"
contains out "Parameter registry_url: Where new cases are registered" "the parameters"
contains out "Runs on Elva >=0.1.0 <1.0.0 (this is 0.1.0: yes)" "the version range"
expect 0 "inspect --format json" -- "$elva" package inspect "$pkg" --format json --trust "$tmp/imp/trust.toml"
[ "$(jq -r '.check.trusted' "$tmp/out")" = true ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: json check"; }
cp "$tmp/imp/trust.toml" "$ELVA_HOME/trusted-publishers.toml"
expect 0 "the default trust file is \$ELVA_HOME/trusted-publishers.toml" -- "$elva" package verify "$pkg"
rm "$ELVA_HOME/trusted-publishers.toml"
expect 1 "no trust file: not trusted" -- "$elva" package verify "$pkg"
contains out "publisher 'Sundsvalls kommun' is not in the trust file" "says the publisher is unknown"

# Parameters: without them nothing is imported; with them, the scenarios run with the values.
expect 1 "import without parameters" -- "$elva" import "$pkg" --trust "$tmp/imp/trust.toml"
contains err "set these parameters under [parameters] in elva-binding.toml:" "asks for the parameters"
contains err "registry_url (Where new cases are registered" "names each with its description"
cat >"$tmp/imp/elva-binding.toml" <<'TOML'
[parameters]
registry_url = "https://arende.ange.example/api/cases"
handlers = "parkforvaltningen"
TOML
expect 0 "import with parameters" -- "$elva" import "$pkg" --trust "$tmp/imp/trust.toml"
contains out "signed by 'Sundsvalls kommun': trusted" "checked the signature"
contains out "1 scenarios passed" "ran the package's scenarios"
contains out "tree-permit-1.2.0/processes/tree-permit.bpmn:17: element 'decide' (userTask): runs after configuration: group 'parkforvaltningen' must exist" "the report names the importer's group, at its line"

# Tampering, keys, publishers, versions: each refused, nothing imported.
tamper() {  # tamper OUT PYTHON: a copy of the package changed by PYTHON (p = the package)
  python3 - "$pkg" "$1" "$2" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(p, open(sys.argv[2], "w"))
PY
}
tamper "$tmp/imp/changed.elvapkg" 'p["files"]["processes/tree-permit.bpmn"] = p["files"]["processes/tree-permit.bpmn"].replace("=approved = true", "=true")'
expect 1 "a changed file" -- "$elva" package verify "$tmp/imp/changed.elvapkg" --trust "$tmp/imp/trust.toml"
contains out "file 'processes/tree-permit.bpmn' does not match its digest in the manifest" "names the file"
expect 1 "a changed file is not imported" -- "$elva" import "$tmp/imp/changed.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "is not trusted; nothing was deployed" "says nothing was deployed"
tamper "$tmp/imp/rehashed.elvapkg" '
import hashlib
t = p["files"]["processes/tree-permit.bpmn"].replace("=approved = true", "=true")
p["files"]["processes/tree-permit.bpmn"] = t
for f in p["manifest"]["files"]:
    if f["path"] == "processes/tree-permit.bpmn": f["sha256"] = hashlib.sha256(t.encode()).hexdigest(); f["bytes"] = len(t.encode())'
expect 1 "a changed file with its digest changed too" -- "$elva" package verify "$tmp/imp/rehashed.elvapkg" --trust "$tmp/imp/trust.toml"
contains out "the signature does not match the manifest" "the signature catches it"
tamper "$tmp/imp/added.elvapkg" 'p["files"]["processes/extra.bpmn"] = "<x/>"'
expect 1 "an added file" -- "$elva" package verify "$tmp/imp/added.elvapkg" --trust "$tmp/imp/trust.toml"
contains out "file 'processes/extra.bpmn' is not in the manifest" "names the file"
tamper "$tmp/imp/escape.elvapkg" 'p["files"]["../../etc/x.bpmn"] = "<x/>"'
expect 2 "a path leaving the package is refused when read" -- "$elva" import "$tmp/imp/escape.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "outside it" "says why"
tamper "$tmp/imp/unsigned.elvapkg" 'del p["signature"]'
expect 1 "an unsigned package" -- "$elva" import "$tmp/imp/unsigned.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "the package is not signed" "says so"

# A wrong key: someone else signs in Sundsvall's name.
"$elva" package keygen --publisher "Sundsvalls kommun" --out "$tmp/pub/other.key" >/dev/null 2>&1
cp "$pkg" "$tmp/imp/other.elvapkg"
expect 0 "sign with another key" -- "$elva" package sign "$tmp/imp/other.elvapkg" --key "$tmp/pub/other.key"
expect 1 "signed with a key that is not the trusted one" -- "$elva" import "$tmp/imp/other.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "signed with a key that is not the trusted key of 'Sundsvalls kommun'" "says whose key it is not"
# An unknown publisher.
"$elva" package keygen --publisher "Okänd kommun" --out "$tmp/pub/unknown.key" >/dev/null 2>&1
cp "$pkg" "$tmp/imp/unknown.elvapkg"
"$elva" package sign "$tmp/imp/unknown.elvapkg" --key "$tmp/pub/unknown.key" >/dev/null
expect 1 "an unknown publisher" -- "$elva" import "$tmp/imp/unknown.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "publisher 'Okänd kommun' is not in the trust file" "names the publisher"
# An expired key.
sed 's/^# expires = .*/expires = 2020-01-31/' "$tmp/imp/trust.toml" >"$tmp/imp/expired.toml"
expect 1 "an expired publisher key" -- "$elva" import "$pkg" --trust "$tmp/imp/expired.toml"
contains err "the trust file's key for 'Sundsvalls kommun' expired on 2020-01-31" "says when it expired"
sed 's/^# expires = .*/expires = 2999-01-31/' "$tmp/imp/trust.toml" >"$tmp/imp/valid.toml"
expect 0 "a key valid until 2999" -- "$elva" package verify "$pkg" --trust "$tmp/imp/valid.toml"
contains out "key valid until 2999-01-31" "shows until when"

# A package for a newer Elva.
sed -i 's/^elva = .*/elva = ">=9.0.0"/' "$dir/elva-package.toml"
expect 0 "build for Elva 9" -- "$elva" package build "$dir" --key "$tmp/pub/sundsvall.key" -o "$tmp/imp/new.elvapkg"
expect 1 "a package for a newer Elva" -- "$elva" import "$tmp/imp/new.elvapkg" --trust "$tmp/imp/trust.toml"
contains err "needs Elva >=9.0.0; this is Elva 0.1.0: nothing was deployed" "says which Elva it needs"
sed -i 's/^elva = .*/elva = "not a range"/' "$dir/elva-package.toml"
expect 2 "an unreadable range is refused at build" -- "$elva" package build "$dir" -o "$tmp/imp/x.elvapkg"
contains err "elva: 'not a range' is not a version range" "names the setting"
sed -i 's/^elva = .*/elva = ">=0.1.0 <1.0.0"/' "$dir/elva-package.toml"

# Scenarios: a failing one stops the build; and the importer's values can fail one too.
sed -i 's/"caseId": "T-1"/"caseId": "T-2"/' "$dir/scenarios/tree-permit-granted.scenario.json"
expect 1 "a failing scenario stops the build" -- "$elva" package build "$dir" -o "$tmp/imp/failing.elvapkg"
contains err "a scenario failed; no package was written" "says why"
[ ! -e "$tmp/imp/failing.elvapkg" ] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: a package was written"; }
# Signed anyway (by hand): the importer runs the scenarios and refuses.
tamper "$tmp/imp/badscenario.elvapkg" '
import hashlib
k = "scenarios/tree-permit-granted.scenario.json"
t = p["files"][k].replace("\"caseId\": \"T-1\"", "\"caseId\": \"T-2\"")
p["files"][k] = t
for f in p["manifest"]["files"]:
    if f["path"] == k: f["sha256"] = hashlib.sha256(t.encode()).hexdigest(); f["bytes"] = len(t.encode())'
expect 0 "re-signed" -- "$elva" package sign "$tmp/imp/badscenario.elvapkg" --key "$tmp/pub/sundsvall.key"
expect 1 "a package whose scenario fails" -- "$elva" import "$tmp/imp/badscenario.elvapkg" --trust "$tmp/imp/trust.toml" --deploy
contains err "the package's scenarios fail with your parameters; nothing was deployed" "says nothing was deployed"
contains err "scenarios/tree-permit-granted.scenario.json" "names the scenario"

# Manifest mistakes at build.
sed -i 's/"caseId": "T-2"/"caseId": "T-1"/' "$dir/scenarios/tree-permit-granted.scenario.json"
sed -i 's/{{param:handlers}}/{{param:officers}}/' "$dir/processes/tree-permit.bpmn"
expect 2 "an undeclared parameter" -- "$elva" package build "$dir" -o "$tmp/imp/x.elvapkg"
contains err "processes/tree-permit.bpmn: {{param:officers}} is not declared under [parameters]" "names the file and parameter"

if [ "$mode" = "deploy" ]; then
  source "$(dirname "$0")/fresh_db.sh"
  fresh_database "elva_package_cli_$$"
  expect 0 "db migrate" -- "$elva" db migrate
  expect 1 "a package whose scenario fails deploys nothing" -- "$elva" import "$tmp/imp/badscenario.elvapkg" --trust "$tmp/imp/trust.toml" --deploy
  expect 0 "definitions" -- "$elva" definitions
  contains out "Nothing is deployed yet" "nothing was deployed"
  expect 0 "a trusted package deploys" -- "$elva" import "$pkg" --trust "$tmp/imp/trust.toml" --deploy
  contains out "deployed tree-permit version 1" "says what was deployed"
  expect 0 "the deployed source" -- "$elva" definitions tree-permit
  contains out "tree-permit-1.2.0/processes/tree-permit.bpmn" "the file is named by the package"
  psql "$ELVA_DATABASE_URL" -tAc "SELECT source FROM definitions WHERE process_id = 'tree-permit'" >"$tmp/out"
  contains out 'source="https://arende.ange.example/api/cases" target="url"' "the importer's address is in the deployed process"
  contains out 'elva:candidateGroups="parkforvaltningen"' "and the importer's group"
  # Publishing what runs: a package of the deployed process.
  printf 'name = "ange-tree-permit"\nversion = "1.0.0"\nlicense = "EUPL-1.2"\nelva = "^0.1"\n' >"$tmp/imp/from-db.toml"
  expect 0 "build --from-db" -- "$elva" package build --from-db tree-permit --manifest "$tmp/imp/from-db.toml" --key "$tmp/pub/sundsvall.key" -o "$tmp/imp/from-db.elvapkg"
  contains out "1 files, 1 processes, 0 scenarios passed" "packs the deployed process"
  expect 0 "and it verifies" -- "$elva" package inspect "$tmp/imp/from-db.elvapkg" --trust "$tmp/imp/trust.toml"
  contains out "Process  tree-permit (Tree felling permit)  processes/tree-permit.bpmn" "names the process"
  contains out "Signature: trusted" "is trusted"
  expect 1 "--from-db of a process that is not deployed" -- "$elva" package build --from-db nothing-here --manifest "$tmp/imp/from-db.toml" -o "$tmp/imp/none.elvapkg"
fi

echo "package $mode: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
