#!/usr/bin/env bash
# Camunda Modeler element templates for Elva's connectors (docs/modeler/*.json, README there).
# For every template: the fields the modeler needs (Camunda 7 template schema), that its
# connector operation, inputs and outputs are those `elva connectors` lists, that it maps every
# required input; then a diagram with it applied, written as the modeler writes it (camunda:
# inputOutput, elva:connector with xmlns:elva on the task), must pass `elva validate`, the deploy
# contract check (`elva import --config`) and call the operation with its inputs (`elva test`,
# mocked connector: the trace shows the job and the inputs, the outputs reach their variables).
# With npm's @bpmn-io/element-templates-validator installed, also the modeler's JSON schema.
# usage: modeler_templates_test.sh ELVA [SOURCE_DIR]   (or ELVA=... in the environment)
set -uo pipefail
elva=${1:-${ELVA:-}}
src=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "$elva" ]; then
  echo "usage: $0 ELVA [SOURCE_DIR]" >&2
  exit 2
fi
if ! command -v jq >/dev/null 2>&1; then
  echo "jq is not installed: skipped"
  exit 77
fi
tmp=$(mktemp -d)
source "$(dirname "$0")/assert.sh"
trap 'rm -rf "$tmp"' EXIT
export ELVA_HOME="$tmp/home"
unset ELVA_CONFIG ELVA_DATABASE_URL
dir="$src/docs/modeler"
schema="https://unpkg.com/@camunda/element-templates-json-schema/resources/schema.json"

# ok DESCRIPTION PROBLEMS: passes when PROBLEMS (lines of text) is empty.
ok() {
  if [ -z "$2" ]; then passed=$((passed + 1)); else
    failed=$((failed + 1))
    echo "FAIL: $1"
    sed 's/^/  | /' <<<"$2" | head -20
  fi
}

# Every connector kind, as the templates' default names expect them (docs/connectors.md).
cat >"$tmp/elva.toml" <<'TOML'
[connectors.hr]
url = "http://127.0.0.1:9/scim/v2"

[connectors.mail]
host = "127.0.0.1"
port = 2525
tls = "none"
from = "Elva <elva@kommun.example>"

[connectors.portal]
kind = "eservice"
portal_url = "http://127.0.0.1:9/api"
TOML
expect 0 "elva connectors lists the configured connectors" -- \
  "$elva" connectors --config "$tmp/elva.toml" --format json
cp "$tmp/out" "$tmp/connectors.json"
ok "the connector list is JSON" "$(jq -e '.connectors | length > 0' "$tmp/connectors.json" >/dev/null 2>&1 || echo "not JSON with connectors")"

