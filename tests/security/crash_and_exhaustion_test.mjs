// Values that used to crash, loop or flood the engine (issue 22, classes 1 and 5), sent the way an
// attacker would: an anonymous e-service form, the REST API as an employee, a developer's
// deployment and a connector peer, against a real `elva serve` on PostgreSQL over real sockets
// on 127.0.0.1 (docs/security.md). After each, the same server still
// answers, the instance is not left running for ever (it completed or has an incident that names
// the limit and not the value), and nothing fires again and again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo } from '../api/harness.mjs';
import { tempDir, waitFor, incidentOf } from '../connectors/support.mjs';

const elva = process.argv[2];
const dir = tempDir('exhaustion');
const fixtures = join(repo, 'tests', 'security', 'fixtures');
let server, call, admin, eva, peer;

// A connector peer: /v1/nul answers JSON with a NUL character escaped in it, anything else {"ok":1}.
function startPeer() {
  const calls = [];
  const srv = http.createServer((req, res) => {
    calls.push(req.url);
    res.setHeader('content-type', 'application/json');
    res.end(req.url.endsWith('/nul') ? '{"name":"a\\u0000b"}' : '{"ok":1}');
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ port: srv.address().port, calls, close: () => srv.close() })));
}

// The server answers a logged-in user's request at all: the engine did not die or hang.
async function alive() {
  const r = await call('GET', '/api/instances?limit=1', { token: admin });
  assert.equal(r.status, 200, `the server no longer answers: ${r.status} ${r.body}`);
  assert.equal(server.child.exitCode, null, `elva serve exited:\n${server.log().slice(-2000)}`);
}

async function intake(form, data) {
  const r = await call('POST', `/eservice/${form}`, { body: { applicant: { name: 'Kari Nordmann' }, data } });
  assert.equal(r.status, 201, r.body);
  return r.json.instance;
}

before(async () => {
  peer = await startPeer();
  const deployDir = join(dir, 'deploy');
  spawnSync('mkdir', ['-p', deployDir]);
  for (const f of ['hostile-runtime.bpmn', 'hostile-check.form']) copyFileSync(join(fixtures, f), join(deployDir, f));
  const config = join(dir, 'elva.toml');
  writeFileSync(config, `
[connectors.peer]
kind = "http"
base_url = "http://127.0.0.1:${peer.port}/v1"
timeout = "2s"

[eservice.square-form]
process = "square"
anonymous = true

[eservice.nul-form]
process = "nul-answer"
anonymous = true
`);
  // A lower step limit than the default (100,000), so the loop test is quick.
  server = await startElva({ elva, name: 'security_exhaust', deploy: [deployDir],
    args: ['--config', config, '--max-steps', '20000', '--max-loop-items', '500'] });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
  eva = await login(call, 'eva', passwords.eva);
});

after(async () => {
  await server?.stop();
  peer?.close();
});

test('e-service: a FEEL number beyond range and a backtracking-prone pattern over 100,000 characters, fired by a timer, end the instance; the server lives', async () => {
  const id = await intake('square-form', { amount: 1e200, text: 'a'.repeat(100000) + 'b' });
  const i = await waitFor(call, admin, id, (x) => x.status !== 'active', 30);
  await alive();
  assert.equal(i.status, 'completed', incidentOf(i));
  // 1e400 is a FEEL number but no JSON number: the variable is null, not Infinity, not a crash.
  assert.equal(i.variables.square, null);
  assert.equal(i.variables.matched, false);
  const small = await intake('square-form', { amount: 3, text: 'aaaa' });
  const j = await waitFor(call, admin, small, (x) => x.status !== 'active', 30);
  assert.equal(j.variables.square, 9);
  assert.equal(j.variables.matched, true);
});

test('e-service: JSON nested 100,000 levels is a 400 naming the depth limit, not a crash', async () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const r = await call('POST', '/eservice/square-form', { raw: `{"data":{"x":${deep}}}`, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400, r.body);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.match(r.json.detail, /deeper than 64 levels/);
  await alive();
});

test('task form: a 100,000-character value checked by a pattern and as an e-mail address answers at once with field errors', async () => {
  const started = await call('POST', '/api/instances', { token: admin, body: { process: 'checked' } });
  assert.equal(started.status, 201, started.body);
  const tasks = await call('GET', `/api/tasks?instance=${started.json.id}`, { token: eva });
  assert.equal(tasks.status, 200, tasks.body);
  const task = tasks.json.items[0];
  const t0 = Date.now();
  const r = await call('POST', `/api/tasks/${task.id}/complete`, { token: eva,
    body: { variables: { code: 'a'.repeat(100000) + 'b', email: 'a'.repeat(100000) + '@' } } });
  const took = Date.now() - t0;
  assert.equal(r.status, 422, r.body);
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['code', 'email']);
  for (const e of r.json.errors) assert.ok(!e.message.includes('aaaa'), `the field error quotes the value: ${e.message}`);
  // Linear-time matching: far below the request timeout even on a loaded machine.
  assert.ok(took < 5000, `the check took ${took} ms`);
  await alive();
  const good = await call('POST', `/api/tasks/${task.id}/complete`, { token: eva, body: { variables: { code: 'aaa', email: 'eva@kommun.example' } } });
  assert.equal(good.status, 200, good.body);
});

