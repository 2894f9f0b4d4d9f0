// The HTTP server and logins under hostile clients (docs/security.md#http-server-and-logins),
// against a real `elva serve` on PostgreSQL over real sockets on 127.0.0.1:
// - 600 idle sockets and slowloris heads from one address do not keep a logged-in user from
//   the task list (new connections get a slot: the waiting ones of that address are closed),
//   and the slowloris heads are cut off at the head deadline;
// - 16 password guessers get 429 with Retry-After (per account and per address, with back-off
//   that doubles) while another user's task list stays fast (passwords are checked off the
//   workers); every login costs one Argon2id check (a disabled user's too);
// - Basic credentials stop working the moment a user is disabled or loses a role;
// - sloppy edges: a zero or absurd token TTL is a 400 with a field error, a NUL in a user name
//   a 400 that never logs in, application/jsonp a 415, dot segments in the path a 400, health
//   says nothing about the database to anonymous callers, every answer carries the anti-framing
//   and no-store headers, and a 500 carries a correlation id, never SQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { startElva, client, login, passwords } from '../api/harness.mjs';

const elva = process.argv[2];
let server, call, port;
// A second server without back-off (as if the guessers came from many addresses): what is left
// is the cost of checking passwords, which must not land on the HTTP workers.
let open, openCall, openPort;

before(async () => {
  server = await startElva({ elva, name: 'httpsec' });
  call = client(server.base);
  port = Number(new URL(server.base).port);
  open = await startElva({ elva, name: 'httpsec_open', args: ['--login-account-failures', '1000000', '--login-address-failures', '1000000'] });
  openCall = client(open.base);
  openPort = Number(new URL(open.base).port);
});
after(async () => { await server?.stop(); await open?.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// One request on a new connection (no pooled socket the server may have closed meanwhile).
function fresh(path, { token, method = 'GET', headers = {}, body, portOf = port } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (body !== undefined) h['content-type'] ??= 'application/json';
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port: portOf, path, method, headers: h, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

// Raw bytes over a socket, for what fetch would normalise (dot segments).
function raw(text, wait = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.on('data', (d) => { data += d; if (data.includes('\r\n\r\n') && /content-length: 0|\}$/.test(data)) socket.end(); });
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
    setTimeout(() => { socket.destroy(); resolve(data); }, wait);
  });
}

async function taskListTimes(token, n, portOf = port) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const r = await fresh('/api/tasks', { token, portOf });
    assert.equal(r.status, 200, `the task list answers: ${r.status} ${r.body}`);
    times.push(r.ms);
  }
  return times;
}

test('600 idle sockets and slowloris heads from one address: a logged-in user still gets the task list', async () => {
  const token = await login(call, 'eva', passwords.eva);
  const baseline = median(await taskListTimes(token, 5));
  const sockets = [];
  let closedByServer = 0;
  const open = (onConnect) => new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { onConnect?.(s); resolve(s); });
    s.on('error', () => {});
    s.on('close', () => { closedByServer++; });
    sockets.push(s);
  });
  for (let i = 0; i < 600; i++) await open();
  // Slowloris: a request head that never ends, a byte of it every 500 ms.
  const slow = [];
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const s = await open((sock) => sock.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'));
    const drip = setInterval(() => { if (!s.destroyed) s.write('X'); }, 500);
    slow.push(new Promise((resolve) => s.on('close', () => { clearInterval(drip); resolve(Date.now() - t0); })));
  }
  await sleep(200);
  const during = await taskListTimes(token, 10);
  const worst = Math.max(...during);
  // Generous: the answer is there, not held for the idle (30 s) or head (5 s) deadline.
  assert.ok(worst < Math.max(3000, 30 * baseline), `the task list under 620 hostile sockets: ${during.map(Math.round)} ms (baseline ${Math.round(baseline)} ms)`);
  // Unauthenticated newcomers get in too (a waiting socket of their address makes room).
  assert.equal((await fresh('/api/health')).status, 200);
  // The head deadline (5 s) frees the slowloris slots, even those not taken for a newcomer.
  const cutOff = await Promise.all(slow.map((p) => Promise.race([p, sleep(15000).then(() => Infinity)])));
  assert.ok(cutOff.every((ms) => ms < 12000), `slowloris heads cut off at the head deadline: ${cutOff}`);
  assert.ok(closedByServer >= 600 - 64, `the server closed the idle sockets beyond the per-client ceiling: ${closedByServer}`);
  for (const s of sockets) s.destroy();
});

