// The http connector against real HTTP(S) servers on 127.0.0.1, through a real `elva serve` with
// an elva.toml: success with output mapping, retries with a stable idempotency key, the peer down,
// too slow, 500s, malformed JSON, 4xx incidents, a status mapped to a BPMN error, TLS verified
// (and a certificate for another host refused), a named connector with base_url and a secret
// token (never shown), connection reuse, calls in flight side by side and capped per connector
// (max_in_flight), the deploy-time contract check, and the example C plugin
// (loaded, run in a process, its BPMN error caught, an ABI mismatch refused).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo, here as apiDir } from '../api/harness.mjs';
import { tempDir, makeCerts, waitFor, start, incidentOf } from './support.mjs';

const elva = process.argv[2];
const pluginDir = process.argv[3];
const fixtures = join(repo, 'tests', 'connectors', 'fixtures');
const dir = tempDir('http');
const secret = 'api-token-' + Math.random().toString(36).slice(2);
process.env.ELVA_TEST_API_TOKEN = secret;
let server, call, token, plain, good, wrong, config, closedPort;
const seen = [];          // {path, key, auth}
const connections = { plain: 0 };
const flakyCount = new Map();
const holding = {}, mostHeld = {};  // per connector: calls held now, and at most

function routes(req, res) {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const path = req.url.split('?')[0];
    seen.push({ path, key: req.headers['idempotency-key'] ?? null, auth: req.headers.authorization ?? null, method: req.method, body });
    const json = (status, value) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
    if (path === '/ok') return json(200, { received: body ? JSON.parse(body) : null, method: req.method });
    if (path.startsWith('/flaky/')) {
      const n = (flakyCount.get(path) ?? 0) + 1;
      flakyCount.set(path, n);
      return n <= 2 ? json(503, { error: 'busy' }) : json(200, { attempt: n });
    }
    if (path === '/slow') { setTimeout(() => json(200, { late: true }), 3000); return; }
    if (path.endsWith('/hold')) {
      // Answers after 2 s, counting the calls it holds at once.
      const group = path.split('/')[1];
      holding[group] = (holding[group] ?? 0) + 1;
      mostHeld[group] = Math.max(mostHeld[group] ?? 0, holding[group]);
      setTimeout(() => { holding[group]--; json(200, { held: true }); }, 2000);
      return;
    }
    if (path === '/bad-json') { res.writeHead(200, { 'content-type': 'application/json' }); return res.end('{"half": '); }
    if (path === '/missing') return json(404, { error: 'no such case' });
    if (path === '/bad-request') return json(400, { error: 'field x is wrong' });
    if (path === '/v1/items/42') return json(200, { id: 42, name: 'Grävtillstånd' });
    json(404, { error: 'unknown route ' + path });
  });
}

before(async () => {
  const certs = makeCerts(dir);
  plain = http.createServer(routes);
  plain.on('connection', () => { connections.plain++; });
  good = https.createServer({ key: readFileSync(certs.good.key), cert: readFileSync(certs.good.cert) }, routes);
  wrong = https.createServer({ key: readFileSync(certs.wrong.key), cert: readFileSync(certs.wrong.cert) }, routes);
  for (const s of [plain, good, wrong]) await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  config = join(dir, 'elva.toml');
  writeFileSync(config, `
[connectors.http]
timeout = "1s"
ca_file = "${certs.ca}"

[connectors.api]
kind = "http"
base_url = "http://127.0.0.1:${plain.address().port}/v1"
bearer_token = { env = "ELVA_TEST_API_TOKEN" }

[connectors.wide]
kind = "http"
base_url = "http://127.0.0.1:${plain.address().port}/wide"
timeout = "10s"

[connectors.narrow]
kind = "http"
base_url = "http://127.0.0.1:${plain.address().port}/narrow"
timeout = "10s"
max_in_flight = 3

[connectors.sms]
kind = "plugin"
path = "${join(pluginDir, 'libelva_sms_plugin.so')}"
outbox = "${join(dir, 'outbox.jsonl')}"
sender = "Kommunen"
`);
  server = await startElva({ elva, name: 'conn_http', deploy: [join(fixtures, 'http-call.bpmn'), join(fixtures, 'sms.bpmn'), join(fixtures, 'in-flight.bpmn')],
    users: join(apiDir, 'fixtures', 'users.json'), args: ['--config', config] });
  call = client(server.base);
  token = await login(call, 'admin', passwords.admin);
});

after(async () => {
  await server?.stop();
  for (const s of [plain, good, wrong]) s?.close();
});

const plainUrl = (p) => `http://127.0.0.1:${plain.address().port}${p}`;
const run = async (vars, done) => waitFor(call, token, await start(call, token, 'http-call', { method: 'POST', payload: null, errorCodes: null, ...vars }), done);
const incident = (i) => i.status !== 'active';

