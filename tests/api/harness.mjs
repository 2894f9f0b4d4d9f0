// The HTTP tests' harness: a fresh database on the test PostgreSQL server (ELVA_TEST_DATABASE_URL,
// started by scripts/test or .ci/run), a real `elva serve` on a free port of 127.0.0.1, and a
// client whose every JSON answer is checked against docs/openapi.json (documented route, status
// and shape). Nothing is mocked: requests go over real sockets to the binary administrators run.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv/dist/2020.js';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const fixtures = join(here, 'fixtures');

// Without a database the test cannot run: loud skip locally (exit 77), failure in CI.
export function requireDatabase() {
  const url = process.env.ELVA_TEST_DATABASE_URL;
  if (url) return url;
  if (process.env.CI === 'true') {
    console.error('FAIL: ELVA_TEST_DATABASE_URL is not set in CI');
    process.exit(1);
  }
  console.error('*** SKIPPED: no ELVA_TEST_DATABASE_URL; run scripts/test ***');
  process.exit(77);
}

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAtc', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}

function freshDatabase(elva, admin, db) {
  psql(admin, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(admin, `CREATE DATABASE ${db}`);
  const url = admin.replace('/elva_test?', `/${db}?`);
  const migrate = spawnSync(elva, ['db', 'migrate', '--db', url], { encoding: 'utf8' });
  if (migrate.status !== 0) throw new Error(`elva db migrate: ${migrate.stderr}`);
  return url;
}

// Starts `elva serve` on its own database (and one database per tenant, served under
// /t/{tenant}/). Returns { base, url, tenantUrls, log, sql, stop() }.
// A TCP port free on 127.0.0.1 just now (for a peer whose address must be known before it starts).
export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

export async function startElva({ elva, name, deploy = [fixtures], users = join(fixtures, 'users.json'), args = [], tenants = [], port = 0 }) {
  const admin = requireDatabase();
  const db = `elva_${name}_${process.pid}`;
  const url = freshDatabase(elva, admin, db);
  const tenantUrls = {};
  for (const t of tenants) tenantUrls[t] = freshDatabase(elva, admin, `${db}_${t.replace(/-/g, '_')}`);
  const argv = ['serve', '--db', url, '--port', String(port), ...(args.includes('--workers') ? [] : ['--workers', '2']), ...args];
  for (const [t, u] of Object.entries(tenantUrls)) argv.push('--tenant', `${t}=${u}`);
  for (const d of deploy) argv.push('--deploy', d);
  if (users) argv.push('--users', users);
  const child = spawn(elva, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`elva serve did not start in 20 s:\n${log}`)), 20000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /task list at (https?):\/\/([^/]+)\/tasklist\//.exec(log);
      if (m) { clearTimeout(timer); resolve(`${m[1]}://${m[2]}`); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`elva serve exited (${code}):\n${log}`)); });
  });
  return {
    base, url, tenantUrls, child,
    log: () => log,
    sql: (q) => psql(url, q),
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.on('exit', r));
        child.kill('SIGINT');
        await done;
      }
      psql(admin, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      for (const t of tenants) psql(admin, `DROP DATABASE IF EXISTS ${db}_${t.replace(/-/g, '_')} WITH (FORCE)`);
    },
  };
}

// --- The OpenAPI document and response checks ---------------------------------------------------

export const openapi = JSON.parse(readFileSync(join(repo, 'docs', 'openapi.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'openapi.json', components: openapi.components });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const compiled = new Map();
export const exercised = new Set(); // "METHOD /path/{template} STATUS"

function fixRefs(schema) {
  // Local "#/components/..." references point into the schema registered as openapi.json.
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
}

export function findOperation(method, path) {
  // /t/{tenant}/api/... is the same API on a tenant's database.
  const parts = path.split('?')[0].replace(/^\/t\/[a-z0-9-]+(?=\/)/, '').split('/');
  for (const [template, item] of Object.entries(openapi.paths)) {
    const t = template.split('/');
    if (t.length !== parts.length) continue;
    if (t.every((s, i) => (s.startsWith('{') && s.endsWith('}') && parts[i] !== '') || s === parts[i])) {
      const op = item[method.toLowerCase()];
      if (op) return { template, op };
    }
  }
  return null;
}

// Checks one answer against the document; throws with what differs.
export function checkAgainstOpenApi(method, path, status, contentType, body) {
  const found = findOperation(method, path);
  if (!found) throw new Error(`${method} ${path} is not in docs/openapi.json`);
  const { template, op } = found;
  const response = op.responses[String(status)] ?? op.responses.default;
  if (!response) throw new Error(`${method} ${template} answered ${status}, which docs/openapi.json does not list`);
  exercised.add(`${method} ${template} ${status}`);
  if (!response.content) {
    if (body && body.length) throw new Error(`${method} ${template} ${status} is documented without a body but sent one`);
    return;
  }
  const type = (contentType || '').split(';')[0].trim();
  const media = response.content[type] ?? response.content['*/*'];
  if (!media) throw new Error(`${method} ${template} ${status} sent ${type}; documented: ${Object.keys(response.content).join(', ')}`);
  if (!media.schema || !type.includes('json')) return;
  const key = `${method} ${template} ${status} ${type}`;
  if (!compiled.has(key)) compiled.set(key, ajv.compile(fixRefs(media.schema)));
  const validate = compiled.get(key);
  if (!validate(JSON.parse(body))) {
    throw new Error(`${method} ${template} ${status}: the answer does not have the documented shape: ` +
      `${ajv.errorsText(validate.errors)}\n${body.slice(0, 600)}`);
  }
}

// A client: call(method, path, { token, body, headers, raw }) -> { status, headers, body, json }.
export function client(base) {
  return async function call(method, path, { token, basic, body, headers = {}, raw, check = true } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (basic) h.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] ??= 'application/json'; }
    const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const text = await res.text();
    const type = res.headers.get('content-type') || '';
    if (check && /^(\/t\/[a-z0-9-]+)?\/(api|engine-rest|eservice)\//.test(path)) {
      checkAgainstOpenApi(method, path, res.status, type, text);
    }
    let json;
    if (type.includes('json') && text) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: text, json };
  };
}

export async function login(call, username, password) {
  const r = await call('POST', '/api/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
  return r.json.token;
}

export const passwords = Object.fromEntries(
  JSON.parse(readFileSync(join(fixtures, 'users.json'), 'utf8')).map((u) => [u.id, u.password]));
