// A stand-in for a municipality's e-service portal, for the demo and the tests: it keeps the
// status Elva reports for each citizen case (the eservice connector's updateCase) and shows them.
//
//   node examples/eservice-portal/server.mjs [--port 8087]
//
// Prints "listening on PORT". PUT /api/cases/{receipt}/status {status, message, data} records a
// status (Idempotency-Key honoured: a repeat is not recorded twice); GET /api/cases lists every
// case with its statuses; GET / shows them as a page.
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const cases = new Map();  // receipt -> [{status, message, data, at}]
const seen = new Set();   // idempotency keys

const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const m = /^\/api\/cases\/([^/]+)\/status$/.exec(req.url);
    if (req.method === 'PUT' && m) {
      let update;
      try { update = JSON.parse(body); } catch { res.writeHead(400); return res.end('not JSON'); }
      const key = req.headers['idempotency-key'];
      if (!key || !seen.has(key)) {
        if (key) seen.add(key);
        const receipt = decodeURIComponent(m[1]);
        cases.set(receipt, [...(cases.get(receipt) ?? []), { ...update, at: new Date().toISOString() }]);
      }
      res.writeHead(204);
      return res.end();
    }
    if (req.method === 'GET' && req.url === '/api/cases') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(Object.fromEntries(cases)));
    }
    if (req.method === 'GET' && req.url === '/') {
      const rows = [...cases].map(([r, list]) => `<tr><td>${esc(r)}</td><td>${list.map((u) => `${esc(u.at.slice(0, 16))} <b>${esc(u.status)}</b> ${esc(u.message)}`).join('<br>')}</td></tr>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><meta charset="utf-8"><title>E-service portal (demo)</title><h1>Cases</h1><table border="1" cellpadding="4">${rows || '<tr><td>No cases yet</td></tr>'}</table>`);
    }
    res.writeHead(404);
    res.end();
  });
});
server.listen(Number(opt('--port', '8087')), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => process.exit(0));