test('a call completes and its answer is mapped into variables, with an idempotency key', async () => {
  const i = await run({ url: plainUrl('/ok'), payload: { hire: 'E-17' } });
  assert.equal(i.status, 'completed');
  assert.equal(i.variables.status, 200);
  assert.deepEqual(i.variables.answer, { received: { hire: 'E-17' }, method: 'POST' });
  const req = seen.filter((s) => s.path === '/ok').at(-1);
  assert.match(req.key, new RegExp(`^elva-${i.id}-\\d+$`));
});

test('503 twice, then 200: retried, with the same idempotency key on every attempt', async () => {
  const i = await run({ url: plainUrl('/flaky/a') });
  assert.equal(i.status, 'completed');
  assert.deepEqual(i.variables.answer, { attempt: 3 });
  const keys = seen.filter((s) => s.path === '/flaky/a').map((s) => s.key);
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, `keys differ: ${keys}`);
});

test('a peer that is down: retried, then an incident saying the connection was refused', async () => {
  const i = await run({ url: `http://127.0.0.1:${closedPort}/ok` }, incident);
  assert.equal(i.status, 'incident');
  assert.match(incidentOf(i), /could not connect to 127\.0\.0\.1:\d+ \(Connection refused\)/);
});

test('a peer slower than the timeout: an incident saying it did not answer in time', async () => {
  const before = seen.filter((s) => s.path === '/slow').length;
  const i = await run({ url: plainUrl('/slow') }, incident);
  assert.match(incidentOf(i), /no answer from 127\.0\.0\.1:\d+ before the deadline/);
  assert.equal(seen.filter((s) => s.path === '/slow').length - before, 3, 'three attempts');
});

test('JSON that is not JSON: retried, then an incident quoting what came', async () => {
  const i = await run({ url: plainUrl('/bad-json') }, incident);
  assert.match(incidentOf(i), /answered 200 with Content-Type application\/json, but the body is not JSON: \{"half": /);
});

test('a 4xx is an incident at once (no retries); a mapped status is a BPMN error caught by the boundary event', async () => {
  const before = seen.filter((s) => s.path === '/bad-request').length;
  const bad = await run({ url: plainUrl('/bad-request') }, incident);
  assert.match(incidentOf(bad), /POST http:\/\/127\.0\.0\.1:\d+\/bad-request answered 400: \{"error":"field x is wrong"\}/);
  assert.equal(seen.filter((s) => s.path === '/bad-request').length - before, 1);
  const missing = await run({ url: plainUrl('/missing'), method: 'GET', errorCodes: { 404: 'NOT_FOUND' } });
  assert.equal(missing.status, 'completed');
  const h = await call('GET', `/api/instances/${missing.id}/history`, { token });
  const elements = JSON.stringify(h.json);
  assert.match(elements, /"missing"/);
  assert.doesNotMatch(elements, /"element":"done"/);
});

test('TLS: a certificate for this host (from the configured CA) works; one for another host is refused', async () => {
  const ok = await run({ url: `https://127.0.0.1:${good.address().port}/ok` });
  assert.equal(ok.status, 'completed');
  assert.equal(ok.variables.answer.method, 'POST');
  const bad = await run({ url: `https://127.0.0.1:${wrong.address().port}/ok` }, incident);
  assert.match(incidentOf(bad), /TLS handshake with 127\.0\.0\.1:\d+ failed: the certificate does not match the host name 127\.0\.0\.1/);
});

test('a named connector: base_url, a templated path, a bearer token from the environment that is never shown', async () => {
  const id = await start(call, token, 'api-get', { itemId: 42 });
  const i = await waitFor(call, token, id);
  assert.equal(i.status, 'completed', incidentOf(i));
  assert.deepEqual(i.variables.item, { id: 42, name: 'Grävtillstånd' });
  assert.equal(seen.find((s) => s.path === '/v1/items/42').auth, `Bearer ${secret}`);
  const listing = spawnSync(elva, ['connectors', '--config', config], { encoding: 'utf8' });
  assert.equal(listing.status, 0, listing.stderr);
  assert.match(listing.stdout, /api \(http\).*bearer_token = \(secret from \$ELVA_TEST_API_TOKEN\)/);
  assert.match(listing.stdout, /sms\.send  Sends a text message\n\s+in: to\*, text\*/);
  assert.ok(!listing.stdout.includes(secret) && !server.log().includes(secret), 'the secret is printed');
  const json = spawnSync(elva, ['connectors', '--config', config, '--format', 'json'], { encoding: 'utf8' });
  assert.ok(!json.stdout.includes(secret));
});

test('connections are reused: 40 calls in two bursts of 20 open at most 20 (+2)', async () => {
  // Calls run side by side (the connector does not block a thread per call), so a burst opens
  // up to one connection per call in flight; the next burst finds them idle and reuses them.
  const burst = async () => {
    const before = connections.plain;
    const ids = [];
    for (let n = 0; n < 20; n++) ids.push(await start(call, token, 'http-call', { method: 'GET', url: plainUrl('/ok'), payload: null, errorCodes: null }));
    for (const id of ids) assert.equal((await waitFor(call, token, id)).status, 'completed');
    return connections.plain - before;
  };
  // The server keeps idle connections a minute (Node's default, 5 s, can pass on a slow machine
  // between the bursts). A connection is opened only when more calls are in flight at once than
  // ever before: 40 calls, at most 20 at once, so at most 20 connections (2 to spare).
  plain.keepAliveTimeout = 60000;
  const first = await burst();
  assert.ok(first <= 20, `${first} connections for 20 calls`);
  const second = await burst();
  assert.ok(first + second <= 22, `${first} + ${second} connections for 40 calls, at most 20 at once`);
});

test('calls wait side by side, not a worker thread each; max_in_flight caps them per connector', async () => {
  // The server runs with the default 2 connector workers: a blocking connector would hold at most
  // 2 calls at once. 20 calls to a peer answering after 2 s are all held together; the narrow
  // connector's 12 never more than 3 at once.
  // Started all at once, so that a slow machine still has them all waiting together.
  const [wide, narrow] = await Promise.all([
    Promise.all(Array.from({ length: 20 }, () => start(call, token, 'wide-get', {}))),
    Promise.all(Array.from({ length: 12 }, () => start(call, token, 'narrow-get', {}))),
  ]);
  for (const id of [...wide, ...narrow]) {
    const i = await waitFor(call, token, id);
    assert.equal(i.status, 'completed', incidentOf(i));
    assert.equal(i.variables.status, 200);
  }
  assert.ok(mostHeld.wide >= 10, `the peer held at most ${mostHeld.wide} wide calls at once`);
  assert.equal(mostHeld.narrow, 3, 'max_in_flight = 3 is the most calls held at once');
  const listing = spawnSync(elva, ['connectors', '--config', config], { encoding: 'utf8' });
  assert.match(listing.stdout, /narrow \(http\).*max_in_flight = 3/s);
  const bad = join(dir, 'bad-in-flight.toml');
  writeFileSync(bad, '[connectors.x]\nkind = "http"\nmax_in_flight = 0\n');
  const refused = spawnSync(elva, ['connectors', '--config', bad], { encoding: 'utf8' });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /\[connectors\.x\].*max_in_flight must be a whole number from 1 to 10000/);
});

