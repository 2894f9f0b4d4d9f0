// The peer: bpmn-engine (npm, Node.js) running the same BPMN files as Elva, for bench/run.
// bench/run installs it into bench/peers (never committed). One JSON line per run on stdout.
//
//   simple3 FILE N LANES memory|persist [PGURL]   N instances on LANES concurrent starters; persist
//        writes each finished instance's state (engine.getState(), its documented way to persist)
//        as JSON to PostgreSQL; instances/s and p50/p99 start-to-end latency
//   wait3 FILE N        N instances parked on a user task: RSS per waiting instance, then the time
//        to complete them all
//   parse FILE RUNS [NODES]  read the file into bpmn-engine's definitions (bpmn-moddle and its graph):
//        median/min/max ms after 3 warm-ups
//   fanout FILE N       N instances of a parallel multi-instance of 1,000 service tasks and a join
//
// The same files carry both engines' attributes: Elva's (elva:connector, FEEL "=..." conditions)
// and bpmn-engine's (implementation="${environment.services.noop}"). Conditions starting with "="
// are evaluated as JavaScript over the instance variables by the expressions option below, since
// bpmn-engine has no FEEL: a fair stand-in for the simple comparisons the files use.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const peers = join(dirname(fileURLToPath(import.meta.url)), 'peers');
const require = createRequire(join(peers, 'package.json'));
const { Engine } = require('bpmn-engine');

const path = (obj, p) => p.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
const compiled = new Map();
const expressions = {
  isExpression: (t) => typeof t === 'string' && (t.startsWith('=') || /^\$\{.+\}$/.test(t)),
  hasExpression: (t) => typeof t === 'string' && (t.startsWith('=') || /\$\{.+?\}/.test(t)),
  resolveExpression(text, context) {
    if (typeof text !== 'string') return text;
    if (text.startsWith('=')) {
      let f = compiled.get(text);
      if (!f) compiled.set(text, (f = Function('v', `with (v) { return (${text.slice(1)}); }`)));
      return f(context?.environment?.variables ?? {});
    }
    const m = /^\$\{(.+)\}$/.exec(text);
    return m ? path(context, m[1]) : text;
  },
};
const services = { noop: (_ctx, next) => next() };

function newEngine(source, name) {
  return new Engine({ name, source, expressions, services });
}

async function runToEnd(engine, variables) {
  const done = new Promise((resolve, reject) => { engine.once('end', resolve); engine.once('error', reject); });
  await engine.execute({ variables });
  await done;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const rssKiB = () => Math.round(process.memoryUsage().rss / 1024);
const out = (row) => console.log(JSON.stringify({ engine: 'bpmn-engine', ...row }));

const [mode, file, ...rest] = process.argv.slice(2);
const source = readFileSync(file, 'utf8');

if (mode === 'simple3') {
  const [nArg, lanesArg, store, url] = rest;
  const n = Number(nArg), lanes = Number(lanesArg);
  let pool;
  if (store === 'persist') {
    const { Pool } = require('pg');
    pool = new Pool({ connectionString: url, max: lanes });
    await pool.query('DROP TABLE IF EXISTS bpmn_engine_state');
    await pool.query('CREATE TABLE bpmn_engine_state (id bigint PRIMARY KEY, state jsonb NOT NULL)');
  }
  for (let i = 0; i < 100; i++) await runToEnd(newEngine(source, 'simple3'), { amount: i });  // warm-up
  const latencies = [];
  let next = 0, stateBytes = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < n) {
      const i = next++;
      const s = performance.now();
      const engine = newEngine(source, 'simple3');
      await runToEnd(engine, { amount: i % 200 });
      if (pool) {
        const state = JSON.stringify(await engine.getState());
        stateBytes += state.length;
        await pool.query('INSERT INTO bpmn_engine_state (id, state) VALUES ($1, $2)', [i, state]);
      }
      latencies.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  out({ benchmark: `simple3-${store === 'persist' ? 'durable' : 'memory'}`, starters: lanes, instances: n,
    instances_per_second: Math.round(n / secs), p50_ms: +quantile(latencies, 0.5).toFixed(2), p99_ms: +quantile(latencies, 0.99).toFixed(2),
    ...(pool ? { state_bytes_per_instance: Math.round(stateBytes / n) } : {}) });
  if (pool) await pool.end();
} else if (mode === 'wait3') {
  const n = Number(rest[0]);
  global.gc?.();
  const before = rssKiB();
  const parked = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const engine = newEngine(source, 'wait3');
    const listener = new EventEmitter();
    const waiting = new Promise((resolve) => listener.once('wait', resolve));
    await engine.execute({ variables: { i }, listener });
    parked.push({ engine, task: await waiting });
  }
  const park = (performance.now() - t0) / 1000;
  global.gc?.();
  const after = rssKiB();
  const t1 = performance.now();
  for (const { engine, task } of parked) {
    const done = new Promise((resolve) => engine.once('end', resolve));
    task.signal();
    await done;
  }
  const complete = (performance.now() - t1) / 1000;
  out({ benchmark: 'wait3-memory', instances: n, seconds_to_park: +park.toFixed(3),
    bytes_per_waiting_instance: Math.round(((after - before) * 1024) / n), seconds_to_complete_all: +complete.toFixed(3) });
} else if (mode === 'parse') {
  const runs = Number(rest[0] || 11);
  const ms = [];
  for (let r = -3; r < runs; r++) {
    const t = performance.now();
    const defs = await newEngine(source, 'parse').getDefinitions();
    if (!defs.length) throw new Error('no definitions');
    if (r >= 0) ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  out({ benchmark: 'parse', file_nodes: Number(rest[1] || 0), bytes: source.length, runs, median_ms: +quantile(ms, 0.5).toFixed(2), min_ms: +ms[0].toFixed(2), max_ms: +ms[ms.length - 1].toFixed(2) });
} else if (mode === 'fanout') {
  const n = Number(rest[0]);
  const ms = [];
  await runToEnd(newEngine(source, 'fanout'), {});  // warm-up
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await runToEnd(newEngine(source, 'fanout'), {});
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  out({ benchmark: 'fanout', instances: n, median_ms: +quantile(ms, 0.5).toFixed(1), min_ms: +ms[0].toFixed(1), max_ms: +ms[ms.length - 1].toFixed(1) });
} else {
  console.error('usage: bpmn_engine_peer.mjs simple3|wait3|parse|fanout FILE ...');
  process.exit(2);
}
