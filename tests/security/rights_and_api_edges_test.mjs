// Rights of workers, employees and processes, and the API's edges (docs/security.md), against a
// real `elva serve` on PostgreSQL over real sockets on 127.0.0.1:
// - a worker cannot fetch or act on a connector's job (topic desk.get); worker account B cannot
//   complete, fail, throw on, extend or unlock account A's lock by sending A's workerId;
// - a task without a form takes only its declared completion variables (elva:completionVariables,
//   or any with elva:acceptAnyVariables="true"): the refused variable is named, nothing is saved;
// - start rights per process (elva:candidateStarterGroups, camunda:candidateStarterUsers/Groups);
// - 16 concurrent e-service posts with one Idempotency-Key: one receipt, one instance, no 500;
//   a resend after a crash between start and record finds the instance among 1,100 newer ones;
// - a huge lockDuration (and other numbers) is a 400 with a field error;
// - every documented body field of every route, sent as each wrong JSON type: never a 500;
// - NUL in a variable, business key or name, and 2026-02-30 in a filter: 400 with the field
//   named and no SQL text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo, openapi, here as apiDir } from '../api/harness.mjs';
import { tempDir, waitFor } from '../connectors/support.mjs';

const elva = process.argv[2];
const dir = tempDir('rights');
let server, call, admin, dev, robot, robotB, eva, bo, mona;

// What must never reach a client: SQL and the driver's words.
const SQL_TEXT = /\b(SELECT|INSERT|UPDATE|DELETE FROM|pqxx|libpq|ERROR: |SQLSTATE|syntax error|invalid byte sequence|violates)\b/;

before(async () => {
  const config = join(dir, 'elva.toml');
  // desk: an http connector on a closed port; its job fails and waits an hour for its retry.
  writeFileSync(config, `
[connectors.desk]
kind = "http"
base_url = "http://127.0.0.1:9/api"
timeout = "1s"

[eservice.apply]
process = "intake"
anonymous = true
`);
  server = await startElva({ elva, name: 'security_rights', deploy: [join(repo, 'tests', 'security', 'fixtures', 'rights.bpmn')],
    users: join(apiDir, 'fixtures', 'users.json'), args: ['--config', config] });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
  dev = await login(call, 'dev', passwords.dev);
  robot = await login(call, 'robot', passwords.robot);
  eva = await login(call, 'eva', passwords.eva);
  bo = await login(call, 'bo', passwords.bo);
  mona = await login(call, 'mona', passwords.mona);
  const added = await call('POST', '/api/users', { token: admin, body: { users: [
    { id: 'robot-b', name: 'Another worker', password: 'robot-b-secret', roles: ['worker'] }] } });
  assert.equal(added.status, 200, added.body);
  robotB = await login(call, 'robot-b', 'robot-b-secret');
});

after(async () => {
  await server?.stop();
});

