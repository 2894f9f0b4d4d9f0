// E-service intake over real sockets: a portal (a node HTTP server here) posts applications to
// `elva serve` (POST /eservice/{form}); each gets a receipt, starts the process with its
// attachments stored, and the case in the portal is told through the eservice connector. A
// repeated POST with the same Idempotency-Key starts nothing; a completion correlates by
// receipt; a form that is not anonymous needs the worker role; bad attachments are 422s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo, here as apiDir } from '../api/harness.mjs';
import { tempDir, waitFor } from './support.mjs';

const elva = process.argv[2];
const dir = tempDir('eservice');
let portal, server, call, admin;
const updates = [];  // {receipt, status, message, key}

before(async () => {
  portal = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const m = /^\/api\/cases\/([^/]+)\/status$/.exec(req.url);
      if (req.method !== 'PUT' || !m) { res.writeHead(404); return res.end(); }
      updates.push({ receipt: decodeURIComponent(m[1]), ...JSON.parse(body), key: req.headers['idempotency-key'] });
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => portal.listen(0, '127.0.0.1', r));
  const config = join(dir, 'elva.toml');
  writeFileSync(config, `
[connectors.portal]
kind = "eservice"
portal_url = "http://127.0.0.1:${portal.address().port}/api"

[eservice.excavation]
process = "excavation-intake"
receipt_prefix = "GT"
anonymous = true
max_attachment_bytes = 1000

[eservice.excavation-completion]
message = "excavation-completion"
receipt_prefix = "GTK"
anonymous = true

[eservice.staff-only]
process = "excavation-intake"
receipt_prefix = "X"
`);
  server = await startElva({ elva, name: 'conn_eservice', deploy: [join(repo, 'tests', 'connectors', 'fixtures', 'eservice.bpmn')],
    users: join(apiDir, 'fixtures', 'users.json'), args: ['--config', config] });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
});

after(async () => {
  await server?.stop();
  portal?.close();
});

const pdf = Buffer.from('%PDF-1.4 excavation plan\n').toString('base64');
const submit = (form, body, headers = {}, token) => call('POST', `/eservice/${form}`, { body, headers, token });

test('an application gets a receipt, starts its process with the attachment stored, and the portal hears "received"', async () => {
  const r = await submit('excavation', { applicant: { name: 'Kari Nordmann', email: 'kari@example.no' },
    data: { address: 'Storgata 1', plan: 'dig 2 m', from: '2027-05-01' },
    attachments: [{ name: 'plan.pdf', contentType: 'application/pdf', content: pdf }] }, { 'idempotency-key': 'portal-1' });
  assert.equal(r.status, 201, r.body);
  assert.match(r.json.receipt, /^GT-\d{4}-000001$/);
  const i = await waitFor(call, admin, r.json.instance, (x) => x.active?.some((a) => a.element === 'check'));
  assert.equal(i.businessKey, r.json.receipt);
  assert.deepEqual(i.variables.application, { address: 'Storgata 1', plan: 'dig 2 m', from: '2027-05-01' });
  assert.equal(i.variables.applicant.name, 'Kari Nordmann');
  const [att] = i.variables.attachments;
  assert.equal(att.name, 'plan.pdf');
  const file = await fetch(`${server.base}/api/attachments/${att.id}`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(file.headers.get('content-type'), 'application/pdf');
  assert.equal(file.headers.get('x-elva-receipt'), r.json.receipt);
  assert.equal(Buffer.from(await file.arrayBuffer()).toString(), '%PDF-1.4 excavation plan\n');
  const u = updates.find((x) => x.receipt === r.json.receipt);
  assert.deepEqual({ status: u.status, message: u.message }, { status: 'received', message: `We have received your application ${r.json.receipt}.` });
  assert.match(u.key, new RegExp(`^elva-${i.id}-\\d+$`));
});

test('the same Idempotency-Key again: the first receipt, nothing new started', async () => {
  const again = await submit('excavation', { data: { address: 'Storgata 1', plan: 'dig 2 m' } }, { 'idempotency-key': 'portal-1' });
  assert.equal(again.status, 200);
  assert.equal(again.json.repeated, true);
  assert.match(again.json.receipt, /-000001$/);
  assert.equal(server.sql("SELECT count(*) FROM instances WHERE process_id = 'excavation-intake'"), '1');
  const other = await submit('excavation', { data: { address: 'Kirkegata 2', plan: 'x' } }, { 'idempotency-key': 'portal-2' });
  assert.equal(other.status, 201);
  assert.match(other.json.receipt, /-000002$/);
});

test('an incomplete application waits; the completion correlates by receipt and the portal hears "complete"', async () => {
  const r = await submit('excavation', { data: { address: 'Torget 3' } });
  assert.equal(r.status, 201);
  await waitFor(call, admin, r.json.instance, (x) => x.active?.some((a) => a.element === 'waitForCompletion'));
  const c = await submit('excavation-completion', { case: r.json.receipt, data: { plan: 'dig 1 m' },
    attachments: [{ name: 'plan.txt', content: Buffer.from('plan').toString('base64') }] });
  assert.equal(c.status, 201, c.body);
  assert.equal(c.json.status, 'correlated');
  assert.match(c.json.receipt, /^GTK-/);
  assert.equal(c.json.instance, r.json.instance);
  const i = await waitFor(call, admin, r.json.instance, (x) => x.active?.some((a) => a.element === 'check'));
  assert.deepEqual(i.variables.completion, { plan: 'dig 1 m' });
  assert.ok(updates.some((u) => u.receipt === r.json.receipt && u.status === 'complete'));
  const none = await submit('excavation-completion', { case: 'GT-1999-000001', data: {} });
  assert.equal(none.status, 404);
  assert.match(none.json.detail, /no application GT-1999-000001 is waiting/);
});

test('bad requests: a non-anonymous form needs the worker role, attachments are checked, unknown fields refused', async () => {
  assert.equal((await submit('staff-only', { data: {} })).status, 401);
  const eva = await login(call, 'eva', passwords.eva);
  assert.equal((await submit('staff-only', { data: {} }, {}, eva)).status, 403);
  const worker = await login(call, 'robot', passwords.robot);
  assert.equal((await submit('staff-only', { data: {} }, {}, worker)).status, 201);
  const big = await submit('excavation', { data: {}, attachments: [{ name: 'a', content: Buffer.alloc(2000).toString('base64') }, { name: 'b', content: '***' }] });
  assert.equal(big.status, 422);
  assert.deepEqual(big.json.errors.map((e) => e.field), ['attachments[0].content', 'attachments[1].content']);
  const unknown = await submit('excavation', { data: {}, citizen: 'x' });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.detail, /unknown field 'citizen'/);
});

test('base64 wrapped in lines (as mail programs write it) arrives byte for byte', async () => {
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256));
  const wrapped = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
  const r = await submit('excavation', { data: { address: 'Ån 5', plan: 'x' }, attachments: [{ name: 'scan.bin', content: wrapped }] });
  assert.equal(r.status, 201, r.body);
  const file = await fetch(`${server.base}/api/attachments/${r.json.attachments[0].id}`, { headers: { authorization: `Bearer ${admin}` } });
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), bytes);
});
