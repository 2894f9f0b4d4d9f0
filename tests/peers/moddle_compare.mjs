// Differential test: for every BPMN file given, what `elva inspect --format json` reports must
// equal, id by id, what the reference reader bpmn-moddle reads: processes, flow nodes (id and
// type, boundary attachment, event definition types, nested sub-processes included), sequence
// flows (id, source, target), data elements, lanes with their flow nodes, messages, signals,
// errors, and collaborations (participants, message flows).
// usage: node moddle_compare.mjs ELVA_BINARY FILE_OR_DIR...
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';

const [elva, ...inputs] = process.argv.slice(2);
const files = inputs.flatMap((p) => fs.statSync(p).isDirectory()
  ? fs.readdirSync(p).filter((f) => f.endsWith('.bpmn')).sort().map((f) => path.join(p, f))
  : [p]);

const local = (type) => { const name = type.split(':')[1]; return name[0].toLowerCase() + name.slice(1); };
const DATA = new Set(['dataObject', 'dataObjectReference', 'dataStoreReference']);

function fromModdle(definitions) {
  const out = { processes: {}, messages: [], signals: [], errors: [], participants: [], messageFlows: [] };
  for (const root of definitions.rootElements || []) {
    const type = local(root.$type);
    if (type === 'message') out.messages.push(root.id);
    if (type === 'signal') out.signals.push(root.id);
    if (type === 'error') out.errors.push(root.id);
    if (type === 'collaboration') {
      for (const part of root.participants || []) out.participants.push(`${part.id} ${part.processRef ? part.processRef.id : ''}`);
      for (const mf of root.messageFlows || []) out.messageFlows.push(`${mf.id} ${mf.sourceRef ? mf.sourceRef.id : ''} -> ${mf.targetRef ? mf.targetRef.id : ''}`);
    }
    if (type !== 'process') continue;
    const p = { elements: [], flows: [], data: [] };
    const walk = (container) => {
      for (const el of container.flowElements || []) {
        const t = local(el.$type);
        if (t === 'sequenceFlow') {
          p.flows.push(`${el.id} ${el.sourceRef ? el.sourceRef.id : ''} -> ${el.targetRef ? el.targetRef.id : ''}`);
        } else if (DATA.has(t)) {
          p.data.push(`${el.id} ${t}`);
        } else {
          const defs = (el.eventDefinitions || []).map((d) => local(d.$type)).join(',');
          const attached = el.attachedToRef ? ` on ${el.attachedToRef.id}` : '';
          p.elements.push(`${el.id} ${t}${attached} [${defs}]`);
          if (el.flowElements) walk(el);
        }
      }
    };
    walk(root);
    const lanes = (set) => (set ? [set] : []).flatMap((ls) => (ls.lanes || []).flatMap((l) =>
      [`${l.id} [${(l.flowNodeRef || []).map((n) => n.id).join(',')}]`, ...lanes(l.childLaneSet)]));
    p.lanes = (root.laneSets || []).flatMap((ls) => lanes(ls));
    out.processes[root.id] = p;
  }
  return out;
}

function fromElva(j) {
  const out = { processes: {}, messages: j.messages.map((m) => m.id), signals: j.signals.map((s) => s.id),
    errors: j.errors.map((e) => e.id),
    participants: j.collaborations.flatMap((c) => c.participants.map((p) => `${p.id} ${p.processRef}`)),
    messageFlows: j.collaborations.flatMap((c) => c.messageFlows.map((f) => `${f.id} ${f.sourceRef} -> ${f.targetRef}`)) };
  for (const proc of j.processes) {
    out.processes[proc.id] = {
      elements: proc.elements.map((e) => `${e.id} ${e.type}${e.attachedTo ? ` on ${e.attachedTo}` : ''} [${e.eventDefinitions.map((d) => d.type).join(',')}]`),
      lanes: proc.lanes.map((l) => `${l.id} [${l.flowNodeRefs.join(',')}]`),
      flows: proc.sequenceFlows.map((f) => `${f.id} ${f.sourceRef} -> ${f.targetRef}`),
      data: proc.dataElements.map((d) => `${d.id} ${d.type}`),
    };
  }
  return out;
}

function diff(label, expected, actual, problems) {
  const e = new Set(expected); const a = new Set(actual);
  const missing = [...e].filter((x) => !a.has(x));
  const extra = [...a].filter((x) => !e.has(x));
  if (missing.length) problems.push(`${label}: bpmn-moddle has, elva lacks: ${missing.join('; ')}`);
  if (extra.length) problems.push(`${label}: elva has, bpmn-moddle lacks: ${extra.join('; ')}`);
}

let passed = 0; let failed = 0;
const moddle = new BpmnModdle();
for (const file of files) {
  const problems = [];
  const { rootElement } = await moddle.fromXML(fs.readFileSync(file, 'utf8'));
  const ref = fromModdle(rootElement);
  let mine;
  try {
    mine = fromElva(JSON.parse(execFileSync(elva, ['inspect', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 64 << 20 })));
  } catch (err) {
    problems.push(`elva inspect failed: ${err.message}`);
  }
  if (mine) {
    diff('processes', Object.keys(ref.processes), Object.keys(mine.processes), problems);
    for (const [id, p] of Object.entries(ref.processes)) {
      const q = mine.processes[id];
      if (!q) continue;
      diff(`process ${id} flow nodes`, p.elements, q.elements, problems);
      diff(`process ${id} sequence flows`, p.flows, q.flows, problems);
      diff(`process ${id} data elements`, p.data, q.data, problems);
      diff(`process ${id} lanes`, p.lanes, q.lanes, problems);
    }
    for (const k of ['messages', 'signals', 'errors', 'participants', 'messageFlows']) diff(k, ref[k], mine[k], problems);
  }
  const counts = Object.values(ref.processes).reduce((n, p) => n + p.elements.length + p.flows.length, 0);
  if (problems.length) {
    failed++;
    console.log(`FAIL ${file}\n  ${problems.join('\n  ')}`);
  } else {
    passed++;
    console.log(`ok   ${path.basename(file)}: ${Object.keys(ref.processes).length} processes, ${counts} flow nodes and flows match`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