files=("$dir"/*.json)
ok "docs/modeler has template files" "$([ -e "${files[0]}" ] || echo "no $dir/*.json")"

# The fields of one template file (the schema's rules that the modeler enforces, and Elva's).
read -r -d '' structure <<'JQ'
def types: {"property": ["String", "Text", "Hidden", "Dropdown", "Boolean"],
            "camunda:inputParameter": ["String", "Text", "Hidden", "Dropdown"],
            "camunda:outputParameter": ["String", "Hidden", "Dropdown"]};
if type != "array" or length == 0 then "not a non-empty JSON array of templates" else
.[] | . as $t | "\(.id // "a template without id")" as $id |
  (["$schema", "name", "id", "description", "version", "appliesTo", "properties"][]
     | select($t[.] == null) | "\($id): no \(.)"),
  (select(.["$schema"] != $schema) | "\($id): $schema is not \($schema)"),
  (select(.version != 1) | "\($id): version is not 1"),
  (select((.id | tostring | test("^elva\\.[A-Za-z]+\\.[A-Za-z]+$")) | not)
     | "\($id): the id is not elva.KIND.OPERATION"),
  (.appliesTo[]? | select(. != "bpmn:ServiceTask" and . != "bpmn:SendTask")
     | "\($id): applies to \(.), not a service or send task"),
  (select((.appliesTo | length) == 0) | "\($id): appliesTo is empty"),
  (.properties[]? | . as $p | "\($id): property \(.label // .binding.name // "?")" as $w |
     (select(.binding.type == null) | "\($w) has no binding type"),
     (select(.binding.type != null and types[.binding.type] == null)
        | "\($w): binding \(.binding.type) is not one these templates use"),
     (select(types[.binding.type] != null and ((types[.binding.type] | index($p.type)) == null))
        | "\($w): type \(.type) is not allowed with binding \(.binding.type)"),
     (select(.type == "Dropdown" and ((.choices // []) | length) == 0) | "\($w): Dropdown without choices"),
     (.choices[]? | select(.name == null or .value == null) | "\($w): a choice without name or value"),
     (select(.type != "Hidden" and (.label // "") == "") | "\($w): shown without a label"),
     (select(.binding.type == "camunda:inputParameter" and (.binding.name // "") == "")
        | "\($w): input without name"),
     (select(.binding.type == "camunda:outputParameter" and ((.binding.source // "") | startswith("=") | not))
        | "\($w): output without a FEEL source (=name)"),
     (select(.binding.type == "camunda:outputParameter" and .constraints.notEmpty != true and (.type != "Hidden"))
        | "\($w): an output variable may not be left empty (it would be named \"\")"),
     (select(.group != null and (([$t.groups[]?.id] | index($p.group)) == null))
        | "\($w): group \(.group) is not declared")),
  ([.properties[]? | select(.binding.type == "property" and .binding.name == "xmlns:elva"
     and .type == "Hidden" and .value == "urn:elva:bpmn:1.0")]
     | select(length != 1) | "\($id): no hidden xmlns:elva property (the modeler drops elva:connector without it)"),
  ([.properties[]? | select(.binding.type == "property" and .binding.name == "elva:connector")]
     | select(length != 1) | "\($id): not exactly one elva:connector property"),
  (.properties[]? | select(.binding.name == "elva:connector" and .constraints.pattern.value != null)
     | .constraints.pattern.value as $re | select((.value | test($re)) | not)
     | "\($id): the connector's default \(.value) does not match its own pattern"),
  ([.properties[]? | select(.binding.type == "camunda:inputParameter") | .binding.name]
     | group_by(.) | .[] | select(length > 1) | "\($id): input \(.[0]) twice")
end
JQ

# The template against the connector contract of `elva connectors`.
read -r -d '' contract <<'JQ'
.[] | . as $t | .id as $id | ($id | split(".")) as [$_, $kind, $op] |
([.properties[] | select(.binding.name == "elva:connector") | .value][0] // "") as $value |
($value | split(".")) as [$name, $vop] |
([$c.connectors[] | select(.name == $name)][0]) as $conn |
if $conn == null then "\($id): names connector '\($name)', which elva connectors does not list"
elif $conn.kind != $kind then "\($id): connector '\($name)' is of kind \($conn.kind), not \($kind)"
elif $vop != $op then "\($id): its connector operation \($value) is not .\($op)"
else ([$conn.operations[] | select(.name == $op)][0]) as $o |
  if $o == null then "\($id): connector \($name) has no operation \($op)" else
    ([.properties[] | select(.binding.type == "camunda:inputParameter")]) as $ins |
    ([.properties[] | select(.binding.type == "camunda:outputParameter")]) as $outs |
    ($ins[] | select(.binding.name as $n | [$o.inputs[].name] | index($n) | not)
       | "\($id): input \(.binding.name) is not an input of \($value)"),
    ($o.inputs[] | select(.required) | .name as $n |
       ([$ins[] | select(.binding.name == $n)][0]) as $p |
       if $p == null then "\($id): the required input \($n) has no field"
       elif $p.constraints.notEmpty != true and (($p.value // "") == "")
       then "\($id): the required input \($n) may be left empty" else empty end),
    ($outs[] | (.binding.source | ltrimstr("=")) as $n
       | select([$o.outputs[].name] | index($n) | not)
       | "\($id): output \($n) is not an output of \($value)"),
    ($o.outputs[] | .name as $n
       | select([$outs[] | .binding.source] | index("=" + $n) | not)
       | "\($id): output \($n) of \($value) is not mapped (with mappings, an unmapped output is lost)")
  end
end
JQ

all_ids=()
for f in "${files[@]}"; do
  [ -e "$f" ] || continue
  base=$(basename "$f")
  if ! jq -e . "$f" >/dev/null 2>"$tmp/jqerr"; then
    ok "$base is valid JSON" "$(cat "$tmp/jqerr")"
    continue
  fi
  passed=$((passed + 1))
  ok "$base: the template fields" "$(jq -r --arg schema "$schema" "$structure" "$f" 2>&1 ||
    echo "jq failed")"
  ok "$base: against elva connectors" "$(jq -r --slurpfile c "$tmp/connectors.json" \
    '$c[0] as $c | '"$contract" "$f" 2>&1 || echo "jq failed")"
  mapfile -t ids < <(jq -r '.[].id' "$f")
  all_ids+=("${ids[@]}")
done

ok "template ids are unique" "$(printf '%s\n' "${all_ids[@]}" | sort | uniq -d)"
# Every operation of the built-in kinds has a template (a new operation needs one).
ok "every operation has a template" "$(jq -r '.connectors[] | select(.kind != "plugin") | .kind as $k
    | .operations[] | "elva.\($k).\(.name)"' "$tmp/connectors.json" | sort -u |
  comm -23 - <(printf '%s\n' "${all_ids[@]}" | sort -u) | sed 's/$/: no template/')"

# The modeler's own schema check, when its validator is installed (npm).
validator="$src/node_modules/@bpmn-io/element-templates-validator"
if command -v node >/dev/null 2>&1 && [ -d "$validator" ]; then
  expect 0 "the templates pass the modeler's JSON schema" -- node -e '
    const { validate } = require(process.argv[1]);
    let bad = 0;
    for (const f of process.argv.slice(2)) {
      const r = validate(JSON.parse(require("fs").readFileSync(f, "utf8")));
      if (!r.valid) { bad++; console.log(f, JSON.stringify(r.errors).slice(0, 1000)); }
    }
    process.exit(bad ? 1 : 0);' "$validator" "${files[@]}"
else
  echo "note: @bpmn-io/element-templates-validator is not installed; the JSON schema check is skipped"
fi

# A diagram with template ID applied to a task of TYPE, as Camunda Modeler writes it for a
# Camunda 7 diagram that does not declare Elva's namespace: property bindings become attributes
# of the task (xmlns:elva among them), every input a camunda:inputParameter (empty when its field
# is empty), every output a camunda:outputParameter named by its field. Required fields without
# a default get a FEEL value, "=\"NAME-1\"".
read -r -d '' applied <<'JQ'
def x: tostring | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;") | gsub("\""; "&quot;");
.[] | select(.id == $id) | . as $t |
([.properties[] | select(.binding.type == "property") | " \(.binding.name)=\"\(.value | x)\""] | join("")) as $attrs |
([.properties[] | select(.binding.type == "camunda:inputParameter") |
   ((.value // "") | tostring) as $v |
   (if $v == "" and .constraints.notEmpty == true then "=\"\(.binding.name)-1\"" else $v end) as $v |
   if $v == "" then "          <camunda:inputParameter name=\"\(.binding.name | x)\" />"
   else "          <camunda:inputParameter name=\"\(.binding.name | x)\">\($v | x)</camunda:inputParameter>" end]) as $ins |
([.properties[] | select(.binding.type == "camunda:outputParameter") |
   "          <camunda:outputParameter name=\"\(.value | x)\">\(.binding.source | x)</camunda:outputParameter>"]) as $outs |
(($ins + $outs) | if length == 0 then "" else
  "      <bpmn:extensionElements>\n        <camunda:inputOutput>\n" + join("\n") +
  "\n        </camunda:inputOutput>\n      </bpmn:extensionElements>\n" end) as $ext |
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" xmlns:modeler=\"http://camunda.org/schema/modeler/1.0\" id=\"Definitions_1\" targetNamespace=\"http://bpmn.io/schema/bpmn\" exporter=\"Camunda Modeler\" exporterVersion=\"5.31.0\" modeler:executionPlatform=\"Camunda Platform\" modeler:executionPlatformVersion=\"7.22.0\">
  <bpmn:process id=\"\($process)\" isExecutable=\"true\" camunda:historyTimeToLive=\"180\">
    <bpmn:startEvent id=\"start\">
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"t\" />
    <bpmn:\($type) id=\"t\" name=\"\($t.name | x)\"\($attrs) camunda:modelerTemplate=\"\($t.id)\" camunda:modelerTemplateVersion=\"\($t.version)\">
\($ext)      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:\($type)>
    <bpmn:sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"end\" />
    <bpmn:endEvent id=\"end\">
      <bpmn:incoming>f2</bpmn:incoming>
    </bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id=\"BPMNDiagram_1\">
    <bpmndi:BPMNPlane id=\"BPMNPlane_1\" bpmnElement=\"\($process)\">
      <bpmndi:BPMNShape id=\"start_di\" bpmnElement=\"start\"><dc:Bounds x=\"152\" y=\"102\" width=\"36\" height=\"36\" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id=\"t_di\" bpmnElement=\"t\"><dc:Bounds x=\"240\" y=\"80\" width=\"100\" height=\"80\" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id=\"end_di\" bpmnElement=\"end\"><dc:Bounds x=\"392\" y=\"102\" width=\"36\" height=\"36\" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id=\"f1_di\" bpmnElement=\"f1\"><di:waypoint x=\"188\" y=\"120\" /><di:waypoint x=\"240\" y=\"120\" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id=\"f2_di\" bpmnElement=\"f2\"><di:waypoint x=\"340\" y=\"120\" /><di:waypoint x=\"392\" y=\"120\" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"
JQ

# A scenario for it: the operation's mock answers "out-NAME" for each output, which must reach
# the variable its field names.
read -r -d '' scenario <<'JQ'
.[] | select(.id == $id) |
([.properties[] | select(.binding.name == "elva:connector") | .value][0]) as $op |
([.properties[] | select(.binding.type == "camunda:outputParameter")]) as $outs |
{name: "\($id) on a \($type)", files: [$file],
 mocks: {($op): {output: ([$outs[] | {key: (.binding.source | ltrimstr("=")), value: "out-\(.binding.source | ltrimstr("="))"}] | from_entries)}},
 expect: {state: "completed",
          variables: ([$outs[] | {key: .value, value: "out-\(.binding.source | ltrimstr("="))"}] | from_entries)}}
JQ

mkdir -p "$tmp/bpmn"
n=0
for f in "${files[@]}"; do
  [ -e "$f" ] || continue
  jq -e . "$f" >/dev/null 2>&1 || continue
  while IFS=$'\t' read -r id applies; do
    for type in $applies; do
      type=${type#bpmn:}
      type="$(tr '[:upper:]' '[:lower:]' <<<"${type:0:1}")${type:1}"
      n=$((n + 1))
      name="$id.$type"
      bpmn="$tmp/bpmn/$name.bpmn"
      jq -r --arg id "$id" --arg type "$type" --arg process "p$n" "$applied" "$f" >"$bpmn"
      jq --arg id "$id" --arg type "$type" --arg file "$name.bpmn" "$scenario" "$f" \
        >"$tmp/bpmn/$name.scenario.json"
      op=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .properties[]
        | select(.binding.name == "elva:connector") | .value' "$f")
      expect 0 "$name: elva validate" -- "$elva" validate "$bpmn"
      contains out "valid (0 errors, 0 warnings)" "$name: no errors or warnings"
      expect 0 "$name: the contract check (elva import --config)" -- \
        "$elva" import --no-skeleton --config "$tmp/elva.toml" "$bpmn"
      contains out "1 run as they are" "$name: runs as it is"
      contains out "$op ($name.bpmn:" "$name: needs connector operation $op"
      expect 0 "$name: elva test calls $op" -- "$elva" test --strict --trace "$tmp/bpmn/$name.scenario.json"
      contains out "| job $op for t" "$name: the job is $op"
      while read -r input sample; do
        if [ -n "$sample" ]; then
          contains out "| set in t {\"$input\":\"$sample\"}" "$name: input $input evaluated"
        else
          contains out "| set in t {\"$input\":" "$name: input $input"
        fi
      done < <(jq -r --arg id "$id" '.[] | select(.id == $id) | .properties[]
        | select(.binding.type == "camunda:inputParameter")
        | "\(.binding.name) \(if (.value // "") == "" and .constraints.notEmpty == true then "\(.binding.name)-1" else "" end)"' "$f")
    done
  done < <(jq -r '.[] | [.id, (.appliesTo | join(" "))] | @tsv' "$f")
done
ok "diagrams were generated for the templates" "$([ "$n" -gt 0 ] || echo "none")"

# The contract check does bite: the mail template without its required To.
if [ -e "$tmp/bpmn/elva.mail.send.serviceTask.bpmn" ]; then
  grep -v 'name="to"' "$tmp/bpmn/elva.mail.send.serviceTask.bpmn" >"$tmp/no-to.bpmn"
  expect 1 "without a required input the contract check refuses" -- \
    "$elva" import --no-skeleton --config "$tmp/elva.toml" "$tmp/no-to.bpmn"
  contains out "calls 'mail.send' without its required input to" "names the input"
fi

echo "modeler templates: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