function problem(r, status) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.body}`);
  assert.match(r.headers.get('content-type'), /application\/problem\+json/);
  assert.ok(!SQL_TEXT.test(r.body), `the answer shows SQL or driver text: ${r.body}`);
  return r.json;
}

function fieldsOf(p) { return (p.errors ?? []).map((e) => e.field); }

async function start(token, process, variables = {}, businessKey) {
  const r = await call('POST', '/api/instances', { token, body: { process, variables, ...(businessKey ? { businessKey } : {}) } });
  assert.equal(r.status, 201, r.body);
  return r.json.id;
}

async function taskOf(token, instance) {
  for (let i = 0; i < 100; i++) {
    const r = await call('GET', `/api/tasks?instance=${instance}`, { token });
    if (r.json.items.length) return r.json.items[0];
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`no task in instance ${instance}`);
}

async function fetchLock(token, workerId, topicName = 'rights.work', lockDuration = 60000) {
  return call('POST', '/engine-rest/external-task/fetchAndLock', { token, body: { workerId, maxTasks: 1, topics: [{ topicName, lockDuration }] } });
}

test('a worker cannot fetch, complete or unlock a job a connector runs', async () => {
  const instance = await start(admin, 'desk-call');
  // The job fails on the closed port and waits an hour for its retry, in the engine's hands.
  let job;
  for (let i = 0; i < 100 && !(job && job.retries < 3); i++) {
    const jobs = await call('GET', `/api/jobs?instance=${instance}`, { token: admin });
    job = jobs.json.items.find((j) => j.type === 'desk.get');
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(job, 'the instance has no desk.get job');
  const fetched = problem(await fetchLock(robot, 'w', 'desk.get'), 403);
  assert.deepEqual(fieldsOf(fetched), ['topics[0].topicName']);
  const elvaTopic = problem(await fetchLock(robot, 'w', 'elva.echo'), 403);
  assert.deepEqual(fieldsOf(elvaTopic), ['topics[0].topicName']);
  // Whatever workerId it claims, acting on the connector's job answers as if there were none.
  for (const workerId of ['w', '', 'elva', 'api']) {
    const body = { workerId, variables: { status: { value: 200 } } };
    problem(await call('POST', `/engine-rest/external-task/${job.key}/complete`, { token: robot, body }), workerId ? 404 : 400);
  }
  problem(await call('POST', `/engine-rest/external-task/${job.key}/failure`, { token: robot, body: { workerId: 'w', retries: 0 } }), 404);
  problem(await call('POST', `/engine-rest/external-task/${job.key}/bpmnError`, { token: robot, body: { workerId: 'w', errorCode: 'X' } }), 404);
  problem(await call('POST', `/engine-rest/external-task/${job.key}/extendLock`, { token: robot, body: { workerId: 'w', newDuration: 1000 } }), 404);
  problem(await call('POST', `/engine-rest/external-task/${job.key}/unlock`, { token: robot }), 404);
  const still = await call('GET', `/api/jobs?instance=${instance}`, { token: admin });
  assert.equal(still.json.items.length, 1, 'the connector job is gone');
  assert.equal((await call('GET', `/api/instances/${instance}`, { token: admin })).json.status, 'active');
});

test("a worker account cannot act on another account's lock with the same workerId", async () => {
  const instance = await start(admin, 'external-work');
  const got = await fetchLock(robot, 'shared-id');
  assert.equal(got.status, 200, got.body);
  const mine = got.json.find((t) => t.processInstanceId === String(instance));
  assert.ok(mine, `robot did not get the job: ${got.body}`);
  const jobs = await call('GET', `/api/jobs?instance=${instance}`, { token: admin });
  assert.equal(jobs.json.items[0].lockedBy, 'shared-id');
  assert.equal(jobs.json.items[0].lockedByAccount, 'robot');
  // B fetches the same topic: nothing (the job is locked), and acts with A's workerId: refused.
  const theirs = await fetchLock(robotB, 'shared-id');
  assert.ok(!theirs.json.some((t) => t.id === mine.id), 'B was handed a job A holds');
  const as = { token: robotB };
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/complete`, { ...as, body: { workerId: 'shared-id' } }), 409);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/failure`, { ...as, body: { workerId: 'shared-id', retries: 0 } }), 409);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/bpmnError`, { ...as, body: { workerId: 'shared-id', errorCode: 'X' } }), 409);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/extendLock`, { ...as, body: { workerId: 'shared-id', newDuration: 1000 } }), 409);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/unlock`, as), 409);
  const after1 = await call('GET', `/api/jobs?instance=${instance}`, { token: admin });
  assert.equal(after1.json.items[0].lockedByAccount, 'robot', 'B changed the lock');
  // A itself still can: extend, then complete.
  assert.equal((await call('POST', `/engine-rest/external-task/${mine.id}/extendLock`, { token: robot, body: { workerId: 'shared-id', newDuration: 5000 } })).status, 204);
  assert.equal((await call('POST', `/engine-rest/external-task/${mine.id}/complete`, { token: robot, body: { workerId: 'shared-id' } })).status, 204);
  assert.equal((await waitFor(call, admin, instance)).status, 'completed');
});

