// The REST API over real sockets against `elva serve` and PostgreSQL: every route with every role
// (including the forbidden cases), who sees which task, forms, ETags, bad input, expired tokens,
// server limits, a race of two completes; every answer checked against docs/openapi.json, and at
// the end every documented route must have been called.
// usage: node api_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startElva, client, login, passwords, openapi, exercised, fixtures, checkAgainstOpenApi } from './harness.mjs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const elva = process.argv[2];
let server, call;
const tokens = {};

before(async () => {
  server = await startElva({ elva, name: 'api', args: ['--http-request-timeout', '1500', '--http-body-limit', '65536'] });
  call = client(server.base);
  for (const user of Object.keys(passwords)) tokens[user] = await login(call, user, passwords[user]);
});
after(async () => { if (server) await server.stop(); });

const as = (user) => ({ token: tokens[user] });
async function start(user = 'eva', variables = { requester: 'eva' }, businessKey = '') {
  const r = await call('POST', '/api/instances', { ...as(user), body: { process: 'leave-request', variables, businessKey } });
  assert.equal(r.status, 201, r.body);
  return r.json.id;
}
async function approveTaskOf(instance) {
  const r = await call('GET', `/api/tasks?instance=${instance}`, as('admin'));
  assert.equal(r.json.items.length, 1, r.body);
  return r.json.items[0].id;
}
const goodForm = { approved: true, from: '2026-12-01', days: 3, kind: 'holiday', reference: 'HR-12', note: 'Enjoy' };
const problem = (r, status) => {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
  assert.equal(r.json.status, status);
  assert.ok(r.json.detail.length > 10, `a detail a person understands: ${r.body}`);
  return r.json;
};

test('open routes: health, the OpenAPI document, login', async () => {
  const h = await call('GET', '/api/health');
  assert.equal(h.status, 200);
  assert.equal(h.json.status, 'up');
  const doc = await call('GET', '/api/openapi.json');
  assert.equal(doc.status, 200);
  assert.deepEqual(doc.json, openapi, 'the server serves the document in the repository');
  const options = await call('GET', '/api/login-options');
  assert.deepEqual(options.json, { singleSignOn: null }, 'no [oidc] here: local users only');
  problem(await call('POST', '/api/login', { body: { username: 'eva', password: 'wrong-password' } }), 401);
  problem(await call('POST', '/api/login', { body: { username: 'nobody', password: 'wrong-password' } }), 401);
  const me = await call('GET', '/api/me', as('mona'));
  assert.deepEqual([me.json.id, me.json.groups, me.json.locale], ['mona', ['managers'], 'nb']);
});

test('without credentials, with a bad token or a wrong password: 401 problem+json', async () => {
  const r = await call('GET', '/api/me');
  problem(r, 401);
  assert.match(r.headers.get('www-authenticate'), /Bearer/);
  problem(await call('GET', '/api/tasks', { token: 'elva_not-a-token' }), 401);
  problem(await call('GET', '/api/tasks', { basic: 'eva:wrong-password' }), 401);
  assert.equal((await call('GET', '/api/me', { basic: `eva:${passwords.eva}` })).status, 200, 'Basic works too');
  problem(await call('GET', '/api/me', { headers: { authorization: 'Digest x' } }), 401);
});

