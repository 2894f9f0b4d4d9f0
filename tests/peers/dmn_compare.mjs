// Differential test of Elva's DMN against the reference peers:
//  - structure: every .dmn file read by `elva inspect` and by dmn-moddle (the bpmn.io reader)
//    must give the same decisions, hit policies, aggregations, requirements, inputs, outputs and
//    rules (entries as text);
//  - unary tests: for each case in tests/dmn/cases.json, the rules whose input entries all hold
//    according to feelin (the reference FEEL interpreter) must be the rows `elva decide` says
//    matched before its hit policy.
// usage: node dmn_compare.mjs ELVA DMN_DIR
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DmnModdle } from 'dmn-moddle';
import { evaluate, unaryTest } from 'feelin';

const [elva, dir] = process.argv.slice(2);
const moddle = new DmnModdle();
let failures = 0, checks = 0;
const fail = (msg) => { failures++; console.log(`FAIL ${msg}`); };
const same = (what, a, b) => {
  checks++;
  if (JSON.stringify(a) !== JSON.stringify(b)) fail(`${what}: elva ${JSON.stringify(a)} != reference ${JSON.stringify(b)}`);
};

const files = readdirSync(dir).filter((f) => f.endsWith('.dmn')).sort();
for (const f of files) {
  const path = join(dir, f);
  const elvaJson = JSON.parse(execFileSync(elva, ['inspect', '--format', 'json', path], { encoding: 'utf8' }));
  // dmn-moddle reads DMN 1.3 only; decision tables are the same in 1.1 and 1.2, so older files
  // are compared under the 1.3 namespace.
  const xml = readFileSync(path, 'utf8')
    .replace('http://www.omg.org/spec/DMN/20151101/dmn.xsd', 'https://www.omg.org/spec/DMN/20191111/MODEL/')
    .replace('http://www.omg.org/spec/DMN/20180521/MODEL/', 'https://www.omg.org/spec/DMN/20191111/MODEL/');
  const { rootElement } = await moddle.fromXML(xml);
  const decisions = rootElement.drgElement.filter((e) => e.$type === 'dmn:Decision');
  same(`${f}: decision ids`, elvaJson.decisions.map((d) => d.id), decisions.map((d) => d.id));
  for (const d of decisions) {
    const mine = elvaJson.decisions.find((x) => x.id === d.id);
    if (!mine) continue;
    const required = (d.informationRequirement || []).filter((r) => r.requiredDecision).map((r) => r.requiredDecision.href.replace(/^#/, ''));
    same(`${f} ${d.id}: requirements`, mine.required, required);
    const logic = d.decisionLogic;
    if (logic.$type === 'dmn:LiteralExpression') {
      same(`${f} ${d.id}: kind`, mine.kind, 'literalExpression');
      same(`${f} ${d.id}: expression`, mine.expression, logic.text.trim());
      continue;
    }
    same(`${f} ${d.id}: hit policy`, mine.hitPolicy, logic.hitPolicy || 'UNIQUE');
    same(`${f} ${d.id}: aggregation`, mine.aggregation || null, logic.aggregation || null);
    same(`${f} ${d.id}: inputs`, mine.inputs.map((i) => i.expression), logic.input.map((i) => i.inputExpression.text.trim()));
    same(`${f} ${d.id}: outputs`, mine.outputs.map((o) => o.name), logic.output.map((o) => o.name));
    same(`${f} ${d.id}: rules`, mine.rules.map((r) => [r.id, r.inputEntries, r.outputEntries]),
         logic.rule.map((r) => [r.id, r.inputEntry.map((e) => e.text.trim()), r.outputEntry.map((e) => e.text.trim())]));
  }
}

// Unary tests through feelin: which rows match, for each case.
const cases = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
let evaluations = 0;
for (const c of cases) {
  const path = join(dir, c.file);
  const structure = JSON.parse(execFileSync(elva, ['inspect', '--format', 'json', path], { encoding: 'utf8' }));
  const d = structure.decisions.find((x) => x.id === c.decision);
  for (const input of c.inputs) {
    const reference = [];
    d.rules.forEach((rule, row) => {
      const all = rule.inputEntries.every((entry, i) => {
        const value = evaluate(d.inputs[i].expression, input).value;
        return unaryTest(entry === '' ? '-' : entry, { ...input, '?': value }).value === true;
      });
      if (all) reference.push(row + 1);
    });
    let mine;
    try {
      const out = execFileSync(elva, ['decide', '--format', 'json', path, c.decision, '--vars', JSON.stringify(input)],
                               { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      mine = JSON.parse(out).rowsMatching;
    } catch (e) {
      // A failing hit policy (UNIQUE with several matches, ANY disagreeing) names the rows instead.
      const text = String(e.stderr);
      mine = [...text.matchAll(/row (\d+)/g)].map((m) => Number(m[1]));
    }
    evaluations++;
    same(`${c.file} ${c.decision} ${JSON.stringify(input)}: matching rows`, mine, reference);
  }
}
console.log(`${files.length} DMN files, ${checks} checks (${evaluations} evaluations against feelin), ${failures} failed`);
process.exit(failures ? 1 : 0);