test('a loop without a wait state stops at the step limit with an incident; validation warns about it', async () => {
  const v = spawnSync(elva, ['validate', join(fixtures, 'hostile-runtime.bpmn')], { encoding: 'utf8' });
  assert.match(v.stdout + v.stderr, /hostile-runtime\.bpmn:\d+:\d+: warning: element 'again' \(scriptTask\): is on a loop with no wait state/);
  const r = await call('POST', '/api/instances', { token: admin, body: { process: 'spin', variables: { n: 0 } } });
  assert.equal(r.status, 201, r.body);
  const i = await waitFor(call, admin, r.json.id, (x) => x.status !== 'active', 30);
  assert.equal(i.status, 'incident');
  assert.match(incidentOf(i), /did 20000 steps without reaching a wait state/);
  await alive();
});

test('a multi-instance body over more items than allowed is an incident; a timer cycle of R/PT0S is refused at deployment', async () => {
  const items = Array.from({ length: 501 }, (_, k) => k);
  const r = await call('POST', '/api/instances', { token: admin, body: { process: 'wide', variables: { items } } });
  assert.equal(r.status, 201, r.body);
  const i = await waitFor(call, admin, r.json.id, (x) => x.status !== 'active' || incidentOf(x) !== '', 30);
  assert.match(incidentOf(i), /500/);
  const open = await call('GET', `/api/tasks?instance=${r.json.id}`, { token: admin });
  assert.equal(open.json.items.length, 0, 'tasks were created past the limit');
  // The history of a wide instance is read a page at a time.
  const full = await call('GET', `/api/instances/${r.json.id}?historyLimit=100`, { token: admin });
  assert.equal(full.status, 200, full.body);
  assert.equal(full.json.history.length, Math.min(100, full.json.historyTotal));
  const total = full.json.historyTotal;
  const pages = [];
  for (let offset = 0; ; offset += 2) {
    const page = await call('GET', `/api/instances/${r.json.id}/history?offset=${offset}&limit=2`, { token: admin });
    assert.equal(page.status, 200, page.body);
    pages.push(...page.json);
    const next = page.headers.get('link');
    if (!next) break;
    assert.equal(next, `</api/instances/${r.json.id}/history?offset=${offset + 2}&limit=2>; rel="next"`);
  }
  assert.equal(pages.length, total);
  assert.deepEqual(pages.slice(0, 100), full.json.history);
  for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'offset=x', 'page=2']) {
    const b = await call('GET', `/api/instances/${r.json.id}/history?${bad}`, { token: admin });
    assert.equal(b.status, 400, `${bad}: ${b.body}`);
  }
  const ok = await call('POST', '/api/instances', { token: admin, body: { process: 'wide', variables: { items: [1, 2, 3] } } });
  assert.equal(ok.status, 201, ok.body);
  const three = await call('GET', `/api/tasks?instance=${ok.json.id}`, { token: admin });
  assert.equal(three.json.items.length, 3);

  const dev = await login(call, 'dev', passwords.dev);
  const cycle = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="flood" isExecutable="true">
    <startEvent id="s"><timerEventDefinition><timeCycle>R/PT0S</timeCycle></timerEventDefinition></startEvent>
    <sequenceFlow id="f" sourceRef="s" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>`;
  const d = await call('POST', '/api/deployments', { token: dev, body: { files: [{ name: 'flood.bpmn', content: cycle }] } });
  assert.ok([400, 422].includes(d.status), `${d.status} ${d.body}`);
  assert.match(d.body, /more often than the shortest allowed/);
  const defs = await call('GET', '/api/definitions', { token: dev });
  assert.ok(!defs.body.includes('"flood"'), 'the flooding process was deployed');
  const file = join(dir, 'flood.bpmn');
  writeFileSync(file, cycle);
  const cli = spawnSync(elva, ['deploy', '--db', server.url, file], { encoding: 'utf8' });
  assert.notEqual(cli.status, 0, cli.stdout);
  assert.match(cli.stderr + cli.stdout, /flood\.bpmn:4:\d+: .*more often than the shortest allowed/);
  await alive();
});

test('a connector answer with a NUL in its JSON is one incident after one call, never a job leased again and again; a good job in the same round is called once', async () => {
  const before = peer.calls.length;
  const bad = await intake('nul-form', { path: 'nul' });
  const good = await intake('nul-form', { path: 'good' });
  const b = await waitFor(call, admin, bad, (x) => x.status !== 'active', 30);
  const g = await waitFor(call, admin, good, (x) => x.status !== 'active', 30);
  assert.equal(g.status, 'completed', incidentOf(g));
  assert.equal(b.status, 'incident');
  assert.match(incidentOf(b), /NUL|cannot be stored|control character/i);
  assert.ok(!incidentOf(b).includes('a\u0000b'));
  // Past a lease (the scheduler's is 30 s by default; nothing may come back sooner either).
  await new Promise((r) => setTimeout(r, 2500));
  const seen = peer.calls.slice(before);
  assert.equal(seen.filter((u) => u.endsWith('/nul')).length, 1, `calls: ${seen.join(' ')}`);
  assert.equal(seen.filter((u) => u.endsWith('/good')).length, 1, `calls: ${seen.join(' ')}`);
  const incidents = await call('GET', `/api/instances/${bad}`, { token: admin });
  assert.equal(incidents.json.incidents.length, 1);
  await alive();
});