test('bad input: invalid JSON, not an object, wrong types, unknown fields, wrong content type', async () => {
  problem(await call('POST', '/api/login', { raw: '{"username": "eva",', headers: { 'content-type': 'application/json' } }), 400);
  problem(await call('POST', '/api/login', { raw: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
  const types = problem(await call('POST', '/api/login', { body: { username: 42, password: 'x' } }), 400);
  assert.match(types.detail, /username must be a text/);
  const unknown = problem(await call('POST', '/api/instances', { ...as('eva'), body: { process: 'leave-request', varibles: {} } }), 400);
  assert.match(unknown.detail, /unknown field 'varibles'/);
  problem(await call('POST', '/api/instances', { ...as('eva'), body: { process: 'leave-request', variables: [1] } }), 400);
  problem(await call('POST', '/api/instances', { ...as('eva'), raw: 'process=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
  problem(await call('POST', '/api/instances', { ...as('eva'), body: { process: 'no-such-process' } }), 404);
  problem(await call('GET', '/api/tasks?color=red', as('eva')), 400);
  problem(await call('GET', '/api/tasks?limit=lots', as('eva')), 400);
  problem(await call('GET', '/api/tasks/abc', as('eva')), 400);
  problem(await call('GET', '/api/no-such-thing', { ...as('eva'), check: false }), 404);
  const wrongMethod = await call('DELETE', '/api/tasks', { ...as('eva'), check: false });
  problem(wrongMethod, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET');
  const before = server.sql('SELECT count(*) FROM instances');
  problem(await call('POST', '/api/instances', { ...as('eva'), body: { process: 'leave-request', businessKey: 7 } }), 400);
  assert.equal(server.sql('SELECT count(*) FROM instances'), before, 'a refused start leaves nothing behind');
});

test('every route with every role: what each role may do, and 403 for the rest', async () => {
  const instance = await start();
  const task = await approveTaskOf(instance);
  const deployFiles = { files: [{ name: 'leave-request.bpmn', content: readFileSync(join(fixtures, 'leave-request.bpmn'), 'utf8') }] };
  // [method, path, body, role needed]; "any" means every logged-in user.
  const routes = [
    ['GET', '/api/me', undefined, 'any'],
    ['GET', '/api/me/prompts', undefined, 'any'],
    ['PUT', '/api/me/prompts', { mode: 'each' }, 'any'],
    ['GET', '/api/tasks', undefined, 'any'],
    ['GET', `/api/forms/approve-leave`, undefined, 'any'],
    ['POST', '/api/instances', { process: 'leave-request', variables: { requester: 'eva' } }, 'employee'],
    ['GET', '/api/startable', undefined, 'any'],
    ['GET', '/api/startable/leave-request', undefined, 'any'],
    ['GET', '/api/requests', undefined, 'any'],
    ['POST', '/api/requests/999999/withdraw', undefined, 'any', 404],
    ['POST', '/api/deployments', deployFiles, 'developer'],
    ['GET', '/api/definitions', undefined, 'developer'],
    ['GET', '/api/definitions/leave-request', undefined, 'developer'],
    ['GET', '/api/definitions/leave-request/xml', undefined, 'developer'],
    ['GET', '/api/definitions/leave-request/elements', undefined, 'developer'],
    ['GET', '/api/processes', undefined, 'developer'],
    ['GET', '/api/network', undefined, 'developer'],
    ['GET', '/api/instances', undefined, 'developer'],
    ['GET', `/api/instances/${instance}`, undefined, 'developer'],
    ['GET', `/api/instances/${instance}/variables`, undefined, 'developer'],
    ['GET', `/api/instances/${instance}/history`, undefined, 'developer'],
    ['POST', '/api/signals', { name: 'nobody-listens' }, 'developer'],
    ['GET', '/api/incidents', undefined, 'developer'],
    ['GET', '/api/jobs', undefined, 'admin'],
    ['GET', '/api/users', undefined, 'admin'],
    ['POST', '/api/users', { users: [{ id: 'temp', password: 'temp-secret' }] }, 'admin'],
    ['POST', '/api/tokens', { user: 'robot', name: 'matrix' }, 'admin'],
    ['GET', '/api/tokens', undefined, 'admin'],
    ['DELETE', '/api/tokens/0000000000000000', undefined, 'admin', 404],
    ['POST', '/api/incidents/999999/retry', undefined, 'admin', 404],
    ['POST', '/api/instances/999999/cancel', undefined, 'admin', 404],
    ['POST', '/engine-rest/external-task/fetchAndLock', { workerId: 'w', topics: [{ topicName: 'none', lockDuration: 1000 }] }, 'worker'],
    ['POST', '/engine-rest/external-task/999999/unlock', undefined, 'worker', 404],
  ];
  const roles = { eva: ['employee'], dev: ['developer'], admin: ['admin'], robot: ['worker'] };
  for (const [method, path, body, role, allowedStatus] of routes) {
    for (const [user, has] of Object.entries(roles)) {
      const may = role === 'any' || has.includes(role) || has.includes('admin');
      const r = await call(method, path, { ...as(user), body });
      if (may) {
        const expected = allowedStatus ? r.status === allowedStatus : r.status < 400;
        assert.ok(expected, `${user} (${has}) ${method} ${path}: ${r.status} ${r.body}`);
      } else {
        const p = problem(r, 403);
        assert.match(p.detail, new RegExp(`needs the ${role} role`), `${user} ${method} ${path}`);
      }
    }
  }
  // An employee never reads an instance's variables through the instance routes.
  problem(await call('GET', `/api/instances/${instance}/variables`, as('mona')), 403);
  assert.ok(task > 0);
});

test('who sees a task: candidate groups, claims, delegation; others get 404 and no variables', async () => {
  const instance = await start('eva', { requester: 'eva', secret: 'salary 41000' }, 'L-100');
  const id = await approveTaskOf(instance);
  // Mona and Max (managers) see it; Bo (staff) and Eva (the requester, staff) do not.
  for (const user of ['mona', 'max']) {
    const list = await call('GET', '/api/tasks', as(user));
    assert.ok(list.json.items.some((t) => t.id === id), `${user} sees the group task`);
  }
  for (const user of ['bo', 'eva']) {
    const list = await call('GET', '/api/tasks', as(user));
    assert.ok(!list.json.items.some((t) => t.id === id), `${user} does not see it`);
    const read = problem(await call('GET', `/api/tasks/${id}`, as(user)), 404);
    assert.ok(!JSON.stringify(read).includes('41000'), 'no variables leak in the error');
    problem(await call('POST', `/api/tasks/${id}/claim`, as(user)), 404);
    problem(await call('POST', `/api/tasks/${id}/complete`, { ...as(user), body: { variables: goodForm } }), 404);
  }
  // Mona reads it: process name, business key, documentation, form, variables, priority and due date.
  const read = await call('GET', `/api/tasks/${id}`, as('mona'));
  assert.equal(read.status, 200);
  const t = read.json;
  assert.equal(t.process.name, 'Leave request');
  assert.equal(t.businessKey, 'L-100');
  assert.match(t.documentation, /team's plan/);
  assert.equal(t.priority, 70, 'camunda:priority="70" is read');
  assert.deepEqual(t.candidateGroups, ['managers']);
  assert.equal(t.form.id, 'approve-leave');
  assert.equal(t.variables.secret, 'salary 41000');
  const due = Date.parse(t.due) - Date.parse(t.created);
  assert.ok(Math.abs(due - 2 * 86400000) < 5000, `due P2D after creation: ${t.due}`);
  // ETag and If-None-Match.
  const etag = read.headers.get('etag');
  assert.equal((await call('GET', `/api/tasks/${id}`, { ...as('mona'), headers: { 'if-none-match': etag } })).status, 304);
  // Mona claims: Max no longer sees it; a stale If-Match gets 412.
  const claimed = await call('POST', `/api/tasks/${id}/claim`, { ...as('mona'), headers: { 'if-match': etag } });
  assert.equal(claimed.status, 200, claimed.body);
  assert.equal(claimed.json.assignee, 'mona');
  problem(await call('GET', `/api/tasks/${id}`, as('max')), 404);
  problem(await call('POST', `/api/tasks/${id}/claim`, { ...as('mona'), headers: { 'if-match': etag } }), 412);
  // Max cannot unclaim it; Mona delegates to Max, who then sees it and Mona does not.
  problem(await call('POST', `/api/tasks/${id}/unclaim`, as('max')), 404);
  problem(await call('POST', `/api/tasks/${id}/delegate`, { ...as('mona'), body: { user: 'nobody' } }), 400);
  const delegated = await call('POST', `/api/tasks/${id}/delegate`, { ...as('mona'), body: { user: 'max' } });
  assert.equal(delegated.json.assignee, 'max');
  problem(await call('GET', `/api/tasks/${id}`, as('mona')), 404);
  assert.equal((await call('GET', '/api/tasks?assignee=me', as('max'))).json.items[0].id, id);
  const back = await call('POST', `/api/tasks/${id}/unclaim`, as('max'));
  assert.equal(back.json.assignee, null);
  // An administrator sees every task; filters work.
  const groupTasks = await call('GET', '/api/tasks?candidateGroup=managers&sort=priority', as('admin'));
  assert.ok(groupTasks.json.items.every((x) => x.candidateGroups.includes('managers')));
  assert.ok((await call('GET', `/api/tasks?instance=${instance}&overdue=false`, as('admin'))).json.total === 1);
  assert.equal((await call('GET', '/api/tasks?overdue=true', as('admin'))).json.total, 0);
});

test('form data is checked against the form; a refused complete saves nothing', async () => {
  const instance = await start('eva', { requester: 'eva' });
  const id = await approveTaskOf(instance);
  const variablesBefore = server.sql(`SELECT variables::text FROM instances WHERE id = ${instance}`);
  const bad = problem(await call('POST', `/api/tasks/${id}/complete`, {
    ...as('mona'), body: { variables: { approved: 'yes', days: 99, kind: 'sabbatical', reference: 'nope', extra: 1 } } }), 422);
  const fields = Object.fromEntries(bad.errors.map((e) => [e.field, e.message]));
  assert.deepEqual(Object.keys(fields).sort(), ['approved', 'days', 'extra', 'from', 'kind', 'reference']);
  assert.match(fields.from, /required/);
  assert.match(fields.days, /at most 30/);
  assert.match(fields.kind, /choices/);
  // Each names the rule it broke, for a page that says it in the user's language.
  const rules = Object.fromEntries(bad.errors.map((e) => [e.field, [e.code, e.limit]]));
  assert.deepEqual(rules, { approved: ['boolean', undefined], days: ['max', '30'], extra: ['unknown', undefined], from: ['required', undefined],
    kind: ['choice', undefined], reference: ['pattern', undefined] });
  const wrongType = problem(await call('POST', `/api/tasks/${id}/complete`, { ...as('mona'), body: { variables: { ...goodForm, days: 'three' } } }), 422);
  assert.equal(wrongType.errors[0].field, 'days');
  problem(await call('POST', `/api/tasks/${id}/complete`, { ...as('mona'), body: { variables: { ...goodForm, from: '2026-13-45' } } }), 422);
  problem(await call('POST', `/api/tasks/${id}/complete`, { ...as('mona'), body: { variables: 'approved' } }), 400);
  assert.equal(server.sql(`SELECT variables::text FROM instances WHERE id = ${instance}`), variablesBefore, 'nothing half-applied');
  assert.equal(server.sql(`SELECT state FROM user_tasks WHERE key = ${id}`), 'open');
  const done = await call('POST', `/api/tasks/${id}/complete`, { ...as('mona'), body: { variables: goodForm } });
  assert.equal(done.status, 200, done.body);
  assert.equal(done.json.state, 'completed');
  assert.equal(done.json.endedBy, 'mona');
  assert.equal(JSON.parse(server.sql(`SELECT variables::text FROM instances WHERE id = ${instance}`)).days, 3);
});

test('a form embedded by a Camunda 8 modeler (zeebe:userTaskForm) is deployed and checked', async () => {
  const r = await call('POST', '/api/instances', { ...as('eva'), body: { process: 'deviation-report' } });
  assert.equal(r.status, 201, r.body);
  const list = await call('GET', `/api/tasks?instance=${r.json.id}`, as('bo'));
  const task = await call('GET', `/api/tasks/${list.json.items[0].id}`, as('bo'));
  assert.equal(task.json.form.id, 'camunda-forms:bpmn:userTaskForm_1');
  assert.deepEqual(task.json.form.schema.components.map((c) => c.key), ['description', 'severity']);
  const bad = problem(await call('POST', `/api/tasks/${task.json.id}/complete`, { ...as('bo'), body: { variables: { description: 'short', severity: 'medium' } } }), 422);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['description', 'severity']);
  const done = await call('POST', `/api/tasks/${task.json.id}/complete`, { ...as('bo'), body: { variables: { description: 'The door to the archive was left open', severity: 'high' } } });
  assert.equal(done.status, 200, done.body);
});

test('two completes at the same moment: exactly one wins, the other gets 409 naming who won', async () => {
  for (let round = 0; round < 5; round++) {
    const instance = await start('eva', { requester: 'eva' });
    const id = await approveTaskOf(instance);
    const [a, b] = await Promise.all(['mona', 'max'].map((user) =>
      call('POST', `/api/tasks/${id}/complete`, { ...as(user), body: { variables: { ...goodForm, note: user } } })));
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `round ${round}: ${a.body} / ${b.body}`);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? a.json.endedBy : b.json.endedBy;
    assert.match(loser.json.detail, new RegExp(`completed by ${winner}`));
    assert.equal(JSON.parse(server.sql(`SELECT variables::text FROM instances WHERE id = ${instance}`)).note, winner, 'the winner\'s data, once');
    assert.equal(server.sql(`SELECT count(*) FROM history WHERE instance_id = ${instance} AND element_id = 'approve' AND kind = 'completed'`), '1');
  }
});

test('instances: list, read with ETag, variables, history, cancel; messages; deployments', async () => {
  const instance = await start('eva', { requester: 'eva' }, 'L-200');
  const list = await call('GET', '/api/instances?process=leave-request&limit=5', as('dev'));
  assert.ok(list.json.items.length <= 5 && list.json.items.some((i) => i.id === instance));
  problem(await call('GET', '/api/instances?limit=0', as('dev')), 400);
  problem(await call('GET', '/api/instances?owner=me', as('dev')), 400);
  const read = await call('GET', `/api/instances/${instance}`, as('dev'));
  assert.equal(read.json.businessKey, 'L-200');
  const etag = read.headers.get('etag');
  assert.equal((await call('GET', `/api/instances/${instance}`, { ...as('dev'), headers: { 'if-none-match': etag } })).status, 304);
  assert.equal((await call('GET', `/api/instances/${instance}/variables`, as('dev'))).json.requester, 'eva');
  const history = await call('GET', `/api/instances/${instance}/history`, as('dev'));
  assert.equal(history.json[0].kind, 'started');
  assert.equal(history.json[0].actor, 'user:eva');
  problem(await call('GET', '/api/instances/987654321', as('dev')), 404);
  problem(await call('POST', `/api/instances/${instance}/cancel`, as('dev')), 403);
  const cancelled = await call('POST', `/api/instances/${instance}/cancel`, as('admin'));
  assert.equal(cancelled.json.status, 'terminated');
  assert.notEqual((await call('GET', `/api/instances/${instance}`, { ...as('dev'), headers: { 'if-none-match': etag } })).status, 304, 'the ETag changed');
  problem(await call('POST', `/api/instances/${instance}/cancel`, as('admin')), 409);
  assert.equal(server.sql(`SELECT state FROM user_tasks WHERE instance_id = ${instance}`), 'cancelled');
  // Messages: nothing waits, no ttl -> 404; with a ttl it is kept.
  problem(await call('POST', '/api/messages', { ...as('dev'), body: { name: 'late', correlationKey: 'k1' } }), 404);
  const kept = await call('POST', '/api/messages', { ...as('dev'), body: { name: 'late', correlationKey: 'k1', ttl: 'PT1M' } });
  assert.equal(kept.status, 200, kept.body);
  // Correlation (docs/durable.md): two cases wait without a key; a keyed message reaches neither,
  // an unaddressed one is refused with 409 naming both, businessKey or processVariables pick one.
  const correlation = readFileSync(join(fixtures, '..', '..', 'scenarios', 'correlation.bpmn'), 'utf8');
  assert.equal((await call('POST', '/api/deployments', { ...as('dev'), body: { files: [{ name: 'correlation.bpmn', content: correlation }] } })).status, 201);
  const cases = {};
  for (const [key, caseNo] of [['R-1', 1], ['R-2', 2], ['R-3', 3]]) {
    const r = await call('POST', '/api/instances', { ...as('admin'), body: { process: 'keyless-case', variables: { caseNo }, businessKey: key } });
    assert.equal(r.status, 201, r.body);
    cases[key] = r.json.id;
  }
  problem(await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied', correlationKey: 'R-2' } }), 404);
  const several = problem(await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied' } }), 409);
  assert.match(several.detail, new RegExp(`${cases['R-1']} \\(business key 'R-1'\\)`));
  const byKey = await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied', businessKey: 'R-2', variables: { answer: 'yes' } } });
  assert.equal(byKey.status, 200, byKey.body);
  assert.deepEqual(byKey.json.correlated, [cases['R-2']]);
  const byVars = await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied', processVariables: { caseNo: 3 } } });
  assert.equal(byVars.status, 200, byVars.body);
  assert.deepEqual(byVars.json.correlated, [cases['R-3']]);
  problem(await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied', processVariables: 'caseNo=1' } }), 400);
  problem(await call('POST', '/api/messages', { ...as('dev'), body: { name: 'applicantReplied', businessKey: 'R-1', ttl: 'PT1M' } }), 400);
  // Deployments: a broken file names file and line, nothing is deployed; a changed file is a new version.
  const bad = problem(await call('POST', '/api/deployments', { ...as('dev'), body: { files: [{ name: 'broken.bpmn',
    content: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n<bpmn:process id="p" isExecutable="true">\n<bpmn:task id="t"/></bpmn:process></bpmn:definitions>' }] } }), 422);
  assert.match(bad.detail, /broken\.bpmn:2/);
  problem(await call('POST', '/api/deployments', { ...as('dev'), body: { files: [] } }), 400);
  const source = readFileSync(join(fixtures, 'leave-request.bpmn'), 'utf8').replace('Book the leave', 'Book the leave (v2)');
  const dep = await call('POST', '/api/deployments', { ...as('dev'), body: { files: [{ name: 'leave-request.bpmn', content: source }] } });
  assert.equal(dep.status, 201);
  const version = dep.json.processes[0].version;
  assert.ok(version >= 2);
  const xml = await call('GET', `/api/definitions/leave-request/xml?version=${version}`, as('dev'));
  assert.match(xml.headers.get('content-type'), /application\/xml/);
  assert.match(xml.body, /Book the leave \(v2\)/);
  problem(await call('GET', '/api/definitions/leave-request?version=999', as('dev')), 404);
  problem(await call('GET', '/api/definitions/leave-request?version=two', as('dev')), 400);
  problem(await call('GET', '/api/definitions/leave-request/elements?version=999', as('dev')), 404);
  problem(await call('GET', '/api/definitions/leave-request/elements?version=-1', as('dev')), 400);
  // The cockpit's search: a wrong filter is named, nothing is guessed.
  for (const [q, field] of [['bogus=1', 'bogus'], ['status=sleeping', 'status'], ['startedFrom=yesterday', 'startedFrom'],
    ['variable=requester', 'value'], ['value=1', 'variable'], ['limit=1001', 'limit'], ['offset=-1', 'offset'], ['version=x', 'version'],
    ['startedFrom=2026-02-01&startedTo=2026-01-01', 'startedFrom']]) {
    const p = problem(await call('GET', `/api/instances?${q}`, as('dev')), 400);
    assert.equal(p.errors[0].field, field, q);
  }
  const found = await call('GET', '/api/instances?process=leave-request&variable=requester&value=eva&status=active&limit=1', as('dev'));
  assert.equal(found.status, 200, found.body);
  assert.equal(found.json.items.length, 1);
  const page2 = await call('GET', '/api/instances?process=leave-request&variable=requester&value=eva&status=active&limit=1&offset=1', as('dev'));
  assert.notEqual(page2.json.items[0]?.id, found.json.items[0].id);
  const none = await call('GET', '/api/instances?process=leave-request&variable=requester&value=%22nobody%22', as('dev'));
  assert.deepEqual(none.json.items, []);
  // The network: persons only for administrators; wrong parameters named.
  problem(await call('GET', '/api/network?people=true', as('dev')), 403);
  assert.equal((await call('GET', '/api/network?people=true&process=leave-request', as('admin'))).status, 200);
  assert.equal(problem(await call('GET', '/api/network?people=maybe', as('admin')), 400).errors[0].field, 'people');
  assert.equal(problem(await call('GET', '/api/network?unit=x', as('dev')), 400).errors[0].field, 'unit');
  problem(await call('GET', '/api/network?process=no-such-process', as('dev')), 404);
  problem(await call('GET', '/api/network?from=2026-02-01&to=2026-01-01', as('dev')), 400);
  problem(await call('GET', '/api/forms/no-such-form', as('eva')), 404);
});

test('external tasks over the API: lock, refuse others, fail to an incident, retry, complete', async () => {
  const instance = await start('eva', { requester: 'eva' });
  const id = await approveTaskOf(instance);
  await call('POST', `/api/tasks/${id}/complete`, { ...as('mona'), body: { variables: goodForm } });
  const worker = { basic: `robot:${passwords.robot}` };
  const fetched = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: {
    workerId: 'w1', maxTasks: 10, topics: [{ topicName: 'leave.book', lockDuration: 60000, variables: ['days'] }] } });
  const mine = fetched.json.find((t) => t.processInstanceId === String(instance));
  assert.ok(mine, fetched.body);
  assert.deepEqual(Object.keys(mine.variables), ['days']);
  assert.equal(mine.variables.days.value, 3);
  const jobs = await call('GET', `/api/jobs?instance=${instance}`, as('admin'));
  assert.equal(jobs.json.items[0].lockedBy, 'w1');
  // Another worker cannot complete it; bad bodies are refused.
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/complete`, { ...worker, body: { workerId: 'w2' } }), 409);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/failure`, { ...worker, body: { workerId: 'w1', retries: 'none' } }), 400);
  problem(await call('POST', `/engine-rest/external-task/${mine.id}/extendLock`, { ...worker, body: { workerId: 'w2', newDuration: 1000 } }), 409);
  assert.equal((await call('POST', `/engine-rest/external-task/${mine.id}/extendLock`, { ...worker, body: { workerId: 'w1', newDuration: 60000 } })).status, 204);
  // Failure with no retries left: an incident; an admin retries it; then it completes.
  const failed = await call('POST', `/engine-rest/external-task/${mine.id}/failure`, { ...worker, body: {
    workerId: 'w1', errorMessage: 'the HR system said no', errorDetails: 'HTTP 500', retries: 0, retryTimeout: 0 } });
  assert.equal(failed.status, 204, failed.body);
  const incidents = await call('GET', '/api/incidents', as('dev'));
  const incident = incidents.json.items.find((i) => i.instance === instance);
  assert.match(incident.message, /the HR system said no/);
  problem(await call('POST', `/api/incidents/${incident.key}/retry`, as('dev')), 403);
  const retried = await call('POST', `/api/incidents/${incident.key}/retry`, as('admin'));
  assert.equal(retried.status, 200, retried.body);
  const again = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: {
    workerId: 'w1', maxTasks: 10, topics: [{ topicName: 'leave.book', lockDuration: 60000 }] } });
  const next = again.json.find((t) => t.processInstanceId === String(instance));
  assert.ok(next, again.body);
  assert.equal((await call('POST', `/engine-rest/external-task/${next.id}/unlock`, { ...worker })).status, 204);
  const third = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: {
    workerId: 'w3', maxTasks: 10, topics: [{ topicName: 'leave.book', lockDuration: 60000 }] } });
  const last = third.json.find((t) => t.processInstanceId === String(instance));
  const done = await call('POST', `/engine-rest/external-task/${last.id}/complete`, { ...worker, body: {
    workerId: 'w3', variables: { bookingId: { value: 'B-77', type: 'String' }, meta: { value: '{"a":1}', type: 'Json' } } } });
  assert.equal(done.status, 204, done.body);
  problem(await call('POST', `/engine-rest/external-task/${last.id}/complete`, { ...worker, body: { workerId: 'w3' } }), 404);
  const vars = (await call('GET', `/api/instances/${instance}/variables`, as('dev'))).json;
  assert.equal(vars.bookingId, 'B-77');
  assert.deepEqual(vars.meta, { a: 1 });
  // The requester now has her task (camunda:assignee="${requester}").
  const evaTasks = await call('GET', '/api/tasks?assignee=me', as('eva'));
  const inform = evaTasks.json.items.find((t) => t.instance === instance && t.element === 'inform');
  assert.ok(inform, evaTasks.body);
  // The task shows its case: the name's {{...}} filled in when it was created (the list too), the
  // summary the task declares, and who did the earlier steps.
  assert.equal(inform.name, `Read the answer about ${goodForm.days} days from ${goodForm.from}`);
  const shown = (await call('GET', `/api/tasks/${inform.id}`, as('eva'))).json;
  assert.equal(shown.documentation, 'Your leave is booked (B-77).');
  assert.deepEqual(shown.summary, [
    { label: 'Approved', value: true }, { label: 'First day', value: goodForm.from },
    { label: 'Working days', value: goodForm.days }, { label: 'Note from your manager', value: goodForm.note }]);
  assert.deepEqual(shown.steps.map((s) => [s.element, s.name, s.by]), [['approve', 'Approve leave', 'mona']]);
  assert.match(shown.steps[0].at, /^\d{4}-\d{2}-\d{2}T/);
  // A task without its own summary shows the process's.
  const plain = await start('eva', { requester: 'eva' });
  const approveShown = (await call('GET', `/api/tasks/${await approveTaskOf(plain)}`, as('max'))).json;
  assert.deepEqual(approveShown.summary, [{ label: 'Requested by', value: 'eva' }]);
  assert.deepEqual(approveShown.steps, []);
  // bpmnError: the boundary event catches it.
  const other = await start('eva', { requester: 'eva' });
  await call('POST', `/api/tasks/${await approveTaskOf(other)}/complete`, { ...as('max'), body: { variables: goodForm } });
  const f = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: { workerId: 'w4', maxTasks: 10, topics: [{ topicName: 'leave.book', lockDuration: 60000 }] } });
  const ext = f.json.find((t) => t.processInstanceId === String(other));
  problem(await call('POST', `/engine-rest/external-task/${ext.id}/bpmnError`, { ...worker, body: { workerId: 'w4' } }), 400);
  const thrown = await call('POST', `/engine-rest/external-task/${ext.id}/bpmnError`, { ...worker, body: { workerId: 'w4', errorCode: 'REFUSED', errorMessage: 'no days left' } });
  assert.equal(thrown.status, 204, thrown.body);
  const h = (await call('GET', `/api/instances/${other}/history`, as('dev'))).json;
  assert.ok(h.some((e) => e.element === 'bookingRefused'), 'the error boundary event was taken');
  // Long polling: an empty fetch with asyncResponseTimeout waits, then answers [].
  const t0 = Date.now();
  const empty = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: { workerId: 'w5', asyncResponseTimeout: 700, topics: [{ topicName: 'quiet', lockDuration: 1000 }] } });
  assert.deepEqual(empty.json, []);
  assert.ok(Date.now() - t0 >= 600, 'it waited for work');
});

test('reminders and escalation: timer boundary events on a user task, fired by the running server', async () => {
  const r = await call('POST', '/api/instances', { ...as('eva'), body: { process: 'sign-with-reminder' } });
  assert.equal(r.status, 201, r.body);
  const instance = r.json.id;
  const bosTask = (await call('GET', `/api/tasks?instance=${instance}`, as('bo'))).json.items[0];
  assert.equal(bosTask.assignee, 'bo');
  const waitFor = async (what, f) => {
    for (let i = 0; i < 100; i++) { const v = await f(); if (v) return v; await new Promise((ok) => setTimeout(ok, 100)); }
    throw new Error(`timed out: ${what}`);
  };
  // After 1 s: a reminder job for a worker, and Bo's task is still his and open.
  const reminder = await waitFor('the reminder job', async () =>
    (await call('GET', `/api/jobs?instance=${instance}`, as('admin'))).json.items.find((j) => j.type === 'task.remind'));
  assert.equal(reminder.element, 'remind');
  assert.equal((await call('GET', `/api/tasks/${bosTask.id}`, as('bo'))).json.state, 'open');
  // After 3 s: the task is taken from Bo (cancelled, no longer in his list) and a manager's
  // follow-up task appears.
  const escalated = await waitFor('the escalation task', async () =>
    (await call('GET', `/api/tasks?instance=${instance}`, as('mona'))).json.items.find((t) => t.element === 'escalated'));
  assert.equal(escalated.name, 'Follow up an unsigned agreement');
  assert.equal(server.sql(`SELECT state FROM user_tasks WHERE key = ${bosTask.id}`), 'cancelled');
  assert.equal((await call('GET', `/api/tasks?instance=${instance}`, as('bo'))).json.total, 0);
  problem(await call('POST', `/api/tasks/${bosTask.id}/complete`, as('bo')), 409);
});

test('tokens: API tokens for systems, expiry, logout', async () => {
  const created = await call('POST', '/api/tokens', { ...as('admin'), body: { user: 'robot', name: 'short', ttl: 'PT1S' } });
  assert.equal(created.status, 201);
  const token = created.json.token;
  assert.equal((await call('GET', '/api/me', { token })).json.id, 'robot');
  await new Promise((r) => setTimeout(r, 1300));
  const expired = problem(await call('GET', '/api/me', { token }), 401);
  assert.match(expired.detail, /expired/);
  problem(await call('POST', '/api/tokens', { ...as('admin'), body: { user: 'nobody' } }), 404);
  problem(await call('POST', '/api/tokens', { ...as('admin'), body: { user: 'robot', ttl: 'soon' } }), 400);
  const session = await login(call, 'bo', passwords.bo);
  assert.equal((await call('POST', '/api/logout', { token: session })).status, 204);
  problem(await call('GET', '/api/me', { token: session }), 401);
  // Users: listed without password hashes; a bad import changes nothing.
  const users = await call('GET', '/api/users', as('admin'));
  assert.ok(!users.body.includes('argon2'), 'no password hashes in the listing');
  problem(await call('POST', '/api/users', { ...as('admin'), body: { users: [{ id: 'x', roles: ['king'] }] } }), 400);
  problem(await call('POST', '/api/users', { ...as('admin'), body: { users: [{ id: 'x', password: 'short' }] } }), 400);
});

// --- Server limits over raw sockets ----------------------------------------------------------------

function rawRequest(port, text, { wait = 5000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
    setTimeout(() => { socket.destroy(); resolve(data); }, wait);
  });
}

test('server limits: oversized bodies and headers, slow clients do not stall others', async () => {
  const port = Number(new URL(server.base).port);
  const big = await call('POST', '/api/instances', { ...as('eva'), body: { process: 'leave-request', variables: { blob: 'x'.repeat(70000) } } });
  problem(big, 413);
  const headers = await rawRequest(port, `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20000)}\r\n\r\n`);
  assert.match(headers, /^HTTP\/1\.1 431/);
  // Ten clients that send half a request and stop: the others are still served at once, and the
  // slow ones are cut off after the request timeout (1.5 s here).
  const slow = [];
  for (let i = 0; i < 10; i++) {
    slow.push(new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"user'));
      const t0 = Date.now();
      s.on('close', () => resolve(Date.now() - t0));
      s.on('error', () => {});
      s.resume();
    }));
  }
  const t0 = Date.now();
  const h = await call('GET', '/api/health');
  assert.equal(h.status, 200);
  assert.ok(Date.now() - t0 < 1000, 'a normal request is not held up by slow clients');
  const closedAfter = await Promise.all(slow);
  assert.ok(closedAfter.every((ms) => ms >= 1000 && ms < 6000), `slow clients cut off after the timeout: ${closedAfter}`);
  const garbage = await rawRequest(port, 'HELLO THERE\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400/);
  assert.equal((await call('GET', '/api/health')).status, 200, 'still serving');
});

test('pages: the task list is served from the binary with a strict content security policy', async () => {
  const root = await call('GET', '/', { check: false });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/tasklist/');
  const page = await call('GET', '/tasklist/', { check: false });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal((await call('GET', '/tasklist/nope.js', { check: false })).status, 404);
});

test('e-service routes without configured forms: an unknown form and an unknown attachment are 404s', async () => {
  const form = await call('POST', '/eservice/no-such-form', { body: { data: {} } });
  assert.equal(form.status, 404);
  assert.match(form.json.detail, /there is no e-service form 'no-such-form' here/);
  const admin = await login(call, 'admin', passwords.admin);
  assert.equal((await call('GET', '/api/attachments/999999', { token: admin })).status, 404);
  assert.equal((await call('GET', '/api/attachments/abc', { token: admin })).status, 400);
  assert.equal((await call('GET', '/api/attachments/1')).status, 401);
  const eva = await login(call, 'eva', passwords.eva);
  assert.equal((await call('GET', '/api/attachments/1', { token: eva })).status, 403);
});

test('migration: plan, dry run, run over REST; admin only; refusals are problem+json', async () => {
  const scenarios = join(fixtures, '..', '..', 'scenarios');
  const file = (name) => ({ name, content: readFileSync(join(scenarios, name), 'utf8') });
  assert.equal((await call('POST', '/api/deployments', { ...as('admin'), body: { files: [file('migration-v1.bpmn')] } })).status, 201);
  const started = await call('POST', '/api/instances', { ...as('admin'), body: { process: 'migrating', variables: { caseId: 'R1', units: [] }, businessKey: 'R1' } });
  assert.equal(started.status, 201, started.body);
  const id = started.json.id;
  const request = { process: 'migrating', from: 1, to: 2, map: { approve: 'decide' }, timers: 'keep' };
  problem(await call('POST', '/api/migrations/plan', { ...as('admin'), body: request }), 404);
  assert.equal((await call('POST', '/api/deployments', { ...as('admin'), body: { files: [file('migration-v2.bpmn')] } })).status, 201);
  for (const user of ['eva', 'dev', 'robot']) {
    const p = problem(await call('POST', '/api/migrations/plan', { ...as(user), body: request }), 403);
    assert.match(p.detail, /needs the admin role/);
  }
  const badMap = problem(await call('POST', '/api/migrations/plan', { ...as('admin'), body: { ...request, map: { approve: 'remind' } } }), 400);
  assert.match(badMap.detail, /'approve' is a userTask and 'remind' a boundaryEvent/);
  problem(await call('POST', '/api/migrations/plan', { ...as('admin'), body: { ...request, timers: 'later' } }), 400);
  problem(await call('POST', '/api/migrations/plan', { ...as('admin'), body: { ...request, when: 'now' } }), 400);
  const plan = await call('POST', '/api/migrations/plan', { ...as('admin'), body: request });
  assert.equal(plan.status, 200, plan.body);
  assert.equal(plan.json.instances, 1);
  assert.deepEqual(plan.json.unmapped, []);
  const dry = await call('POST', '/api/migrations/dry-run', { ...as('admin'), body: { plan: plan.json, instances: `ids:${id}` } });
  assert.equal(dry.status, 200, dry.body);
  assert.equal(dry.json.instances[0].outcome, 'migrates');
  assert.equal(dry.json.instances[0].report.timers[0].rule, 'keep');
  problem(await call('POST', '/api/migrations/dry-run', { ...as('admin'), body: { plan: plan.json, instances: 'who:me' } }), 400);
  problem(await call('POST', '/api/migrations/dry-run', { ...as('admin'), body: {} }), 400);
  problem(await call('POST', '/api/migrations', { ...as('dev'), body: { plan: plan.json, reason: 'x' } }), 403);
  const noReason = problem(await call('POST', '/api/migrations', { ...as('admin'), body: { plan: plan.json } }), 400);
  assert.match(noReason.detail, /reason/);
  const run = await call('POST', '/api/migrations', { ...as('admin'), body: { plan: plan.json, instances: 'businessKey:R1', reason: 'approve is decide now' } });
  assert.equal(run.status, 200, run.body);
  assert.deepEqual(run.json.counts, { migrated: 1 });
  assert.deepEqual(run.json.instances[0].report, dry.json.instances[0].report, 'the dry run said what the run did');
  const after = await call('GET', `/api/instances/${id}`, as('admin'));
  assert.equal(after.json.version, 2);
  const history = await call('GET', `/api/instances/${id}/history`, as('admin'));
  const migrated = (history.json.items ?? history.json).find((h) => h.kind === 'command' && h.data?.command === 'migrate');
  assert.ok(migrated, history.body);
  assert.equal(migrated.data.reason, 'approve is decide now');
  assert.equal(migrated.actor, 'user:admin');
});

test('versions, diff, modification and repair: developers read, administrators act, with a reason', async () => {
  // Versions with who deployed and how many instances run on each.
  const running = await start('eva', { requester: 'eva' });
  const versions = await call('GET', '/api/definitions/leave-request/versions', as('dev'));
  assert.equal(versions.status, 200, versions.body);
  const latest = versions.json.versions.find((v) => v.version === versions.json.latest);
  assert.ok(latest.instances.active >= 1, versions.body);
  assert.ok(versions.json.versions.every((v) => v.deployedBy.length > 0), versions.body);
  problem(await call('GET', '/api/definitions/leave-request/versions', as('eva')), 403);
  problem(await call('GET', '/api/definitions/no-such-process/versions', as('dev')), 404);
  // A changed version: the diff names what changed, by id.
  const changed = readFileSync(join(fixtures, 'leave-request.bpmn'), 'utf8').replace('camunda:dueDate="P2D"', 'camunda:dueDate="P5D"');
  const dep = await call('POST', '/api/deployments', { ...as('dev'), body: { files: [{ name: 'leave-request.bpmn', content: changed }] } });
  assert.equal(dep.status, 201, dep.body);
  const diff = await call('GET', `/api/definitions/leave-request/diff?from=1&to=0`, as('dev'));
  assert.equal(diff.status, 200, diff.body);
  const approve = diff.json.changed.find((c) => c.id === 'approve');
  assert.ok(approve.changes.some((c) => c.aspect === 'assignment' && c.after.includes('dueDate=P5D')), diff.body);
  assert.equal(diff.json.to.version, dep.json.processes[0].version);
  problem(await call('GET', '/api/definitions/leave-request/diff?from=1', as('dev')), 400);
  problem(await call('GET', '/api/definitions/leave-request/diff?from=one&to=0', as('dev')), 400);
  problem(await call('GET', '/api/definitions/leave-request/diff?from=1&to=999', as('dev')), 404);
  problem(await call('GET', '/api/definitions/leave-request/diff?from=1&to=0', as('eva')), 403);

  // Modification: administrators only, with a reason; a refusal says why and changes nothing.
  const modify = (user, body, id = running) => call('POST', `/api/instances/${id}/modification`, { ...as(user), body });
  problem(await modify('dev', { cancel: ['approve'], startBefore: ['inform'], reason: 'x' }), 403);
  const refused = problem(await modify('admin', { cancel: ['approve'], startBefore: ['nope'], reason: 'typo' }), 400);
  assert.match(refused.detail, /there is no element 'nope'/);
  const noReason = problem(await modify('admin', { cancel: ['approve'] }), 400);
  assert.deepEqual(noReason.errors.map((e) => e.field), ['reason']);
  problem(await modify('admin', { cancel: 'approve', reason: 'x' }), 400);
  problem(await modify('admin', { cancel: ['approve'], reason: 'x' }, 999999999), 404);
  assert.equal((await call('GET', `/api/tasks?instance=${running}`, as('admin'))).json.items.length, 1, 'nothing changed');
  const moved = await modify('admin', { cancel: ['approve'], startBefore: ['inform'], variables: { days: 2 }, reason: 'approved on paper' });
  assert.equal(moved.status, 200, moved.body);
  assert.deepEqual(moved.json.active.map((a) => a.element), ['inform']);
  assert.equal(moved.json.variables.days, 2);
  const audit = moved.json.history.filter((h) => h.kind === 'operator');
  assert.deepEqual(audit.map((h) => [h.actor, h.data.action, h.data.reason]), [['user:admin', 'modify', 'approved on paper']]);

  // Variables: set and remove, in the process.
  const vars = (user, body) => call('PUT', `/api/instances/${running}/variables`, { ...as(user), body });
  problem(await vars('dev', { variables: { note: 'x' }, reason: 'r' }), 403);
  problem(await vars('admin', { variables: ['x'], reason: 'r' }), 400);
  assert.equal((await vars('admin', { variables: { note: 'call back' }, reason: 'asked by phone' })).json.variables.note, 'call back');
  const removal = (body) => call('POST', `/api/instances/${running}/variables/removal`, { ...as('admin'), body });
  const missing = problem(await removal({ names: ['never'], reason: 'r' }), 404);
  assert.match(missing.detail, /there is no variable 'never'/);
  problem(await removal({ names: [], reason: 'r' }), 400);
  assert.ok(!('note' in (await removal({ names: ['note'], reason: 'done' })).json.variables));
  problem(await call('POST', `/api/instances/${running}/variables/removal`, { ...as('dev'), body: { names: ['days'], reason: 'r' } }), 403);

  // A stuck job: retries, a failure by hand (an incident), a retry, then completed by hand.
  const stuck = await start('eva', { requester: 'eva' });
  const task = await approveTaskOf(stuck);
  assert.equal((await call('POST', `/api/tasks/${task}/complete`, { ...as('mona'), body: { variables: goodForm } })).status, 200);
  const jobOf = async () => (await call('GET', `/api/jobs?instance=${stuck}`, as('admin'))).json.items.find((j) => j.type === 'leave.book');
  const job = (await jobOf()).key;
  problem(await call('PUT', `/api/jobs/${job}/retries`, { ...as('dev'), body: { retries: 5, reason: 'r' } }), 403);
  problem(await call('PUT', `/api/jobs/${job}/retries`, { ...as('admin'), body: { retries: 0, reason: 'r' } }), 400);
  problem(await call('PUT', `/api/jobs/${job}/retries`, { ...as('admin'), body: { reason: 'r' } }), 400);
  problem(await call('PUT', `/api/jobs/999999999/retries`, { ...as('admin'), body: { retries: 2, reason: 'r' } }), 404);
  const retried = await call('PUT', `/api/jobs/${job}/retries`, { ...as('admin'), body: { retries: 5, resolveIncident: true, reason: 'the booking system is back' } });
  assert.equal(retried.status, 200, retried.body);
  assert.notEqual(retried.json.job, job);
  assert.equal((await jobOf()).retries, 5);
  problem(await call('POST', `/api/jobs/${retried.json.job}/failure`, { ...as('admin'), body: { retries: 0, reason: 'r' } }), 400);
  const failedByHand = await call('POST', `/api/jobs/${retried.json.job}/failure`, { ...as('admin'), body: { message: 'booking system hangs', retries: 0, reason: 'stuck for a day' } });
  assert.equal(failedByHand.status, 200, failedByHand.body);
  const incident = failedByHand.json.incidents.find((i) => i.resolvedAt === null);
  assert.match(incident.message, /booking system hangs/);
  assert.equal((await call('POST', `/api/incidents/${incident.key}/retry`, as('admin'))).status, 200);
  const again = (await jobOf()).key;
  problem(await call('POST', `/api/jobs/${again}/complete`, { ...as('dev'), body: { reason: 'r' } }), 403);
  problem(await call('POST', `/api/jobs/${again}/complete`, { ...as('admin'), body: { variables: {} } }), 400);
  const done = await call('POST', `/api/jobs/${again}/complete`, { ...as('admin'), body: { variables: { booked: true }, reason: 'booked by hand' } });
  assert.equal(done.status, 200, done.body);
  assert.deepEqual(done.json.active.map((a) => a.element), ['inform']);
  assert.equal(done.json.variables.booked, true);
  problem(await call('POST', `/api/jobs/${again}/complete`, { ...as('admin'), body: { reason: 'twice' } }), 404);
  const actions = done.json.history.filter((h) => h.kind === 'operator').map((h) => h.data.action);
  assert.deepEqual(actions, ['job retries', 'fail job', 'complete job']);
});

test('the operator endpoints /livez, /readyz and /metrics answer as documented', async () => {
  for (const path of ['/livez', '/readyz', '/metrics']) {
    const res = await fetch(server.base + path);
    const text = await res.text();
    checkAgainstOpenApi('GET', path, res.status, res.headers.get('content-type'), text);
    assert.equal(res.status, 200, `${path}: ${text.slice(0, 300)}`);
  }  const stats = await call('GET', '/api/stats/leave-request?from=2020-01-01', as('dev'));
  assert.equal(stats.status, 200, stats.body);
  assert.equal(stats.json.process, 'leave-request');
  problem(await call('GET', '/api/stats/leave-request', as('eva')), 403);
  problem(await call('GET', '/api/stats/no-such-process', as('dev')), 404);
  problem(await call('GET', '/api/stats/leave-request?from=soon', as('dev')), 400);
});

test('Camunda Modeler deploys to Elva: the version, the connection check, a multipart deployment, a broken file named at its line', async () => {
  // As the modeler sends them: Basic credentials, FormData with the diagram as a file.
  const dev = { basic: `dev:${passwords.dev}` };
  const version = await call('GET', '/engine-rest/version', dev);
  assert.equal(version.status, 200, version.body);
  assert.match(version.json.version, /^7\.\d+\.\d+$/);
  const check = await call('GET', '/engine-rest/deployment?maxResults=0', dev);
  assert.deepEqual([check.status, check.json], [200, []]);
  const diagram = (id, name, flow = true) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.16.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <bpmn:process id="${id}" name="${name}" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="gate"/>
    <bpmn:exclusiveGateway id="gate"/>
${flow ? '    <bpmn:sequenceFlow id="f2" sourceRef="gate" targetRef="e"/>\n' : ''}    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;
  const deployment = (file, xml) => {
    const form = new FormData();
    form.append('deployment-name', 'modeler-test');
    form.append('deployment-source', 'Camunda Modeler');
    form.append('deploy-changed-only', 'true');
    form.append(file, new Blob([xml], { type: 'application/octet-stream' }), file);
    return form;
  };
  const done = await call('POST', '/engine-rest/deployment/create', { ...dev, raw: deployment('from-modeler.bpmn', diagram('from-modeler', 'From the modeler')) });
  assert.equal(done.status, 200, done.body);
  assert.equal(done.json.name, 'modeler-test');
  assert.equal(done.json.source, 'Camunda Modeler');
  const [definition] = Object.values(done.json.deployedProcessDefinitions);
  assert.deepEqual([definition.key, definition.version, definition.resource, definition.deploymentId], ['from-modeler', 1, 'from-modeler.bpmn', done.json.id]);
  const defs = (await call('GET', '/api/definitions', as('dev'))).json;
  assert.ok(JSON.stringify(defs).includes('"from-modeler"'), 'deployed');
  // Deployed again unchanged, with deploy-changed-only: nothing new.
  const again = await call('POST', '/engine-rest/deployment/create', { ...dev, raw: deployment('from-modeler.bpmn', diagram('from-modeler', 'From the modeler')) });
  assert.equal(again.status, 200, again.body);
  assert.equal(again.json.deployedProcessDefinitions, null);
  // A gateway without a way out: refused as Camunda refuses, each finding at its line.
  const broken = await call('POST', '/engine-rest/deployment/create', { ...dev, raw: deployment('broken.bpmn', diagram('broken-one', 'Broken', false)) });
  assert.equal(broken.status, 400, broken.body);
  assert.equal(broken.json.type, 'ParseException');
  assert.match(broken.json.message, /broken\.bpmn:6:\d+: element 'gate'/);
  const finding = broken.json.details['broken.bpmn'].errors[0];
  assert.deepEqual([finding.line, finding.mainElementId], [6, 'gate']);
  assert.equal((await call('GET', '/api/definitions', as('dev'))).body.includes('"broken-one"'), false, 'nothing deployed');
  // Employees may not deploy; a JSON body is not what this takes; framing that ends early is named.
  problem(await call('POST', '/engine-rest/deployment/create', { basic: `eva:${passwords.eva}`, raw: deployment('x.bpmn', diagram('x', 'X')) }), 403);
  problem(await call('POST', '/engine-rest/deployment/create', { ...dev, body: { files: [] } }), 415);
  const cut = await call('POST', '/engine-rest/deployment/create', { ...dev, raw: '--b\r\nContent-Disposition: form-data; name="a"; filename="a.bpmn"\r\n\r\n<x/>', headers: { 'content-type': 'multipart/form-data; boundary=b' } });
  assert.equal(cut.status, 400, cut.body);
  assert.match(cut.json.detail, /no closing boundary/);
});

test('every route in docs/openapi.json was called, and every route of the server is documented', async () => {
  const missing = [];
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(item)) {
      if (![...exercised].some((e) => e.startsWith(`${method.toUpperCase()} ${path} `))) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(missing, [], 'documented routes no test called');
  // The server's route table (engine/server/routes/*_routes.cpp, one file per resource) against the document.
  const dir = join(fixtures, '..', '..', '..', 'engine', 'server', 'routes');
  const source = readdirSync(dir).filter((f) => f.endsWith('_routes.cpp')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const routes = [...source.matchAll(/add(?:_by_id)?\("(GET|POST|PUT|DELETE|PATCH)", "([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
  assert.ok(routes.length > 30, `routes found in engine/server/routes: ${routes.length}`);
  const undocumented = routes.filter((r) => {
    const [method, path] = r.split(' ');
    return !openapi.paths[path]?.[method.toLowerCase()];
  });
  assert.deepEqual(undocumented, [], 'routes the server has that docs/openapi.json does not document');
});
