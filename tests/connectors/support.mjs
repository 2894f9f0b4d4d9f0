// Shared by the connector tests: test certificates (a CA and server certificates made with the
// openssl command), elva.toml files, peers started as child processes, and waiting for an
// instance to reach a state through the REST API.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(name) { return mkdtempSync(join(tmpdir(), `elva-${name}-`)); }

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

// A CA and certificates signed by it: good (for 127.0.0.1) and wrong (for wrong.example).
export function makeCerts(dir) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Elva Test CA'], dir);
  for (const [name, san] of [['good', 'IP:127.0.0.1'], ['wrong', 'DNS:wrong.example']]) {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`,
      '-days', '2', '-extfile', `${name}.ext`], dir);
  }
  return { ca: join(dir, 'ca.pem'), good: { key: join(dir, 'good.key'), cert: join(dir, 'good.pem') },
           wrong: { key: join(dir, 'wrong.key'), cert: join(dir, 'wrong.pem') } };
}

// Starts `node script args`; resolves with the port once it prints "listening on PORT".
export async function startPeer(script, args = [], env = {}) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${out}`)), 15000);
    const seen = (chunk) => {
      out += chunk;
      const m = /listening on (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited (${code}):\n${out}`)); });
  });
  return { port, child, output: () => out, stop: () => new Promise((r) => { if (child.exitCode !== null) return r(); child.on('exit', r); child.kill('SIGTERM'); }) };
}

// Polls GET /api/instances/{id} until `done(instance)` holds (default: not active any more, or
// an open incident). Returns the instance.
export async function waitFor(call, token, id, done = (i) => i.status !== 'active', seconds = 30) {
  const until = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < until) {
    const r = await call('GET', `/api/instances/${id}`, { token });
    last = r.json;
    if (r.status === 200 && done(last)) return last;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`instance ${id} did not get there in ${seconds} s: ${JSON.stringify(last).slice(0, 1500)}`);
}

export async function start(call, token, process, variables, businessKey) {
  const r = await call('POST', '/api/instances', { token, body: { process, variables, ...(businessKey ? { businessKey } : {}) } });
  if (r.status !== 201) throw new Error(`start ${process}: ${r.status} ${r.body}`);
  return r.json.id;
}

// The first open incident's message.
export const incidentOf = (instance) => (instance.incidents ?? []).find((i) => !i.resolvedAt)?.message ?? '';