test('completing a task without a form sets only the variables it declares', async () => {
  const instance = await start(eva, 'self-approve');
  const task = await taskOf(eva, instance);
  const refused = problem(await call('POST', `/api/tasks/${task.id}/complete`, { token: eva, body: { variables: { comment: 'fine', approver: 'eva' } } }), 422);
  assert.deepEqual(fieldsOf(refused), ['approver']);
  assert.ok(!refused.detail.includes('fine'), 'the answer echoes a value');
  const vars = await call('GET', `/api/instances/${instance}/variables`, { token: admin });
  assert.equal(vars.json.approver, undefined, 'a refused completion saved a variable');
  const done = await call('POST', `/api/tasks/${task.id}/complete`, { token: eva, body: { variables: { comment: 'fine', approved: true } } });
  assert.equal(done.status, 200, done.body);
  const after2 = await call('GET', `/api/instances/${instance}/variables`, { token: admin });
  assert.equal(after2.json.comment, 'fine');

  // No form and no declaration: no variables at all (an empty completion is fine).
  const plain = await start(eva, 'plain-task');
  const look = await taskOf(eva, plain);
  assert.deepEqual(fieldsOf(problem(await call('POST', `/api/tasks/${look.id}/complete`, { token: eva, body: { variables: { anything: 1 } } }), 422)), ['anything']);
  assert.equal((await call('POST', `/api/tasks/${look.id}/complete`, { token: eva, body: { variables: {} } })).status, 200);

  // The process's explicit opt-out.
  const open = await start(eva, 'open-notes');
  const note = await taskOf(eva, open);
  const any = await call('POST', `/api/tasks/${note.id}/complete`, { token: eva, body: { variables: { whatever: 'x', approver: 'eva' } } });
  assert.equal(any.status, 200, any.body);
});

test('start rights per process, in both dialects', async () => {
  problem(await call('POST', '/api/instances', { token: eva, body: { process: 'managers-only' } }), 403);
  assert.equal((await call('POST', '/api/instances', { token: mona, body: { process: 'managers-only' } })).status, 201);
  assert.equal((await call('POST', '/api/instances', { token: admin, body: { process: 'managers-only' } })).status, 201);
  assert.equal((await call('POST', '/api/instances', { token: bo, body: { process: 'camunda-starters' } })).status, 201);
  problem(await call('POST', '/api/instances', { token: eva, body: { process: 'camunda-starters' } }), 403);
  problem(await call('POST', '/api/instances', { token: mona, body: { process: 'camunda-starters' } }), 403);
  // Without a starter list: any employee, as before.
  assert.equal((await call('POST', '/api/instances', { token: eva, body: { process: 'plain-task' } })).status, 201);
  assert.equal(server.sql("SELECT count(*) FROM instances WHERE process_id = 'camunda-starters'"), '1');
});

test('16 concurrent e-service posts with one Idempotency-Key: one receipt, one instance', async () => {
  const key = 'race-' + Math.random().toString(36).slice(2);
  const answers = await Promise.all(Array.from({ length: 16 }, () =>
    call('POST', '/eservice/apply', { headers: { 'idempotency-key': key }, body: { data: { title: 'Race' }, applicant: { name: 'A' } } })));
  for (const a of answers) assert.ok(a.status === 200 || a.status === 201, `${a.status}: ${a.body}`);
  assert.equal(answers.filter((a) => a.status === 201).length, 1, 'more than one fresh receipt');
  const receipts = new Set(answers.map((a) => a.json.receipt));
  const instances = new Set(answers.map((a) => a.json.instance));
  assert.equal(receipts.size, 1, [...receipts].join(', '));
  assert.equal(instances.size, 1, [...instances].join(', '));
  const [receipt] = receipts;
  assert.equal(server.sql(`SELECT count(*) FROM instances WHERE business_key = '${receipt}'`), '1');
});

