// The REST API with TLS and without, in the same run (issue 23): two `elva serve` on the same
// PostgreSQL, one plain, one with a self-signed certificate (openssl tool). For each, C keep-alive
// connections read GET /api/tasks?limit=50 as a manager for S seconds (requests/s, p50/p99 ms),
// then R requests each on a new connection (the handshake's cost: p50/p99 ms). One JSON line per
// figure on stdout, and the TLS/plain ratios. Needs ELVA_TEST_DATABASE_URL.
// usage: node bench/tls_bench.mjs ELVA [CONNECTIONS=8] [SECONDS=10] [NEW_CONNECTIONS=300]
import http from 'node:http';
import https from 'node:https';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startElva, passwords } from '../tests/api/harness.mjs';

const [elva, connArg, secondsArg, newArg] = process.argv.slice(2);
const C = Number(connArg || 8);
const SECONDS = Number(secondsArg || 10);
const NEW = Number(newArg || 300);

const dir = mkdtempSync(join(tmpdir(), 'elva-tls-bench-'));
const cert = join(dir, 'c.crt'), key = join(dir, 'c.key');
const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=bench', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(made.stderr);
const ca = readFileSync(cert);

const percentile = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

function request(lib, base, path, token, agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = lib.get({ host: base.hostname, port: base.port, path, agent, ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.on('error', reject);
  });
}

// A JSON POST that trusts the bench's certificate (fetch would not).
function post(lib, base, path, body, token) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = lib.request({ host: base.hostname, port: base.port, method: 'POST', path, ca, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode < 300 ? resolve(JSON.parse(text)) : reject(new Error(`${path}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function measure(name, server) {
  const base = new URL(server.base);
  const lib = base.protocol === 'https:' ? https : http;
  const token = (await post(lib, base, '/api/login', { username: 'max', password: passwords.max })).token;
  const eva = (await post(lib, base, '/api/login', { username: 'eva', password: passwords.eva })).token;
  for (let i = 0; i < 200; i++) {
    await post(lib, base, '/api/instances', { process: 'leave-request', variables: { requester: 'eva' } }, eva);
  }
  const agent = new lib.Agent({ keepAlive: true, maxSockets: C, ca });
  const path = '/api/tasks?limit=50';
  for (let i = 0; i < 50; i++) await request(lib, base, path, token, agent);  // warm-up
  const times = [];
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: C }, async () => {
    while (Date.now() < until) times.push(await request(lib, base, path, token, agent));
  }));
  agent.destroy();
  times.sort((a, b) => a - b);
  const keepAlive = { bench: `rest_${name}_keepalive`, connections: C, requests_per_s: Math.round(times.length / SECONDS),
    p50_ms: +percentile(times, 50).toFixed(2), p99_ms: +percentile(times, 99).toFixed(2) };
  console.log(JSON.stringify(keepAlive));
  const fresh = [];
  for (let i = 0; i < NEW; i++) fresh.push(await request(lib, base, '/livez', token, false));
  fresh.sort((a, b) => a - b);
  const newConn = { bench: `rest_${name}_new_connection`, requests: NEW, p50_ms: +percentile(fresh, 50).toFixed(2),
    p99_ms: +percentile(fresh, 99).toFixed(2) };
  console.log(JSON.stringify(newConn));
  return { keepAlive, newConn };
}

const plain = await startElva({ elva, name: 'tls_bench_plain', args: ['--http-workers', '4'] });
let results;
try {
  results = { plain: await measure('plain', plain) };
} finally {
  await plain.stop();
}
const tls = await startElva({ elva, name: 'tls_bench_tls', args: ['--http-workers', '4', '--tls-cert', cert, '--tls-key', key] });
try {
  results.tls = await measure('tls', tls);
} finally {
  await tls.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: 'rest_tls_vs_plain',
  keepalive_throughput_ratio: +(results.tls.keepAlive.requests_per_s / results.plain.keepAlive.requests_per_s).toFixed(3),
  keepalive_p50_ratio: +(results.tls.keepAlive.p50_ms / results.plain.keepAlive.p50_ms).toFixed(3),
  new_connection_p50_ratio: +(results.tls.newConn.p50_ms / results.plain.newConn.p50_ms).toFixed(3) }));