test('every answer: no framing, no sniffing, no caching (API, problems and pages)', async () => {
  const token = await login(call, 'eva', passwords.eva);
  for (const [path, opts] of [['/api/tasks', { token }], ['/api/me', {}], ['/api/health', {}], ['/tasklist/', {}], ['/nope', {}]]) {
    const r = await fresh(path, opts);
    assert.equal(r.headers['x-frame-options'], 'DENY', `${path}: X-Frame-Options`);
    assert.match(r.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, `${path}: CSP frame-ancestors`);
    assert.equal(r.headers['x-content-type-options'], 'nosniff', `${path}: nosniff`);
    if (path.startsWith('/api/')) assert.equal(r.headers['cache-control'], 'no-store', `${path}: Cache-Control`);
  }
  const loginAnswer = await fresh('/api/login', { method: 'POST', body: { username: 'eva', password: passwords.eva } });
  assert.equal(loginAnswer.status, 200);
  assert.equal(loginAnswer.headers['cache-control'], 'no-store', 'a token is never cached');
});

test('health: anonymous callers learn the status only, an administrator sees the database without its password', async () => {
  const anonymous = await call('GET', '/api/health');
  assert.equal(anonymous.status, 200);
  assert.deepEqual(anonymous.json, { status: 'up' });
  const admin = await call('GET', '/api/health', { token: await login(call, 'admin', passwords.admin) });
  assert.equal(admin.status, 200);
  assert.equal(typeof admin.json.database, 'string');
  assert.ok(!/password=(?!\*)|:[^*@/]+@/.test(admin.json.database), `no password in ${admin.json.database}`);
  const employee = await call('GET', '/api/health', { token: await login(call, 'eva', passwords.eva) });
  assert.deepEqual(employee.json, { status: 'up' });
});

test('Content-Type: application/json with parameters only; jsonp, json-seq and text/json get 415', async () => {
  const body = JSON.stringify({ username: 'eva', password: passwords.eva });
  for (const type of ['application/jsonp', 'application/json-seq', 'text/json', 'application/jsonx; charset=utf-8', 'application/json garbage', 'application/json;', 'application/x-www-form-urlencoded']) {
    const r = await call('POST', '/api/login', { raw: body, headers: { 'content-type': type } });
    if (type === 'application/json;') { assert.equal(r.status, 200, 'an empty parameter is allowed (RFC 9110)'); continue; }
    assert.equal(r.status, 415, `${type}: ${r.status}`);
    assert.equal(r.json.status, 415);
  }
  for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="utf-8"']) {
    assert.equal((await call('POST', '/api/login', { raw: body, headers: { 'content-type': type } })).status, 200, type);
  }
});

test('dot segments in the path, also escaped and in the tenant part, are refused with problem+json', async () => {
  for (const path of ['/t/../api/health', '/t/%2e%2e/api/health', '/t/.%2E/api/health', '/api/../api/health', '/api/tasks/%2e%2e',
    '/t/x/%2e/api/health', '/tasklist/..%2f..%2fetc/passwd', '/api/x%00y', '/api/a%5c..%5cb']) {
    const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 400 /, `${path}: ${answer.slice(0, 80)}`);
    assert.match(answer, /content-type: application\/problem\+json/i, path);
  }
});

test('API token TTL: zero, negative or absurd durations are a 400 with a field error, never a token that lasts for ever or SQL', async () => {
  const admin = await login(call, 'admin', passwords.admin);
  for (const ttl of ['PT0S', 'P0D', 'P0Y0M0DT0H0M0S', 'P99999999Y', 'P9999999999999999999Y', 'PT99999999999999999999S', 'nonsense', 'P']) {
    const r = await call('POST', '/api/tokens', { token: admin, body: { user: 'robot', name: 'x', ttl } });
    assert.equal(r.status, 400, `${ttl}: ${r.status} ${r.body}`);
    assert.deepEqual(r.json.errors?.map((e) => e.field), ['ttl'], `${ttl}: ${r.body}`);
    assert.ok(!/SELECT|INSERT|timestamp|out of range|sql/i.test(r.body), `${ttl}: ${r.body}`);
  }
  const good = await call('POST', '/api/tokens', { token: admin, body: { user: 'robot', name: 'x', ttl: 'PT1H' } });
  assert.equal(good.status, 201);
  assert.ok(Math.abs(Date.parse(good.json.expiresAt) - Date.now() - 3600000) < 60000);
  // The same rule for `elva users token --ttl`.
  for (const ttl of ['PT0S', 'P0D', 'P99999999999D']) {
    const r = spawnSync(elva, ['users', 'token', 'robot', '--ttl', ttl, '--db', server.url], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `elva users token --ttl ${ttl}: ${r.stdout}`);
    assert.match(r.stderr, /longer than zero|at most 1000 years/);
  }
  assert.equal(spawnSync(elva, ['users', 'token', 'robot', '--ttl', 'P1D', '--db', server.url]).status, 0);
});

