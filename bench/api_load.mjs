// Load test of the REST API: `elva serve` on PostgreSQL with 10,000 open user tasks (the
// leave-request process of tests/api, with its form), then
//   1. starts: the 10,000 instances created through POST /api/instances,
//   2. list:   GET /api/tasks?sort=due&limit=50 as a manager who sees all of them,
//   3. read:   GET /api/tasks/{id} (task, variables and form),
//   4. complete: POST /api/tasks/{id}/complete with valid form data, every task once (all N),
// each with C concurrent keep-alive connections; requests/s and p50/p99 latency. One JSON line per
// phase on stdout. Needs ELVA_TEST_DATABASE_URL (bench/run starts a private server).
// usage: node bench/api_load.mjs ELVA [TASKS=10000] [CONNECTIONS=16] [SECONDS=10]
import http from 'node:http';
import { startElva, login, client, passwords } from '../tests/api/harness.mjs';

const [elva, tasksArg, connArg, secondsArg] = process.argv.slice(2);
const N = Number(tasksArg || 10000);
const C = Number(connArg || 16);
const SECONDS = Number(secondsArg || 10);

const server = await startElva({ elva, name: 'bench', args: ['--http-workers', '4'] });
const base = new URL(server.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: C });

function request(method, path, token, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${token}` };
    if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = Buffer.byteLength(payload); }
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
      let n = 0;
      const chunks = [];
      res.on('data', (d) => { n += d.length; chunks.push(d); });
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes: n, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// Runs `next()` (a request or null when done) on C connections until done or `seconds` pass.
async function phase(name, next, seconds = Infinity) {
  const latencies = [];
  let errors = 0;
  let bytes = 0;
  const start = Date.now();
  const deadline = start + seconds * 1000;
  async function lane() {
    for (;;) {
      if (Date.now() >= deadline) return;
      const p = next();
      if (!p) return;
      const r = await p;
      if (r.status >= 400) { errors++; if (errors <= 3) console.error(`${name}: ${r.status} ${r.body.toString().slice(0, 200)}`); }
      latencies.push(r.ms);
      bytes += r.bytes;
    }
  }
  await Promise.all(Array.from({ length: C }, lane));
  const elapsed = (Date.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const row = { benchmark: `api-${name}`, connections: C, open_tasks: N, requests: latencies.length, errors,
    seconds: +elapsed.toFixed(2), requests_per_second: Math.round(latencies.length / elapsed), p50_ms: +q(0.5).toFixed(2), p99_ms: +q(0.99).toFixed(2),
    max_ms: +latencies[latencies.length - 1].toFixed(2), mean_bytes: Math.round(bytes / Math.max(1, latencies.length)) };
  console.log(JSON.stringify(row));
  return row;
}

try {
  const call = client(server.base);
  const eva = await login(call, 'eva', passwords.eva);
  const mona = await login(call, 'mona', passwords.mona);
  const admin = await login(call, 'admin', passwords.admin);

  let started = 0;
  await phase('start', () => (started < N ? request('POST', '/api/instances', eva,
    { process: 'leave-request', variables: { requester: 'eva', n: started++ }, businessKey: `B-${started}` }) : null));
  const open = Number(server.sql("SELECT count(*) FROM user_tasks WHERE state = 'open'"));
  if (open !== N) throw new Error(`expected ${N} open tasks, found ${open}`);
  const ids = server.sql("SELECT key FROM user_tasks WHERE state = 'open' ORDER BY key").split('\n').map(Number);
  // The steady state the load test is about: 10,000 tasks the planner has statistics for (what
  // autovacuum gives a table within a minute; a machine busy elsewhere can delay it, and then
  // the list takes a bitmap scan of all 10,000 and runs 10x slower).
  server.sql('VACUUM ANALYZE');

  // Warm-up, then the measured phases.
  await phase('warmup', () => request('GET', '/api/tasks?sort=due&limit=50', mona), 2);
  await phase('list', () => request('GET', '/api/tasks?sort=due&limit=50', mona), SECONDS);
  let r = 0;
  await phase('read', () => request('GET', `/api/tasks/${ids[r++ % ids.length]}`, mona), SECONDS);
  let c = 0;
  const form = { approved: true, from: '2026-12-01', days: 3, kind: 'holiday' };
  // Completing all of them (wait3 through the API): no time limit.
  await phase('complete', () => (c < ids.length ? request('POST', `/api/tasks/${ids[c++]}/complete`, mona, { variables: form }) : null));
  const completed = Number(server.sql("SELECT count(*) FROM user_tasks WHERE state = 'completed'"));
  if (completed !== c) console.error(`note: ${c} completes sent, ${completed} tasks completed`);
  void admin;
} finally {
  agent.destroy();
  await server.stop();
}
