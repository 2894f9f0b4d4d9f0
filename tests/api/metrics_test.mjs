// Metrics and structured logs (issue 19 part 5; docs/operations.md#metrics): `elva serve
// --log-format json` does known work (instances started, tasks completed, connector calls, timers,
// incidents, retries, a lease that ran out), then /metrics is scraped over a real socket and
// parsed with a real Prometheus text-format parser (npm parse-prometheus-text-format); every
// counter must equal the work done. The JSON log has a line per incident, retry and lease
// expiry, and never a variable's value. Who may read /metrics: loopback, the token, an admin.
// usage: node metrics_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startElva, client, login, passwords, fixtures } from './harness.mjs';

const elva = process.argv[2];
const SECRET = 'Sven Secretsson 19121212-1212'; // a variable's value: never in the log
const TOKEN = 'metrics-token-for-the-test-0123456789';
let server, base, call, admin, mona, eva, closedPort;

before(async () => {
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  process.env.ELVA_METRICS_TOKEN = TOKEN;
  server = await startElva({ elva, name: 'metrics', deploy: [join(fixtures, 'metrics')],
    args: ['--log-format', 'json', '--address', '0.0.0.0'] });
  // It listens on every address (for the remote-caller test); the loopback one is 127.0.0.1.
  base = server.base.replace('//localhost:', '//127.0.0.1:');
  call = client(base);
  admin = await login(call, 'admin', passwords.admin);
  mona = await login(call, 'mona', passwords.mona);
  eva = await login(call, 'eva', passwords.eva);
});
after(async () => { if (server) await server.stop(); });

async function scrape(from = base, headers = {}) {
  const res = await fetch(`${from}/metrics`, { headers });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, text };
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(text);
  return { status: 200, text, families };
}

// The value of one series (a counter or gauge sample; a histogram's count), 0 when absent.
function value(families, name, labels = {}) {
  const f = families.find((x) => x.name === name);
  if (!f) return 0;
  const m = f.metrics.find((s) => Object.entries(labels).every(([k, v]) => (s.labels ?? {})[k] === v));
  if (!m) return 0;
  return Number(m.value ?? m.count);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, check, seconds = 30) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds} s`);
    await sleep(100);
  }
}
async function start(process, variables) {
  const r = await call('POST', '/api/instances', { token: eva, body: { process, variables } });
  assert.equal(r.status, 201, r.body);
  return r.json.id;
}
const instance = async (id) => (await call('GET', `/api/instances/${id}`, { token: admin })).json;

test('the counters of /metrics equal the work done', async () => {
  const first = await scrape();
  const before = first.families;
  const work = [];
  for (let n = 1; n <= 5; n++) work.push(await start('metrics-work', { n, applicant: SECRET }));
  const stuck = [await start('metrics-incident', { n: 1, applicant: SECRET }), await start('metrics-incident', { n: 2 })];
  const flaky = await start('metrics-flaky', { url: `http://127.0.0.1:${closedPort}/down`, applicant: SECRET });

  // The flaky call's first failure leaves its retry 3 s ahead; a node "ghost-node:1" takes it
  // and dies (its lease runs out at the retry's due time): the next node to take it says so.
  await until('the first retry of the flaky call', () => server.sql(
    "SELECT count(*) FROM jobs WHERE type = 'http.get' AND retries = 2 AND locked_by = ''") === '1');
  assert.equal(server.sql("UPDATE jobs SET locked_by = 'ghost-node:1', lock_until = due WHERE type = 'http.get' AND locked_by = '' RETURNING 1"), '1');

  // Each work instance: one echo call, one timer, then a task for the managers; three are done.
  const tasks = await until('five review tasks', async () => {
    const r = await call('GET', '/api/tasks?candidateGroup=managers', { token: mona });
    const mine = r.json.items.filter((t) => work.includes(t.instance));
    return mine.length === 5 && mine;
  });
  for (const t of tasks.slice(0, 3)) {
    const r = await call('POST', `/api/tasks/${t.id}/complete`, { token: mona, body: { variables: { ok: true } } });
    assert.equal(r.status, 200, r.body);
  }
  for (const id of stuck) assert.equal((await until(`instance ${id}`, async () => { const i = await instance(id); return i.status !== 'active' && i; })).status, 'incident');
  assert.equal((await until('the flaky call gives up', async () => { const i = await instance(flaky); return i.status !== 'active' && i; }, 40)).status, 'incident');

  const last = await scrape();
  const now = last.families;
  // A histogram's count, read from its _count line (the parser keys histograms by bucket).
  const count = (text, series) => Number((text.split('\n').find((l) => l.startsWith(`${series} `)) ?? ' 0').split(' ').at(-1));
  const countDelta = (series) => count(last.text, series) - count(first.text, series);
  const delta = (name, labels) => value(now, name, labels) - value(before, name, labels);
  assert.equal(delta('elva_process_instances_started_total', { process: 'metrics-work' }), 5);
  assert.equal(delta('elva_process_instances_completed_total', { process: 'metrics-work' }), 3);
  assert.equal(delta('elva_process_instances_started_total', { process: 'metrics-incident' }), 2);
  assert.equal(delta('elva_process_incidents_total', { process: 'metrics-incident' }), 2);
  assert.equal(delta('elva_process_incidents_total', { process: 'metrics-flaky' }), 1);
  assert.equal(delta('elva_process_incidents_total', { process: 'metrics-work' }), 0);
  assert.equal(value(now, 'elva_incidents_open'), 3);
  assert.equal(delta('elva_job_outcomes_total', { type: 'elva.echo', outcome: 'completed' }), 5);
  assert.equal(delta('elva_job_outcomes_total', { type: 'http.get', outcome: 'retry' }), 3);
  assert.equal(delta('elva_job_lease_expiries_total', { type: 'http.get' }), 1);
  assert.equal(delta('elva_connector_calls_total', { connector: 'elva', operation: 'echo', outcome: 'completed' }), 5);
  assert.equal(countDelta('elva_connector_call_duration_seconds_count{connector="elva",operation="echo"}'), 5);
  assert.equal(delta('elva_connector_calls_total', { connector: 'http', operation: 'get', outcome: 'retry' }), 3);
  assert.equal(delta('elva_timers_fired_total'), 5);
  assert.equal(countDelta('elva_timer_lateness_seconds_count'), 5);
  // 8 starts, 5 echo outcomes, 5 timers, 3 completions, 3 failed calls.
  assert.equal(delta('elva_commands_applied_total'), 24);
  assert.ok(delta('elva_units_total') >= 1 && delta('elva_units_total') <= 24);
  assert.equal(delta('elva_http_requests_total', { route: '/api/instances', status: '201' }), 8);
  assert.equal(delta('elva_http_requests_total', { route: '/api/tasks/{id}/complete', status: '200' }), 3);
  assert.ok(delta('elva_http_requests_total', { route: '/metrics', status: '200' }) >= 1);
  // Raw paths never become label values (an id per series would grow without bound).
  const routes = now.find((f) => f.name === 'elva_http_requests_total').metrics.map((m) => m.labels.route);
  assert.ok(routes.every((r) => !/\/\d+/.test(r)), routes.join(' '));
  assert.ok(value(now, 'elva_db_pool_connections') >= 1);
  assert.equal(value(now, 'elva_db_up'), 1);
  assert.equal(value(now, 'elva_migrations_pending'), 0);
  const hist = now.find((f) => f.name === 'elva_timer_lateness_seconds');
  assert.equal(hist.type, 'HISTOGRAM');
});

