// Readiness (issue 19 part 5; docs/operations.md#health): `elva serve` on a PostgreSQL cluster of
// its own (tests/support/pg-test-server in a temporary directory), which the test stops and
// starts. /readyz is 503 while the database is away or a migration is pending and 200 again
// within 5 s after it returns; /livez and /metrics answer throughout; the JSON log has the
// outage and the recovery.
// usage: node health_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repo } from './harness.mjs';

const elva = process.argv[2];
const script = join(repo, 'tests', 'support', 'pg-test-server');
const dir = mkdtempSync(join(tmpdir(), 'elva-readyz-'));
chmodSync(dir, 0o755); // the cluster's owner (postgres, when run as root) must reach its directory
const pg = { ...process.env, ELVA_TEST_PG_DIR: join(dir, 'pg'), ELVA_TEST_PG_PORT: String(56000 + (process.pid % 4000)) };
let url, child, base, log = '';

function cluster(verb) {
  const r = spawnSync('bash', [script, verb], { env: pg, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg-test-server ${verb}: ${r.stderr}`);
  return r.stdout.trim();
}
const psql = (sql) => {
  const r = spawnSync('psql', [url, '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function readyz() {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: await res.json() };
}
// Polls /readyz until it answers `status`; returns the milliseconds it took.
async function readyzBecomes(status, seconds) {
  const startedAt = Date.now();
  for (;;) {
    const r = await readyz();
    if (r.status === status) return { ms: Date.now() - startedAt, ...r };
    if (Date.now() - startedAt > seconds * 1000) throw new Error(`/readyz is still ${r.status} after ${seconds} s: ${JSON.stringify(r.body)}`);
    await sleep(50);
  }
}

before(async () => {
  if (!existsSync('/usr/lib/postgresql')) {
    if (process.env.CI === 'true') throw new Error('PostgreSQL server binaries are missing in CI');
    console.error('*** SKIPPED: no PostgreSQL server binaries (apt-get install postgresql) ***');
    process.exit(77);
  }
  url = cluster('start');
  const m = spawnSync(elva, ['db', 'migrate', '--db', url], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  child = spawn(elva, ['serve', '--db', url, '--port', '0', '--log-format', 'json', '--workers', '1', '--http-workers', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`elva serve did not start:\n${log}`)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const found = /task list at (http:\/\/[^/]+)\/tasklist\//.exec(log);
      if (found) { clearTimeout(timer); resolve(found[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`elva serve exited (${code}):\n${log}`)); });
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    const done = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    await done;
  }
  try { cluster('stop'); } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('/readyz is 503 while the database is stopped and 200 within 5 s after it is back', async () => {
  const ok = await readyz();
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.checks.map((c) => [c.name, c.ok]), [['database', true], ['migrations', true]]);

  cluster('stop');
  const down = await readyzBecomes(503, 10);
  assert.equal(down.body.status, 'not ready');
  const db = down.body.checks.find((c) => c.name === 'database');
  assert.deepEqual(db, { name: 'database', ok: false, reason: 'the database does not answer' });
  assert.doesNotMatch(JSON.stringify(down.body), /\/tmp|postgresql:|host=/, 'no paths or URLs to anonymous callers');
  // Alive all the same, and the metrics say the database is away.
  assert.equal((await fetch(`${base}/livez`)).status, 200);
  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^elva_db_up 0$/m);
  // The scheduler notices too (it polls), and says so once.
  for (let i = 0; i < 100 && !log.includes('"database unavailable"'); i++) await sleep(100);

  cluster('start');
  const back = await readyzBecomes(200, 5);
  console.log(`# /readyz was 200 again ${back.ms} ms after the database started`);
  assert.ok(back.ms <= 5000);
  for (let i = 0; i < 100 && !log.includes('"database reachable"'); i++) await sleep(100);
  const events = log.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const outage = events.filter((e) => e.event === 'database unavailable');
  assert.equal(outage.length, 1, 'one line per outage');
  assert.equal(outage[0].level, 'error');
  assert.equal(events.filter((e) => e.event === 'database reachable').length, 1);
  assert.doesNotMatch(log, /password=/);
});

test('/readyz is 503 while a schema migration is pending', async () => {
  const last = psql('SELECT max(version) FROM elva_schema');
  const row = psql(`SELECT name FROM elva_schema WHERE version = ${last}`);
  psql(`DELETE FROM elva_schema WHERE version = ${last}`);
  try {
    const r = await readyzBecomes(503, 5);
    assert.deepEqual(r.body.checks.find((c) => c.name === 'migrations'),
      { name: 'migrations', ok: false, reason: '1 schema migration(s) pending: run `elva db migrate`' });
    assert.equal(r.body.checks.find((c) => c.name === 'database').ok, true);
    assert.match(await (await fetch(`${base}/metrics`)).text(), /^elva_migrations_pending 1$/m);
  } finally {
    psql(`INSERT INTO elva_schema (version, name) VALUES (${last}, '${row}')`);
  }
  await readyzBecomes(200, 5);
});
