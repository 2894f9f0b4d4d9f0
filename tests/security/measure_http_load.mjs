// Not a test: measures a logged-in user's task-list latency (new connection per request) on a
// real `elva serve`, alone, with 600 idle sockets from one address, and with 16 password
// guessers. Usage: node tests/security/measure_http_load.mjs path/to/elva [serve args...]
import net from 'node:net';
import http from 'node:http';
import { startElva, client, login, passwords } from '../api/harness.mjs';

const [elva, ...args] = process.argv.slice(2);
const server = await startElva({ elva, name: 'measure', args });
const port = Number(new URL(server.base).port);
const call = client(server.base);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fresh(path, { token, method = 'GET', body } = {}) {
  return new Promise((resolve) => {
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    if (body) headers['content-type'] = 'application/json';
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
    });
    req.on('error', (e) => resolve({ status: e.code, ms: performance.now() - t0 }));
    req.setTimeout(40000, () => req.destroy());
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}
async function taskList(token, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await fresh('/api/tasks', { token }));
  return { statuses: [...new Set(out.map((r) => r.status))], median: Math.round(median(out.map((r) => r.ms))), max: Math.round(Math.max(...out.map((r) => r.ms))) };
}

try {
  const token = await login(call, 'eva', passwords.eva);
  console.log('alone', JSON.stringify(await taskList(token, 10)));
  const sockets = [];
  for (let i = 0; i < 600; i++) {
    sockets.push(await new Promise((resolve) => { const s = net.connect(port, '127.0.0.1', () => resolve(s)); s.on('error', () => {}); }));
  }
  for (let i = 0; i < 20; i++) {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /api/health HTTP/1.1\r\nHost: x\r\n'));
    s.on('error', () => {});
    sockets.push(s);
  }
  await sleep(200);
  console.log('600 idle + 20 slowloris', JSON.stringify(await taskList(token, 10)));
  for (const s of sockets) s.destroy();
  await sleep(500);
  const stop = Date.now() + 5000;
  const seen = {};
  const guessers = Promise.all(Array.from({ length: 16 }, async (_, g) => {
    for (let i = 0; Date.now() < stop; i++) {
      const r = await fresh('/api/login', { method: 'POST', body: { username: `user-${g}`, password: `guess-${i}` } });
      seen[r.status] = (seen[r.status] ?? 0) + 1;
    }
  }));
  await sleep(500);
  const times = [];
  while (Date.now() < stop - 200) times.push(await fresh('/api/tasks', { token }));
  const during = { statuses: [...new Set(times.map((r) => r.status))], n: times.length,
    median: Math.round(median(times.map((r) => r.ms))), max: Math.round(Math.max(...times.map((r) => r.ms))) };
  await guessers;
  console.log('16 guessers for 5 s', JSON.stringify(during), 'guess answers', JSON.stringify(seen));
} finally {
  await server.stop();
}