test('a resend after a crash between start and record finds the instance among 1,100 newer ones', async () => {
  const key = 'resend-' + Math.random().toString(36).slice(2);
  const first = await call('POST', '/eservice/apply', { headers: { 'idempotency-key': key }, body: { data: { title: 'First' } } });
  assert.equal(first.status, 201, first.body);
  const { receipt, instance } = first.json;
  // The crash: the instance started, its record was not written.
  server.sql(`UPDATE eservice_submissions SET instance_id = NULL WHERE receipt = '${receipt}'`);
  server.sql(`UPDATE attachments SET instance_id = NULL WHERE receipt = '${receipt}'`);
  // 1,100 newer instances of the same process.
  server.sql(`INSERT INTO instances (id, definition_id, process_id, business_key, status, version, state, variables)
              SELECT ${instance} + 1000000000 + g, definition_id, process_id, 'other-' || g, status, version, state, variables
              FROM instances, generate_series(1, 1100) g WHERE id = ${instance}`);
  const again = await call('POST', '/eservice/apply', { headers: { 'idempotency-key': key }, body: { data: { title: 'First' } } });
  assert.equal(again.status, 200, again.body);
  assert.equal(again.json.receipt, receipt);
  assert.equal(again.json.instance, instance);
  assert.equal(server.sql(`SELECT count(*) FROM instances WHERE business_key = '${receipt}'`), '1');
  assert.equal(server.sql(`SELECT instance_id FROM eservice_submissions WHERE receipt = '${receipt}'`), String(instance));
});

test('durations and counts from requests are bounded: 400 with the field named', async () => {
  const huge = '{"workerId":"w","maxTasks":1,"topics":[{"topicName":"rights.work","lockDuration":9223372036854774784}]}';
  const r = problem(await call('POST', '/engine-rest/external-task/fetchAndLock', { token: robot, raw: huge, headers: { 'content-type': 'application/json' } }), 400);
  assert.deepEqual(fieldsOf(r), ['topics[0].lockDuration']);
  for (const lockDuration of [-1, 0, 8 * 24 * 3600 * 1000, 1.5, '60000']) {
    assert.deepEqual(fieldsOf(problem(await fetchLock(robot, 'w', 'rights.work', lockDuration), 400)), ['topics[0].lockDuration'], String(lockDuration));
  }
  const maxTasks = problem(await call('POST', '/engine-rest/external-task/fetchAndLock', { token: robot, body: { workerId: 'w', maxTasks: 1e12, topics: [] } }), 400);
  assert.deepEqual(fieldsOf(maxTasks), ['maxTasks']);
  const wait = problem(await call('POST', '/engine-rest/external-task/fetchAndLock', { token: robot, body: { workerId: 'w', asyncResponseTimeout: -5, topics: [] } }), 400);
  assert.deepEqual(fieldsOf(wait), ['asyncResponseTimeout']);
  // One job, so that the per-job bounds are reached before the lock check.
  const instance = await start(admin, 'external-work');
  const got = (await fetchLock(robot, 'bounds')).json.find((t) => t.processInstanceId === String(instance));
  assert.ok(got);
  const extend = problem(await call('POST', `/engine-rest/external-task/${got.id}/extendLock`, { token: robot, raw: '{"workerId":"bounds","newDuration":9223372036854774784}', headers: { 'content-type': 'application/json' } }), 400);
  assert.deepEqual(fieldsOf(extend), ['newDuration']);
  assert.deepEqual(fieldsOf(problem(await call('POST', `/engine-rest/external-task/${got.id}/failure`, { token: robot, body: { workerId: 'bounds', retries: 2 ** 40 } }), 400)), ['retries']);
  assert.deepEqual(fieldsOf(problem(await call('POST', `/engine-rest/external-task/${got.id}/failure`, { token: robot, body: { workerId: 'bounds', retries: 1, retryTimeout: 2 ** 62 } }), 400)), ['retryTimeout']);
  // The job is still locked by the worker and unharmed.
  assert.equal((await call('POST', `/engine-rest/external-task/${got.id}/complete`, { token: robot, body: { workerId: 'bounds' } })).status, 204);
  // A key in a query is digits only: -5 was wrapped around to 2^64 - 5 and listed nothing.
  for (const bad of ['-5', '1e3', '99999999999999999999', '', '7 ']) {
    const r = problem(await call('GET', `/api/jobs?instance=${encodeURIComponent(bad)}`, { token: admin }), 400);
    assert.match(r.detail, /instance must be a number/, bad);
  }
  assert.equal((await call('GET', `/api/jobs?instance=${instance}`, { token: admin })).status, 200);
});