test('a NUL or control character in a user name is a 400 and never logs in as the name before it', async () => {
  for (const username of ['eva\u0000x', 'eva\u0000', 'eva\r\n', '']) {
    const r = await call('POST', '/api/login', { body: { username, password: passwords.eva } });
    assert.equal(r.status, 400, `${JSON.stringify(username)}: ${r.status} ${r.body}`);
    assert.ok(!r.json.token);
    assert.deepEqual(r.json.errors?.map((e) => e.field), ['username']);
  }
  const basic = await call('GET', '/api/me', { basic: `eva\u0000x:${passwords.eva}` });
  assert.equal(basic.status, 401, `Basic: ${basic.status} ${basic.body}`);
  assert.match(basic.json.detail, /NUL/);
});

test('every login costs one Argon2id check: a disabled or unknown user answers no faster than a wrong password', async () => {
  const admin = await login(openCall, 'admin', passwords.admin);
  assert.equal((await openCall('POST', '/api/users', { token: admin, body: { users: [{ id: 'max', name: 'Max Manager', roles: ['employee'], groups: ['managers'], disabled: true }] } })).status, 200);
  const time = async (username, password) => {
    const r = await fresh('/api/login', { method: 'POST', body: { username, password }, portOf: openPort });
    assert.equal(r.status, 401, `${username}: ${r.status} ${r.body}`);
    return r.ms;
  };
  const wrong = [], disabled = [], unknown = [];
  for (let i = 0; i < 4; i++) {
    wrong.push(await time('mona', 'not-her-password'));
    disabled.push(await time('max', passwords.max));
    unknown.push(await time(`nobody-${i}`, 'whatever-it-is'));
  }
  // Relative: the same work (one verification) within a wide margin, whatever the machine.
  assert.ok(median(disabled) > 0.4 * median(wrong), `disabled ${disabled.map(Math.round)} ms vs wrong password ${wrong.map(Math.round)} ms`);
  assert.ok(median(unknown) > 0.4 * median(wrong), `unknown ${unknown.map(Math.round)} ms vs wrong password ${wrong.map(Math.round)} ms`);
  assert.equal((await openCall('POST', '/api/users', { token: admin, body: { users: [{ id: 'max', name: 'Max Manager', roles: ['employee'], groups: ['managers'] }] } })).status, 200);
  assert.equal((await openCall('POST', '/api/login', { body: { username: 'max', password: passwords.max } })).status, 200);
});

test('16 guessers without back-off: passwords are checked off the workers, the task list stays fast', async () => {
  const token = await login(openCall, 'eva', passwords.eva);
  const baseline = median(await taskListTimes(token, 5, openPort));
  const stop = Date.now() + 4000;
  const seen = {};
  const guesser = async (g) => {
    for (let i = 0; Date.now() < stop && i < 500; i++) {
      const r = await fresh('/api/login', { method: 'POST', body: { username: `user-${g}`, password: `guess-${i}` }, portOf: openPort });
      seen[r.status] = (seen[r.status] ?? 0) + 1;
    }
  };
  const guessing = Promise.all(Array.from({ length: 16 }, (_, g) => guesser(g)));
  await sleep(500);
  const during = await taskListTimes(token, 10, openPort);
  await guessing;
  assert.ok(seen[401] > 0, `the guessers were answered: ${JSON.stringify(seen)}`);
  assert.deepEqual(Object.keys(seen).filter((s) => s !== '401' && s !== '503'), [], JSON.stringify(seen));
  assert.ok(median(during) < Math.max(250, 10 * baseline),
    `the task list while 16 guess: ${during.map(Math.round)} ms (baseline ${Math.round(baseline)} ms; guesses ${JSON.stringify(seen)})`);
});