test('the JSON log has a line per incident, retry and lease expiry, and no variable value', async () => {
  const lines = server.log().split('\n').filter((l) => l.trim());
  const events = lines.map((l) => {
    try { return JSON.parse(l); } catch { throw new Error(`not a JSON line: ${l}`); }
  });
  for (const e of events) {
    assert.ok(e.time && e.level && e.event && typeof e.message === 'string', JSON.stringify(e));
    assert.match(e.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  }
  const of = (name) => events.filter((e) => e.event === name);
  assert.deepEqual(of('incident').map((e) => e.process).sort(), ['metrics-flaky', 'metrics-incident', 'metrics-incident']);
  assert.ok(of('incident').every((e) => /^\d+$/.test(e.instance) && e.element), JSON.stringify(of('incident')));
  assert.equal(of('job retry').length, 2);
  assert.deepEqual(of('job retry').map((e) => [e.type, e.retriesLeft]), [['http.get', '2'], ['http.get', '1']]);
  assert.equal(of('lease expired').length, 1);
  assert.equal(of('lease expired')[0].node, 'ghost-node:1');
  assert.ok(of('message').some((e) => /task list at http:/.test(e.message)));
  assert.ok(!server.log().includes('Secretsson'), 'a variable value reached the log');
  assert.ok(!server.log().includes('19121212'), 'a variable value reached the log');
});

test('/api/health shows anonymous callers no paths or versions; /livez answers', async () => {
  const h = await call('GET', '/api/health');
  assert.equal(h.status, 200);
  assert.deepEqual(h.json, { status: 'up' });
  assert.equal(h.headers.get('server'), 'Elva');
  const withAdmin = await call('GET', '/api/health', { token: admin });
  assert.ok('database' in withAdmin.json && 'schema' in withAdmin.json);
  const live = await fetch(`${base}/livez`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: 'live' });
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready', checks: [{ name: 'database', ok: true }, { name: 'migrations', ok: true }] });
  assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
});

test('from another address /metrics needs the metrics token or an administrator', async (t) => {
  const address = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) {
    t.skip('*** this machine has no non-loopback IPv4 address: the remote-caller rules were not tested ***');
    return;
  }
  const port = new URL(base).port;
  const remote = `http://${address}:${port}`;
  const anonymous = await scrape(remote);
  assert.equal(anonymous.status, 401);
  assert.doesNotMatch(anonymous.text, /elva_/);
  assert.equal((await scrape(remote, { authorization: 'Bearer wrong-token' })).status, 401);
  assert.equal((await scrape(remote, { authorization: `Bearer ${TOKEN}` })).status, 200);
  assert.equal((await scrape(remote, { authorization: `Bearer ${admin}` })).status, 200);
  assert.equal((await scrape(remote, { authorization: `Bearer ${mona}` })).status, 403);
});
