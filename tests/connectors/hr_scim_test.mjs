// The hr connector against the SCIM 2.0 HR server built on scimmy (examples/hr-scim-server),
// through a real `elva serve`: hire with the enterprise extension and unit membership, change of
// unit, leave; idempotency (an answer lost after the server created the user: no second user),
// 500s, a dropped connection and malformed JSON retried, the server down (an incident), a bearer
// token read from a file; and `elva users import --from-hr` for the task list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo, here as apiDir } from '../api/harness.mjs';
import { tempDir, startPeer, waitFor, start, incidentOf } from './support.mjs';

const elva = process.argv[2];
const fixtures = join(repo, 'tests', 'connectors', 'fixtures');
const dir = tempDir('hr');
const scimToken = 'scim-' + Math.random().toString(36).slice(2);
let hr, server, call, token, config, scimBase;

const scim = async (method, path, body) => {
  const r = await fetch(`${scimBase}${path}`, { method, headers: { authorization: `Bearer ${scimToken}`, 'content-type': 'application/scim+json' },
    body: body ? JSON.stringify(body) : undefined });
  return r.status === 204 ? null : r.json();
};
const fault = (f) => fetch(`http://127.0.0.1:${hr.port}/_faults`, { method: 'POST', body: JSON.stringify(f) });
const userBy = async (number) => (await scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${number}"`)}`)).Resources;
const group = async (name) => (await scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).Resources[0];
const hire = (number, extra = {}) => ({ number, userName: `u${number}`, givenName: 'Nils', familyName: 'Nyman', email: `u${number}@kommun.example`,
  department: 'IT', manager: '1003', ...extra });

before(async () => {
  hr = await startPeer(join(repo, 'examples', 'hr-scim-server', 'server.mjs'),
    ['--port', '0', '--seed', join(repo, 'examples', 'hr-scim-server', 'org.json'), '--token', scimToken]);
  scimBase = `http://127.0.0.1:${hr.port}`;
  writeFileSync(join(dir, 'scim-token'), scimToken + '\n');
  config = join(dir, 'elva.toml');
  writeFileSync(config, `[connectors.hr]\nurl = "${scimBase}/scim/v2"\ntoken = { file = "${join(dir, 'scim-token')}" }\ntimeout = "1s"\n`);
  server = await startElva({ elva, name: 'conn_hr', deploy: [join(fixtures, 'hr.bpmn')], users: join(apiDir, 'fixtures', 'users.json'),
    args: ['--config', config] });
  call = client(server.base);
  token = await login(call, 'admin', passwords.admin);
});

after(async () => {
  await server?.stop();
  await hr?.stop();
});

test('a hire creates the SCIM user with the enterprise extension, the manager and the unit membership', async () => {
  const i = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2001')));
  assert.equal(i.status, 'completed', incidentOf(i));
  assert.equal(i.variables.created, true);
  const [u] = await userBy('2001');
  assert.equal(u.id, i.variables.userId);
  assert.equal(u.userName, 'u2001');
  assert.deepEqual(u.name, { givenName: 'Nils', familyName: 'Nyman' });
  const ext = u['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'];
  assert.equal(ext.employeeNumber, '2001');
  assert.equal(ext.department, 'IT');
  const [emma] = await userBy('1003');
  assert.equal(ext.manager.value, emma.id);
  assert.ok((await group('IT')).members.some((m) => m.value === u.id));
});

test('the answer to a create is lost after the server made the user: the retry finds it, no duplicate', async () => {
  const logBefore = (await (await fetch(`${scimBase}/_log`)).json()).length;
  await fault({ late: true, delayMs: 2500, count: 2 }); // the lookup (GET) and the create (POST) both answer late
  const i = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2002')));
  assert.equal(i.status, 'completed', incidentOf(i));
  const users = await userBy('2002');
  assert.equal(users.length, 1, `${users.length} users with employee number 2002`);
  assert.equal(i.variables.userId, users[0].id);
  const log = (await (await fetch(`${scimBase}/_log`)).json()).slice(logBefore);
  const posts = log.filter((l) => l.method === 'POST' && l.path === '/scim/v2/Users');
  assert.equal(posts.length, 1, 'one create reached the server');
  assert.match(posts[0].idempotencyKey, new RegExp(`^elva-${i.id}-\\d+$`));
  assert.ok(log.filter((l) => l.method === 'GET').length >= 3, 'looked up before each attempt');
});

test('500s, a dropped connection and malformed JSON are retried; a second hire of the same person makes no second user', async () => {
  await fault({ status: 500, count: 1 });
  const a = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2003')));
  assert.equal(a.status, 'completed', incidentOf(a));
  await fault({ status: -1, count: 1 });
  const b = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2004')));
  assert.equal(b.status, 'completed', incidentOf(b));
  await fault({ status: -2, count: 1 });
  const c = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2005')));
  assert.equal(c.status, 'completed', incidentOf(c));
  const again = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2003')));
  assert.equal(again.variables.created, false);
  for (const n of ['2003', '2004', '2005']) assert.equal((await userBy(n)).length, 1);
});

test('a change of unit patches the user and moves the membership; a leave deactivates', async () => {
  const ch = await waitFor(call, token, await start(call, token, 'hr-change', { number: '1004', department: 'Stadsbyggnad', oldDepartment: 'IT', manager: '1001' }));
  assert.equal(ch.status, 'completed', incidentOf(ch));
  const [erik] = await userBy('1004');
  const ext = erik['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'];
  assert.equal(ext.department, 'Stadsbyggnad');
  assert.equal(ext.manager.value, (await userBy('1001'))[0].id);
  assert.ok(!(await group('IT')).members.some((m) => m.value === erik.id));
  assert.ok((await group('Stadsbyggnad')).members.some((m) => m.value === erik.id));
  const lv = await waitFor(call, token, await start(call, token, 'hr-leave', { number: '1006' }));
  assert.equal(lv.status, 'completed', incidentOf(lv));
  assert.equal((await userBy('1006'))[0].active, false);
  assert.equal(lv.variables.after.active, false);
});

test('an employee the HR system does not know is an incident naming the number', async () => {
  const i = await waitFor(call, token, await start(call, token, 'hr-leave', { number: '9999' }), (x) => x.status !== 'active');
  assert.equal(i.status, 'incident');
  assert.match(incidentOf(i), /there is no employee with number 9999 in the HR system/);
});

test('users and units come to the task list from HR: elva users import --from-hr', () => {
  const r = spawnSync(elva, ['users', 'import', '--from-hr', '--config', config, '--db', server.url], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /users imported from the HR system \(hr\)/);
  const list = JSON.parse(spawnSync(elva, ['users', 'list', '--db', server.url, '--format', 'json'], { encoding: 'utf8' }).stdout);
  const byId = Object.fromEntries(list.map((u) => [u.id, u]));
  assert.deepEqual(byId.erik.groups.sort(), ['Stadsbyggnad', 'telecom']);  // moved from IT; telecom is a functional group
  assert.ok(byId.emma.groups.includes('managers'));
  assert.equal(byId.jonas.disabled, true);   // left: deactivated in HR
  assert.deepEqual(byId.admin.roles, ['admin']); // users from the file keep their roles
  assert.equal(byId.u2001.email, 'u2001@kommun.example');
});

test('the HR server down: retried, then an incident saying so', async () => {
  await hr.stop();
  const i = await waitFor(call, token, await start(call, token, 'hr-hire', hire('2010')), (x) => x.status !== 'active', 40);
  assert.equal(i.status, 'incident');
  assert.match(incidentOf(i), /SCIM GET http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users: could not connect to 127\.0\.0\.1:\d+ \(Connection refused\)/);
});