test('Basic credentials stop working the moment the user is disabled or loses a role', async () => {
  const admin = await login(call, 'admin', passwords.admin);
  const dev = { basic: `dev:${passwords.dev}` };
  assert.equal((await call('GET', '/api/me', dev)).status, 200);
  assert.equal((await call('GET', '/api/incidents', dev)).status, 200, 'a developer reads incidents');
  const set = async (extra) => assert.equal((await call('POST', '/api/users', { token: admin, body: { users: [{ id: 'dev', name: 'Dana Developer', ...extra }] } })).status, 200);
  await set({ roles: ['employee'] });
  assert.equal((await call('GET', '/api/incidents', dev)).status, 403, 'the role is gone at once');
  await set({ roles: ['developer'], disabled: true });
  const refused = await call('GET', '/api/me', dev);
  assert.equal(refused.status, 401, `disabled at once: ${refused.status}`);
  await set({ roles: ['developer'], password: 'a-new-password-1' });
  assert.equal((await call('GET', '/api/me', dev)).status, 401, 'the old password no longer works');
  assert.equal((await call('GET', '/api/me', { basic: 'dev:a-new-password-1' })).status, 200);
});

test('a 500 shows a correlation id that the log has, never SQL or the database', async () => {
  const dev = await login(call, 'admin', passwords.admin);
  server.sql('ALTER TABLE incidents RENAME TO incidents_hidden');
  try {
    const r = await call('GET', '/api/incidents', { token: dev });
    assert.equal(r.status, 500, r.body);
    assert.match(r.json.correlationId, /^[0-9a-f]{16}$/);
    assert.ok(r.json.detail.includes(r.json.correlationId));
    assert.ok(!/\\"incidents|relation \\"|does not exist|SELECT|FROM|postgres|sqlstate|42P01/i.test(r.body), `no SQL: ${r.body}`);
    await sleep(100);
    const line = server.log().split('\n').find((l) => l.includes(r.json.correlationId));
    assert.ok(line, 'the log has the correlation id');
    assert.ok(!/incidents_hidden|"incidents"/.test(line), `the log line keeps no quoted values: ${line}`);
  } finally {
    server.sql('ALTER TABLE incidents_hidden RENAME TO incidents');
  }
});

// Last on this server: it makes 127.0.0.1 wait before its next logins.
test('password guessing: back-off per account then per address (429 with Retry-After), while another user stays fast', async () => {
  const token = await login(call, 'eva', passwords.eva);
  const baseline = median(await taskListTimes(token, 5));
  // Per account: five failures are free, then each further one doubles the wait.
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await call('POST', '/api/login', { body: { username: 'bo', password: `guess-${i}` } })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  const first = await call('POST', '/api/login', { body: { username: 'bo', password: passwords.bo } });
  assert.equal(first.status, 429, 'even the right password waits: the password is not checked meanwhile');
  const wait1 = Number(first.headers.get('retry-after'));
  assert.ok(wait1 >= 1, `Retry-After: ${first.headers.get('retry-after')}`);
  await sleep(wait1 * 1000 + 100);
  assert.equal((await call('POST', '/api/login', { body: { username: 'bo', password: 'guess-again' } })).status, 401);
  const second = await call('POST', '/api/login', { body: { username: 'bo', password: 'guess-more' } });
  assert.equal(second.status, 429);
  assert.ok(Number(second.headers.get('retry-after')) > wait1, `the wait grows: ${wait1} then ${second.headers.get('retry-after')}`);
  assert.equal((await call('POST', '/api/login', { body: { username: 'mona', password: passwords.mona } })).status, 200, 'another account from the same address');

  // 16 guessers from this address, against many names, as fast as they can for 4 s.
  const stop = Date.now() + 4000;
  const seen = { 401: 0, 429: 0, other: 0 };
  const guesser = async (g) => {
    for (let i = 0; Date.now() < stop && i < 2000; i++) {
      const r = await fresh('/api/login', { method: 'POST', body: { username: `user-${g}-${i % 3}`, password: `guess-${i}` } });
      if (r.status === 429) {
        assert.ok(Number(r.headers['retry-after']) >= 1);
        seen[429]++;
      } else if (r.status === 401) seen[401]++;
      else seen.other++;
    }
  };
  const guessing = Promise.all(Array.from({ length: 16 }, (_, g) => guesser(g)));
  await sleep(300);
  const during = await taskListTimes(token, 10);
  await guessing;
  assert.ok(seen[429] > 0 && seen[401] <= 40, `guessers were slowed down: ${JSON.stringify(seen)}`);
  assert.equal(seen.other, 0, JSON.stringify(seen));
  assert.ok(median(during) < Math.max(500, 20 * baseline), `the task list while 16 guess: ${during.map(Math.round)} ms (baseline ${Math.round(baseline)} ms)`);
  const locked = await call('POST', '/api/login', { body: { username: 'eva', password: passwords.eva } });
  assert.equal(locked.status, 429, 'the address waits now, for every account');
  assert.equal((await fresh('/api/tasks', { token })).status, 200, 'a session already open is not affected');
});
