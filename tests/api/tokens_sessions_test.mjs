// Tokens and sessions (issue 23, part 3; docs/api.md#users-roles-and-logging-in) over real HTTP
// against `elva serve` and PostgreSQL: API tokens and sessions are listed (never the tokens) and
// revoked at once, over REST and the CLI; an expired token is listed as expired and refused; a
// new password or a disable ends the user's sessions at once (a re-enable does not bring them
// back), while the user's API tokens stay (refused while disabled).
// usage: node tokens_sessions_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startElva, client, login, passwords } from './harness.mjs';

const elva = process.argv[2];
let server, call, admin;

before(async () => {
  server = await startElva({ elva, name: 'tokens' });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
});
after(async () => { if (server) await server.stop(); });

const as = (token) => ({ token });
function problem(r, status) {
  assert.equal(r.status, status, r.body);
  assert.match(r.headers.get('content-type'), /application\/problem\+json/);
  return JSON.parse(r.body);
}
const cli = (...args) => spawnSync(elva, [...args, '--db', server.url], { encoding: 'utf8' });
async function newToken(user, name, ttl) {
  const r = await call('POST', '/api/tokens', { ...as(admin), body: { user, name, ...(ttl ? { ttl } : {}) } });
  assert.equal(r.status, 201, r.body);
  return r.json.token;
}
async function listed(user) {
  const r = await call('GET', `/api/tokens${user ? `?user=${user}` : ''}`, as(admin));
  assert.equal(r.status, 200, r.body);
  return r.json.items;
}

test('API tokens are listed without the token and revoked at once (REST)', async () => {
  const token = await newToken('robot', 'booking-system');
  assert.equal((await call('GET', '/api/me', as(token))).json.id, 'robot');
  const items = await listed('robot');
  const mine = items.find((t) => t.name === 'booking-system');
  assert.ok(mine, JSON.stringify(items));
  assert.equal(mine.kind, 'api');
  assert.equal(mine.expiresAt, null);
  assert.equal(mine.expired, false);
  assert.match(mine.id, /^[0-9a-f]{16}$/);
  const whole = JSON.stringify(await listed(''));
  assert.ok(!whole.includes(token), 'a token never appears in the listing');
  assert.ok((await listed('')).some((t) => t.user === 'admin' && t.kind === 'session'), 'sessions are listed too');
  assert.equal((await call('DELETE', `/api/tokens/${mine.id}`, as(admin))).status, 204);
  const refused = problem(await call('GET', '/api/me', as(token)), 401);
  assert.match(refused.detail, /not known/);
  problem(await call('DELETE', `/api/tokens/${mine.id}`, as(admin)), 404);
  const notFound = problem(await call('DELETE', `/api/tokens/${token}`, as(admin)), 404);
  assert.ok(!notFound.detail.includes(token), 'the message does not repeat what was sent');
  // Only administrators list and revoke.
  const eva = await login(call, 'eva', passwords.eva);
  problem(await call('GET', '/api/tokens', as(eva)), 403);
  problem(await call('DELETE', `/api/tokens/${mine.id}`, as(eva)), 403);
});

test('an expired token is listed as expired and refused', async () => {
  const token = await newToken('robot', 'short-lived', 'PT1S');
  assert.equal((await call('GET', '/api/me', as(token))).status, 200);
  await new Promise((r) => setTimeout(r, 1300));
  const item = (await listed('robot')).find((t) => t.name === 'short-lived');
  assert.equal(item.expired, true);
  assert.ok(item.expiresAt);
  assert.match(problem(await call('GET', '/api/me', as(token)), 401).detail, /expired/);
});

test('a new password ends the sessions at once; API tokens stay', async () => {
  const session = await login(call, 'bo', passwords.bo);
  const other = await login(call, 'bo', passwords.bo);
  const api = await newToken('bo', 'bo-script');
  assert.equal((await call('GET', '/api/me', as(session))).status, 200);
  const r = await call('POST', '/api/users', { ...as(admin), body: { users: [{ id: 'bo', name: 'Bo Bystander', password: 'a-new-secret-9', roles: ['employee'], groups: ['staff'] }] } });
  assert.equal(r.status, 200, r.body);
  problem(await call('GET', '/api/me', as(session)), 401);
  problem(await call('GET', '/api/me', as(other)), 401);
  assert.equal((await listed('bo')).filter((t) => t.kind === 'session').length, 0);
  assert.equal((await call('GET', '/api/me', as(api))).json.id, 'bo', 'an API token outlives a password change');
  // An update that gives no password keeps the sessions.
  const kept = await login(call, 'bo', 'a-new-secret-9');
  await call('POST', '/api/users', { ...as(admin), body: { users: [{ id: 'bo', name: 'Bo B.', roles: ['employee'], groups: ['staff'] }] } });
  assert.equal((await call('GET', '/api/me', as(kept))).status, 200, 'an update without a password keeps sessions');
});

test('disabling a user ends their sessions at once, and enabling again does not revive them', async () => {
  const session = await login(call, 'max', passwords.max);
  const api = await newToken('max', 'max-script');
  const disable = (disabled) => call('POST', '/api/users', { ...as(admin), body: { users: [{ id: 'max', name: 'Max Manager', roles: ['employee'], groups: ['managers'], disabled }] } });
  assert.equal((await disable(true)).status, 200);
  problem(await call('GET', '/api/me', as(session)), 401);
  assert.match(problem(await call('GET', '/api/me', as(api)), 401).detail, /disabled/);
  assert.equal((await disable(false)).status, 200);
  problem(await call('GET', '/api/me', as(session)), 401);
  assert.equal((await call('GET', '/api/me', as(api))).json.id, 'max', 'the API token works again once enabled');
});

test('elva users tokens and elva users revoke', async () => {
  const token = await newToken('robot', 'cli-listed');
  const list = cli('users', 'tokens', 'robot');
  assert.equal(list.status, 0, list.stderr);
  const line = list.stdout.split('\n').find((l) => l.includes('cli-listed'));
  assert.ok(line, list.stdout);
  assert.ok(!list.stdout.includes(token));
  const id = line.trim().split(/\s+/)[0];
  assert.match(id, /^[0-9a-f]{16}$/);
  const json = cli('users', 'tokens', '--format', 'json');
  assert.equal(json.status, 0, json.stderr);
  assert.ok(JSON.parse(json.stdout).some((t) => t.id === id));
  const revoke = cli('users', 'revoke', id);
  assert.equal(revoke.status, 0, revoke.stderr);
  assert.match(revoke.stdout, /revoked/);
  problem(await call('GET', '/api/me', as(token)), 401);
  const again = cli('users', 'revoke', id);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /no token with that id/);
});
