// HTTPS on `elva serve` (docs/operations.md#tls) with certificates made by the openssl tool: the
// API answers over TLS 1.2 and 1.3 with Strict-Transport-Security, refuses older versions, tells a
// plain-HTTP client to use https, reads a renewed certificate on SIGHUP (and keeps the old one
// when the new file is broken), and refuses to start with a key that is not the certificate's.
// Behind a reverse proxy: X-Forwarded-For counts only from a proxy named with --trusted-proxy.
// usage: node tls_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startElva, client, requireDatabase } from './harness.mjs';

const elva = process.argv[2];
requireDatabase();
if (spawnSync('openssl', ['version']).status !== 0) {
  if (process.env.CI === 'true') { console.error('FAIL: the openssl tool is not installed (scripts/install-deps installs it)'); process.exit(1); }
  console.error('*** SKIPPED: no openssl tool; run scripts/install-deps ***');
  process.exit(77);
}

const dir = mkdtempSync(join(tmpdir(), 'elva-tls-'));
let server;

// A self-signed certificate for 127.0.0.1 with common name `cn`: {cert, key} file paths.
function certificate(name, cn, days = 30) {
  const cert = join(dir, `${name}.crt`), key = join(dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', String(days), '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { cert, key };
}

// One request on a new connection; trusts `ca`. Resolves {status, headers, body, subject, protocol}.
function get(base, path, { ca, minVersion, maxVersion, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.get(`${base}${path}`, { ca, minVersion, maxVersion, headers, agent: false }, (res) => {
      const subject = res.socket.getPeerCertificate().subject?.CN;
      const protocol = res.socket.getProtocol();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, subject, protocol }));
    });
    req.on('error', reject);
  });
}

async function until(what, predicate, ms = 10000) {
  const t0 = Date.now();
  for (;;) {
    if (await predicate()) return;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const live = join(dir, 'live');
before(async () => {
  const a = certificate('a', 'elva-a.test');
  copyFileSync(a.cert, `${live}.crt`);
  copyFileSync(a.key, `${live}.key`);
  server = await startElva({ elva, name: 'tls', args: ['--tls-cert', `${live}.crt`, '--tls-key', `${live}.key`] });
});
after(async () => {
  if (server) await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the API answers over TLS 1.2 and 1.3 with HSTS, and nothing older', async () => {
  assert.match(server.base, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(server.log(), /TLS certificate \/CN=elva-a\.test, valid until/);
  const ca = readFileSync(`${live}.crt`);
  const r = await get(server.base, '/api/health', { ca });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  assert.equal(r.subject, 'elva-a.test');
  assert.equal(r.protocol, 'TLSv1.3');
  const v12 = await get(server.base, '/api/openapi.json', { ca, maxVersion: 'TLSv1.2' });
  assert.equal(v12.status, 200);
  assert.equal(v12.protocol, 'TLSv1.2');
  // TLS 1.1 and 1.0: the handshake fails (the server allows 1.2 at least; Debian's OpenSSL
  // client refuses them too, so this shows only that no old version gets through).
  await assert.rejects(get(server.base, '/api/health', { ca, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }));
  // A client that does not trust the certificate is refused by itself, as it should be.
  await assert.rejects(get(server.base, '/api/health', {}), /self-signed|self signed/);
  // The task list page and a login work over TLS as over HTTP.
  const page = await get(server.base, '/tasklist/', { ca });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>Elva/);
});

test('plain HTTP to the TLS port is told to use https', async () => {
  const port = Number(new URL(server.base).port);
  const answer = await new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n'));
    let text = '';
    s.on('data', (c) => { text += c; });
    s.on('end', () => resolve(text));
    s.on('close', () => resolve(text));
    s.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400 Bad Request/);
  assert.match(answer, /speaks HTTPS only: use https:\/\//);
});

test('SIGHUP reads a renewed certificate; a broken one leaves the old one in place', async () => {
  // Valid for 5 days only: the log says to renew it (fewer than 14 days left).
  const b = certificate('b', 'elva-b.test', 5);
  copyFileSync(b.cert, `${live}.crt`);
  copyFileSync(b.key, `${live}.key`);
  server.child.kill('SIGHUP');
  await until('the reload', () => /TLS certificate reloaded: \/CN=elva-b\.test/.test(server.log()));
  assert.match(server.log(), /TLS certificate reloaded: \/CN=elva-b\.test, valid until .* \(expires in [45] days: renew it\)/);
  assert.doesNotMatch(server.log(), /CN=elva-a\.test, valid until [^\n]*renew it/, 'a 30-day certificate gets no warning');
  const ca = readFileSync(b.cert);
  const r = await get(server.base, '/api/health', { ca });
  assert.equal(r.status, 200);
  assert.equal(r.subject, 'elva-b.test');

  writeFileSync(`${live}.crt`, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
  server.child.kill('SIGHUP');
  await until('the refused reload', () => /TLS certificate not reloaded, the one before stays: TLS certificate .*live\.crt/.test(server.log()));
  const still = await get(server.base, '/api/health', { ca });
  assert.equal(still.subject, 'elva-b.test');
  assert.equal(server.child.exitCode, null, 'the server still runs');
});

test('a key that is not the certificate\'s stops the start, naming the file', () => {
  const a = certificate('c', 'elva-c.test');
  const other = certificate('d', 'elva-d.test');
  const r = spawnSync(elva, ['serve', '--db', server.url, '--port', '0', '--tls-cert', a.cert, '--tls-key', other.key, '--stop-after', '5'], { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /TLS key .*d\.key does not belong to the certificate .*c\.crt/);
  const half = spawnSync(elva, ['serve', '--db', server.url, '--port', '0', '--tls-cert', a.cert], { encoding: 'utf8', timeout: 20000 });
  assert.equal(half.status, 2);
  assert.match(half.stderr, /needs both --tls-cert and --tls-key/);
});

test('X-Forwarded-For is believed only from a trusted proxy', async () => {
  // /metrics is open to the loopback address. A client far away that sends X-Forwarded-For
  // directly is still the loopback peer it is (no proxy is trusted)...
  const plain = await startElva({ elva, name: 'tls_plain', users: null });
  try {
    const call = client(plain.base);
    const direct = await call('GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(direct.status, 200);
    assert.equal(direct.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  } finally {
    await plain.stop();
  }
  // ...but behind a trusted proxy on the same host, the client is the one the proxy names: not
  // loopback, so /metrics asks for credentials, while the proxy's own requests stay loopback.
  const proxied = await startElva({ elva, name: 'tls_proxied', users: null, args: ['--trusted-proxy', '127.0.0.1'] });
  try {
    const call = client(proxied.base);
    const far = await call('GET', '/metrics', { headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.9' } });
    assert.equal(far.status, 401, far.body);
    const near = await call('GET', '/metrics', { headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(near.status, 200);
    const junk = await call('GET', '/metrics', { headers: { 'x-forwarded-for': 'not-an-address' } });
    assert.equal(junk.status, 200, 'a header that names no address leaves the peer as it is');
  } finally {
    await proxied.stop();
  }
});
