// Reads bench/out/*.json (one JSON object per line, written by bench/run) and prints the side by
// side table: each figure the median of its runs with min and max, Elva against bpmn-engine as
// ratios from the same run, durable simple3 against pgbench, and the targets of issue 9.
// usage: node bench/summary.mjs [OUT_DIR]   (also writes OUT_DIR/summary.md)
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';

const dir = process.argv[2] || 'bench/out';
const rows = [];
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
  for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
    if (line.trim().startsWith('{')) rows.push({ engine: 'elva', ...JSON.parse(line) });
  }
}
const pick = (pred) => rows.filter(pred);
// A single row that is itself a median of runs carries its own min and max.
const own = (r, key = 'median_ms') => (r ? { median: r[key], min: r.min_ms, max: r.max_ms, runs: r.runs } : null);
const stats = (values) => {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  return { median: v[v.length >> 1], min: v[0], max: v[v.length - 1], runs: v.length };
};
const fmt = (x, digits = 0) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const cell = (s, digits = 0) => (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '–');
const ratio = (a, b, higherIsBetter = true) => (a && b ? `${fmt(higherIsBetter ? a.median / b.median : b.median / a.median, 1)}×` : '–');

const lines = [];
const out = (s = '') => lines.push(s);
out(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model?.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}; ${new Date().toISOString().slice(0, 10)}.`);
out('Cells: median (min–max) over the runs; "Elva ×" is how many times better Elva is in this run.');
out('');
out('| workload | Elva | bpmn-engine | Elva × | target |');
out('|---|---:|---:|---:|---|');

for (const size of [1000, 10000]) {
  const e = own(pick((r) => r.benchmark === 'parse' && r.engine === 'elva' && Math.abs(r.flow_nodes - size) < 10)[0]);
  const b = own(pick((r) => r.benchmark === 'parse' && r.engine === 'bpmn-engine' && r.file_nodes === size)[0]);
  out(`| parse + validate ${fmt(size)} elements, ms | ${cell(e, 1)} | ${cell(b, 1)} | ${ratio(e, b, false)} | ${size === 10000 ? '≤ 100 ms' : ''} |`);
}
for (const starters of [1, 8, 32]) {
  const e = stats(pick((r) => r.benchmark === 'simple3-memory' && r.engine === 'elva' && (r.starters ?? 1) === starters).map((r) => r.instances_per_second));
  const b = stats(pick((r) => r.benchmark === 'simple3-memory' && r.engine === 'bpmn-engine' && r.starters === starters).map((r) => r.instances_per_second));
  if (e || b) out(`| simple3 in memory, ${starters} starter(s), instances/s | ${cell(e)} | ${cell(b)} | ${ratio(e, b)} | ${starters === 1 ? '≥ 100,000 (one core)' : ''} |`);
}
{
  const e = stats(pick((r) => r.benchmark === 'simple3-memory' && r.engine === 'elva').map((r) => r.p99_ms));
  const b = stats(pick((r) => r.benchmark === 'simple3-memory' && r.engine === 'bpmn-engine' && r.starters === 1).map((r) => r.p99_ms));
  out(`| simple3 in memory, 1 starter, p99 latency ms | ${cell(e, 3)} | ${cell(b, 2)} | ${ratio(e, b, false)} | |`);
}
const pgb = stats(pick((r) => r.benchmark === 'pgbench-insert').map((r) => r.tps));
for (const starters of [1, 8, 32]) {
  const ownConn = stats(pick((r) => r.benchmark === 'simple3-durable' && r.engine === 'elva' && r.mode === 'engine-per-starter' && r.starters === starters).map((r) => r.instances_per_second));
  const q = stats(pick((r) => r.benchmark === 'simple3-durable' && r.engine === 'elva' && r.mode === 'queue' && r.starters === starters).map((r) => r.instances_per_second));
  const b = stats(pick((r) => r.benchmark === 'simple3-durable' && r.engine === 'bpmn-engine' && r.starters === starters).map((r) => r.instances_per_second));
  const best = q && ownConn ? (q.median >= ownConn.median ? q : ownConn) : q || ownConn;
  const p99 = stats(pick((r) => r.benchmark === 'simple3-durable' && r.engine === 'elva' && r.mode === 'queue' && r.starters === starters).map((r) => r.p99_ms));
  out(`| simple3 durable (PostgreSQL), ${starters} starter(s), instances/s (group commit; own connections ${ownConn ? fmt(ownConn.median) : '–'}) | ${cell(q)}, p99 ${p99 ? fmt(p99.median, 1) : '–'} ms | ${cell(b)} | ${ratio(best, b)} | ${starters === 32 ? '≥ 5,000' : ''} |`);
  if (pgb && best) out(`| … the same against pgbench's one-client insert rate (${fmt(pgb.median)} commits/s) | ${fmt(best.median / pgb.median, 2)} | ${b ? fmt(b.median / pgb.median, 2) : '–'} | | ${starters === 32 ? '≥ 0.8' : ''} |`);
}
{
  const e = stats(pick((r) => r.benchmark === 'wait3-memory' && r.engine === 'elva').map((r) => r.bytes_per_waiting_instance));
  const b = stats(pick((r) => r.benchmark === 'wait3-memory' && r.engine === 'bpmn-engine').map((r) => r.bytes_per_waiting_instance));
  out(`| wait3: RAM per waiting instance, bytes | ${cell(e)} | ${cell(b)} | ${ratio(e, b, false)} | ≤ 2,048 |`);
  const pg = stats(pick((r) => r.benchmark === 'wait3-durable').map((r) => r.bytes_per_waiting_instance));
  const bs = stats(pick((r) => r.benchmark === 'simple3-durable' && r.engine === 'bpmn-engine').map((r) => r.state_bytes_per_instance));
  out(`| wait3: bytes in PostgreSQL per waiting instance (bpmn-engine: its saved state, JSON) | ${cell(pg)} | ${bs ? `${fmt(bs.median)} (state of a finished simple3)` : '–'} | | |`);
  const ec = stats(pick((r) => r.benchmark === 'wait3-memory' && r.engine === 'elva').map((r) => r.instances / r.seconds_to_complete_all));
  const bc = stats(pick((r) => r.benchmark === 'wait3-memory' && r.engine === 'bpmn-engine').map((r) => r.instances / r.seconds_to_complete_all));
  out(`| wait3: completing the parked instances in memory, per second | ${cell(ec)} | ${cell(bc)} | ${ratio(ec, bc)} | |`);
  const api = pick((r) => r.benchmark === 'api-complete')[0];
  if (api) out(`| wait3 through the REST API: complete ${fmt(api.requests)} open tasks (16 connections), seconds | ${fmt(api.seconds, 1)} (${fmt(api.requests_per_second)}/s, p99 ${fmt(api.p99_ms, 1)} ms) | – | | |`);
}
{
  const e = stats(pick((r) => r.benchmark === 'fanout' && r.engine === 'elva').map((r) => r.median_ms));
  const b = stats(pick((r) => r.benchmark === 'fanout' && r.engine === 'bpmn-engine').map((r) => r.median_ms));
  out(`| fanout: parallel multi-instance of 1,000 items and the join, in memory, ms per instance | ${cell(e, 2)} | ${cell(b, 1)} | ${ratio(e, b, false)} | |`);
}
{
  const t = pick((r) => r.benchmark === 'timers');
  const p50 = stats(t.map((r) => r.lateness_p50_ms));
  const p99 = stats(t.map((r) => r.lateness_p99_ms));
  if (t.length) out(`| timers: ${fmt(t[0].timers)} due within ${t[0].spread_s} s (durable), lateness p50 / p99 ms | ${fmt(p50.median)} / ${fmt(p99.median)} (max ${fmt(Math.max(...t.map((r) => r.lateness_max_ms)))}) | not run: at its RAM per waiting instance, 100,000 would need ~${fmt((stats(pick((r) => r.benchmark === 'wait3-memory' && r.engine === 'bpmn-engine').map((r) => r.bytes_per_waiting_instance))?.median ?? 0) * 1e5 / 2 ** 30)} GiB | | p99 ≤ 50 ms |`);
}
const text = lines.join('\n');
console.log(text);
writeFileSync(join(dir, 'summary.md'), text + '\n');