// Bodies that get a route past its first checks, so that a wrong type meets the code behind them.
const BASE_BODIES = {
  'POST /api/instances': { process: 'plain-task', variables: {}, businessKey: 'k' },
  'POST /api/messages': { name: 'm', correlationKey: 'k', variables: {}, ttl: 'PT1M' },
  'POST /api/signals': { name: 's', variables: {} },
  'POST /api/tokens': { user: 'eva', name: 'n', ttl: 'PT1H' },
  'POST /api/users': { users: [] },
  'POST /api/deployments': { files: [{ name: 'x.bpmn', content: '<definitions/>' }] },
  'POST /api/login': { username: 'eva', password: 'wrong-password' },
  'POST /api/tasks/{id}/delegate': { user: 'bo' },
  'POST /api/tasks/{id}/complete': { variables: {} },
  'POST /engine-rest/external-task/fetchAndLock': { workerId: 'sweep', maxTasks: 1, topics: [{ topicName: 'none.here', lockDuration: 1000 }] },
  'POST /engine-rest/external-task/{id}/complete': { workerId: 'sweep', variables: {} },
  'POST /engine-rest/external-task/{id}/failure': { workerId: 'sweep', errorMessage: 'e', retries: 0, retryTimeout: 0 },
  'POST /engine-rest/external-task/{id}/bpmnError': { workerId: 'sweep', errorCode: 'E' },
  'POST /engine-rest/external-task/{id}/extendLock': { workerId: 'sweep', newDuration: 1000 },
  'POST /eservice/{form}': { data: {}, applicant: {} },
};
const WRONG = [null, 7, -1, 1.5, 'text', true, [], [1, 'a'], {}, { a: { b: 1 } }];

function schemaOf(op) {
  let s = op.requestBody?.content?.['application/json']?.schema;
  if (s?.$ref) s = s.$ref.split('/').slice(1).reduce((o, k) => o[k], openapi);
  return s;
}

