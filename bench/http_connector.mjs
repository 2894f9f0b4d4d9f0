// Service tasks calling the http connector against a local HTTP server (keep-alive, answering at
// once): N instances of bench/processes/http1.bpmn are started through the REST API (16
// connections) and run by `elva serve --workers W`; the time from the first start to the last
// instance completed gives instances/s. The server counts the TCP connections Elva opened. One
// JSON line per W on stdout. Needs ELVA_TEST_DATABASE_URL (bench/run starts a private server).
// With DELAY_MS the server answers after that many ms, as a real HR or case system would. The
// http connector does not hold a worker thread per call (max_in_flight calls at once, default
// 128), so --workers no longer limits it; it is kept to show that.
// usage: node bench/http_connector.mjs ELVA [INSTANCES=5000] [WORKERS=2,8,32] [DELAY_MS=0]
import http from 'node:http';
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startElva, login, client, passwords } from '../tests/api/harness.mjs';

const [elva, nArg, workersArg, delayArg] = process.argv.slice(2);
const DELAY = Number(delayArg || 0);
const N = Number(nArg || 5000);
const here = dirname(fileURLToPath(import.meta.url));
let connections = 0, requests = 0;
const peer = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const id = ++requests;
    const answer = () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `o-${id}`, got: body.length }));
    };
    if (DELAY) setTimeout(answer, DELAY); else answer();
  });
});
peer.on('connection', () => { connections++; });
await new Promise((r) => peer.listen(0, '127.0.0.1', r));
const dir = mkdtempSync(join(tmpdir(), 'elva-bench-http-'));
const config = join(dir, 'elva.toml');
writeFileSync(config, `[connectors.svc]\nkind = "http"\nbase_url = "http://127.0.0.1:${peer.address().port}/api"\n`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(base, token, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = http.request({ host: base.hostname, port: base.port, method: 'POST', path: '/api/instances', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

for (const workers of (workersArg || '2,8,32').split(',').map(Number)) {
  const server = await startElva({ elva, name: `bench_http_${workers}`, deploy: [join(here, 'processes', 'http1.bpmn')],
    args: ['--config', config, '--workers', String(workers), '--http-workers', '4'] });
  try {
    const base = new URL(server.base);
    const token = await login(client(server.base), 'eva', passwords.eva);
    connections = 0;
    requests = 0;
    const t0 = Date.now();
    let next = 0, failed = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < N) {
        const n = next++;
        if ((await post(base, token, { process: 'http1', variables: { n } })) !== 201) failed++;
      }
    }));
    const startedSeconds = (Date.now() - t0) / 1000;
    let done = 0;
    // Polled without blocking: the peer answers from this process's event loop, and a synchronous
    // psql every few ms would delay its answers (and be measured as connector latency).
    const countDone = () => new Promise((resolve, reject) => execFile('psql', [server.url, '-qAtc',
      "SELECT count(*) FROM instances WHERE process_id = 'http1' AND status = 'completed'"], (e, out) => (e ? reject(e) : resolve(Number(out)))));
    for (;;) {
      done = await countDone();
      if (done + failed >= N) break;
      if (Date.now() - t0 > 600000) throw new Error(`only ${done} of ${N} completed in 10 minutes`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (Date.now() - t0) / 1000;
    const incidents = Number(server.sql('SELECT count(*) FROM incidents WHERE resolved_at IS NULL'));
    console.log(JSON.stringify({ engine: 'elva', benchmark: 'http-connector', instances: N, workers, peer_delay_ms: DELAY, seconds: +seconds.toFixed(2),
      instances_per_second: Math.round(done / seconds), starts_seconds: +startedSeconds.toFixed(2), http_requests: requests,
      connections_opened: connections, failed_starts: failed, incidents }));
  } finally {
    await server.stop();
  }
}
agent.destroy();
peer.close();