test('deploying a task that names an unknown connector, an unknown operation or misses an input fails, naming each', () => {
  const r = spawnSync(elva, ['deploy', '--db', server.url, '--config', config, join(fixtures, 'unknown-connector.bpmn')], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /unknown-connector\.bpmn:6:\d+: element 'payroll' \(serviceTask\): names connector 'payroll', which is not configured here \(configured: api, elva, http, lottery, narrow, sms, wide\)/);
  assert.match(r.stderr, /unknown-connector\.bpmn:8:\d+: element 'fetch' \(serviceTask\): names 'http\.fetch', but connector 'http' \(http\) has no operation 'fetch'/);
  assert.match(r.stderr, /unknown-connector\.bpmn:10:\d+: element 'post' \(serviceTask\): calls 'http\.post' without its required input url/);
  assert.match(r.stderr, /nothing was deployed/);
});

test('the example C plugin runs in a process; its BPMN error is caught; a plugin for another ABI is refused', async () => {
  const ok = await waitFor(call, token, await start(call, token, 'sms-notify', { phone: '+46701234567', receipt: 'SJ-1' }));
  assert.equal(ok.status, 'completed');
  assert.match(ok.variables.smsId, new RegExp(`^sms-elva-${ok.id}-\\d+$`));
  const outbox = readFileSync(join(dir, 'outbox.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(outbox.length, 1);
  assert.deepEqual({ from: outbox[0].from, to: outbox[0].to }, { from: 'Kommunen', to: '+46701234567' });
  const invalid = await waitFor(call, token, await start(call, token, 'sms-notify', { phone: '+4600123', receipt: 'SJ-2' }));
  assert.equal(invalid.status, 'completed');
  assert.match(JSON.stringify((await call('GET', `/api/instances/${invalid.id}/history`, { token })).json), /"invalid"/);
  const old = join(dir, 'old.toml');
  writeFileSync(old, `[connectors.sms]\nkind = "plugin"\npath = "${join(pluginDir, 'libelva_sms_plugin_abi99.so')}"\noutbox = "/tmp/x"\n`);
  const r = spawnSync(elva, ['connectors', '--config', old], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /was built for connector ABI version 99, but this Elva speaks version 1; rebuild the plugin/);
  const missing = join(dir, 'missing.toml');
  writeFileSync(missing, `[connectors.sms]\nkind = "plugin"\npath = "${join(dir, 'nope.so')}"\n`);
  assert.match(spawnSync(elva, ['connectors', '--config', missing], { encoding: 'utf8' }).stderr, /cannot load plugin .*nope\.so/);
  assert.ok(existsSync(join(pluginDir, 'libelva_sms_plugin.so')));
});