test('every documented body field of every route, as each wrong JSON type: never a 500', async () => {
  const tokenFor = (role) => (role === 'worker' ? robot : admin);
  let sent = 0;
  const failures = [];
  for (const [template, item] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (template === '/api/logout') continue;  // would end the session the sweep uses
      const schema = schemaOf(op);
      const key = `${method.toUpperCase()} ${template}`;
      const base = BASE_BODIES[key] ?? {};
      const fields = new Set([...Object.keys(schema?.properties ?? {}), ...Object.keys(base)]);
      if (!fields.size) fields.add('unexpected');
      const path = template.replace('{id}', '999999').replace('{form}', 'apply').replace('{key}', 'none').replace('{process}', 'none');
      const token = tokenFor(op['x-elva-role']);
      // Nested fields the engine reads: fetchAndLock's topics, a variable's value and type.
      const bodies = [];
      for (const f of fields) for (const w of WRONG) bodies.push({ ...base, [f]: w });
      if (key === 'POST /engine-rest/external-task/fetchAndLock') {
        for (const f of ['topicName', 'lockDuration', 'variables', 'localVariables']) {
          for (const w of WRONG) bodies.push({ ...base, topics: [{ topicName: 'none.here', lockDuration: 1000, [f]: w }] });
        }
        for (const w of WRONG) bodies.push({ ...base, topics: [w] });
      }
      if ('variables' in base) for (const w of WRONG) bodies.push({ ...base, variables: { v: w } }, { ...base, variables: { v: { value: 1, type: w } } });
      if (key === 'POST /api/users') for (const f of ['id', 'name', 'email', 'password', 'roles', 'groups', 'locale', 'disabled', 'passwordHash']) {
        for (const w of WRONG) bodies.push({ users: [{ id: 'sweep-user', password: 'sweep-secret-1', [f]: w }] });
      }
      for (const body of bodies) {
        const r = await call(method.toUpperCase(), path, { token, body, check: false, headers: key.startsWith('POST /eservice') ? { 'idempotency-key': `sweep-${sent}` } : {} });
        sent++;
        if (r.status >= 500 || SQL_TEXT.test(r.body)) failures.push(`${key} ${JSON.stringify(body).slice(0, 160)} -> ${r.status} ${r.body.slice(0, 200)}`);
      }
    }
  }
  assert.ok(sent > 700, `only ${sent} requests were sent`);
  console.log(`# wrong-type sweep: ${sent} requests`);
  assert.deepEqual(failures, []);
  // The server is still well.
  assert.equal((await call('GET', '/api/tasks', { token: eva })).status, 200);
});

test('NUL characters and impossible dates: 400 naming the field, no SQL text', async () => {
  const nul = 'a\u0000b';
  const cases = [
    ['/api/instances', eva, { process: 'plain-task', businessKey: nul }, 'businessKey'],
    ['/api/instances', eva, { process: 'plain-task', variables: { note: nul } }, 'variables.note'],
    ['/api/instances', eva, { process: 'plain-task', variables: { deep: { list: ['ok', nul] } } }, 'variables.deep.list[1]'],
    ['/api/instances', eva, { process: nul }, 'process'],
    ['/api/messages', dev, { name: nul }, 'name'],
    ['/api/signals', dev, { name: nul }, 'name'],
    ['/api/tokens', admin, { user: 'eva', name: nul }, 'name'],
    ['/eservice/apply', undefined, { data: { title: nul } }, 'data.title'],
  ];
  for (const [path, token, body, field] of cases) {
    const p = problem(await call('POST', path, { token, body }), 400);
    assert.deepEqual(fieldsOf(p), [field], `${path} ${JSON.stringify(body)}`);
    assert.ok(!p.detail.includes('\u0000'), 'the answer echoes the value');
  }
  const instance = await start(eva, 'plain-task');
  const task = await taskOf(eva, instance);
  assert.deepEqual(fieldsOf(problem(await call('POST', `/api/tasks/${task.id}/delegate`, { token: eva, body: { user: nul } }), 400)), ['user']);
  for (const date of ['2026-02-30', '0000-01-01', '2026-02-29T00:00:00Z', '2025-04-31T10:00:00Z']) {
    const p = problem(await call('GET', `/api/tasks?dueBefore=${encodeURIComponent(date)}`, { token: eva }), 400);
    assert.deepEqual(fieldsOf(p), ['dueBefore'], date);
  }
  assert.equal((await call('GET', `/api/tasks?dueBefore=2024-02-29T00:00:00Z`, { token: eva })).status, 200);
  assert.deepEqual(fieldsOf(problem(await call('GET', '/api/tasks?processId=a%00b', { token: eva }), 400)), ['processId']);
  assert.deepEqual(fieldsOf(problem(await call('GET', '/api/instances?process=a%00b', { token: dev }), 400)), ['process']);
});
