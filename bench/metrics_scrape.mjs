// /metrics scrape time with many processes (issue 19: at most 50 ms with 200 processes deployed).
// `elva serve` on a fresh database with P generated processes (start -> user task -> end), one
// instance of each started through the API (so each process has its started/completed/incidents
// series), then S scrapes of GET /metrics one after another over a keep-alive connection:
// p50/p95/max milliseconds, the body's size and series count. One JSON line on stdout.
// Needs ELVA_TEST_DATABASE_URL (a running PostgreSQL), like the API tests.
// usage: node bench/metrics_scrape.mjs ELVA [PROCESSES=200] [SCRAPES=200]
import http from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startElva, client, login, passwords } from '../tests/api/harness.mjs';

const [elva, processesArg, scrapesArg] = process.argv.slice(2);
const P = Number(processesArg || 200);
const S = Number(scrapesArg || 200);

const dir = mkdtempSync(join(tmpdir(), 'elva-metrics-bench-'));
for (let i = 0; i < P; i++) {
  writeFileSync(join(dir, `p${i}.bpmn`), `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d${i}" targetNamespace="urn:elva:bench">
  <process id="bench-process-${String(i).padStart(3, '0')}" isExecutable="true">
    <startEvent id="s"/><sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    <userTask id="t" name="Task ${i}"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/><endEvent id="e"/>
  </process>
</definitions>
`);
}

const server = await startElva({ elva, name: 'metrics_bench', deploy: [dir] });
try {
  const call = client(server.base);
  const token = await login(call, 'admin', passwords.admin);
  for (let i = 0; i < P; i++) {
    const r = await call('POST', '/api/instances', { token, body: { process: `bench-process-${String(i).padStart(3, '0')}`, variables: {} } });
    if (r.status !== 201) throw new Error(`start: ${r.status} ${r.body}`);
  }
  const base = new URL(server.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const scrape = () => new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    http.get({ host: base.hostname, port: base.port, path: '/metrics', agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, body: Buffer.concat(chunks).toString() }));
    }).on('error', reject);
  });
  for (let i = 0; i < 10; i++) await scrape(); // warm-up
  const times = [];
  let last;
  for (let i = 0; i < S; i++) {
    last = await scrape();
    if (last.status !== 200) throw new Error(`scrape: ${last.status}`);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  const series = last.body.split('\n').filter((l) => l && !l.startsWith('#')).length;
  console.log(JSON.stringify({ bench: 'metrics_scrape', processes: P, scrapes: S, p50_ms: +at(0.5).toFixed(2),
    p95_ms: +at(0.95).toFixed(2), max_ms: +times.at(-1).toFixed(2), bytes: last.body.length, series, target_ms: 50 }));
  agent.destroy();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
