// Hostile e-service forms against a real `elva serve` on PostgreSQL, over real sockets on
// 127.0.0.1 (docs/security.md): values an anonymous applicant writes reach a mail (subject,
// recipient), HTTP calls (path, headers, query, a whole URL) and the answer of
// GET /api/attachments/{id}. Asserted on what the peers received as raw bytes: the SMTP sink
// (examples/smtp-sink) got exactly one mail to exactly the applicant with no injected header,
// the HTTP peers never saw a split request nor the token on another origin, path tricks and
// foreign URLs became incidents that name the rule and not the value, and a CR/LF content type
// is refused at intake with 422 and can never split the attachment's answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startElva, client, login, passwords, repo, here as apiDir } from '../api/harness.mjs';
import { tempDir, startPeer, waitFor, incidentOf } from '../connectors/support.mjs';

const elva = process.argv[2];
const dir = tempDir('security');
const token = 'api-token-' + Math.random().toString(36).slice(2);
process.env.ELVA_TEST_SECURITY_TOKEN = token;
let sink, home, foreign, server, call, admin;

// An HTTP/1.1 peer on raw sockets: it keeps each request's head as bytes (so a split request
// would show as two) and answers 200 with a small JSON body.
async function rawHttpPeer() {
  const requests = [];
  const srv = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        requests.push({ head, body: buf.subarray(end + 4, end + 4 + length).toString('latin1') });
        buf = buf.subarray(end + 4 + length);
        const answer = '{"ok":true}';
        sock.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${answer.length}\r\n\r\n${answer}`);
      }
    });
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return { port: srv.address().port, requests, close: () => srv.close() };
}

// Every request a peer saw is one well-formed request: a request line and RFC 9110 header lines.
function assertWellFormed(peer) {
  for (const { head } of peer.requests) {
    const [first, ...fields] = head.split('\r\n');
    assert.match(first, /^[A-Z]+ \/[!-~]* HTTP\/1\.1$/, `request line ${JSON.stringify(first)}`);
    for (const f of fields) assert.match(f, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+: [^\r\n\0]*$/, `header line ${JSON.stringify(f)}`);
    assert.ok(!/\r\nx-injected:/i.test(head), `an injected header arrived: ${JSON.stringify(head)}`);
  }
}

const pathOf = (r) => r.head.split(' ')[1];

before(async () => {
  sink = await startPeer(join(repo, 'examples', 'smtp-sink', 'server.mjs'), ['--port', '0', '--http-port', '0', '--no-starttls']);
  for (let i = 0; i < 100 && !/http on (\d+)/.test(sink.output()); i++) await new Promise((r) => setTimeout(r, 50));
  sink.http = Number(/http on (\d+)/.exec(sink.output())[1]);
  sink.messages = async () => (await fetch(`http://127.0.0.1:${sink.http}/messages`)).json();
  home = await rawHttpPeer();
  foreign = await rawHttpPeer();
  const config = join(dir, 'elva.toml');
  writeFileSync(config, `
[connectors.mail]
host = "127.0.0.1"
port = ${sink.port}
tls = "none"
from = "Kommunen <noreply@kommun.example>"
timeout = "2s"

[connectors.mail.templates.receipt]
subject = "Application {{receipt}}: {{application.title}}"
body = "Hej {{applicant.name}},\\n{{application.message}}\\n"

[connectors.api]
kind = "http"
base_url = "http://127.0.0.1:${home.port}/v1"
bearer_token = { env = "ELVA_TEST_SECURITY_TOKEN" }
timeout = "2s"

[connectors.partner]
kind = "http"
base_url = "http://127.0.0.1:${home.port}/v1"
bearer_token = { env = "ELVA_TEST_SECURITY_TOKEN" }
allowed_hosts = ["localhost"]
timeout = "2s"

[connectors.guarded]
kind = "http"
base_url = "http://localhost:${home.port}/v1"
bearer_token = { env = "ELVA_TEST_SECURITY_TOKEN" }
deny_private = true
timeout = "2s"

[eservice.mail-form]
process = "mail-receipt"
anonymous = true

[eservice.case-form]
process = "case-lookup"
anonymous = true

[eservice.path-form]
process = "path-call"
anonymous = true

[eservice.partner-form]
process = "partner-call"
anonymous = true

[eservice.guarded-form]
process = "guarded-call"
anonymous = true
`);
  server = await startElva({ elva, name: 'security_inject', deploy: [join(repo, 'tests', 'security', 'fixtures', 'hostile-intake.bpmn')],
    users: join(apiDir, 'fixtures', 'users.json'), args: ['--config', config] });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
});

after(async () => {
  await server?.stop();
  await sink?.stop();
  home?.close();
  foreign?.close();
});

// Posts the form anonymously; returns the instance once it completed or stopped at an incident.
async function apply(form, data, applicant = { name: 'Kari Nordmann', email: 'kari@example.no' }) {
  const r = await call('POST', `/eservice/${form}`, { body: { applicant, data } });
  assert.equal(r.status, 201, r.body);
  return waitFor(call, admin, r.json.instance, (i) => i.status !== 'active');
}

function assertIncident(instance, rule, ...values) {
  assert.equal(instance.status, 'incident', `expected an incident, got ${instance.status}`);
  const message = incidentOf(instance);
  assert.match(message, rule);
  for (const v of values) assert.ok(!message.includes(v), `the incident message quotes the applicant's value: ${message}`);
  assert.ok(!message.includes(token), 'the token is in the incident message');
}

test('mail: CR/LF in a template value adds no header and smuggles no second mail; exactly one mail to exactly the applicant', async () => {
  const title = 'Digging\r\nBcc: evil@evil.example\r\n.\r\nMAIL FROM:<evil@evil.example>\r\nRCPT TO:<evil@evil.example>\r\nDATA\r\nSubject: forged\r\n\r\nforged\r\n.';
  const message = 'Rad ett\r\n.\r\nMAIL FROM:<evil@evil.example>\n.\nQUIT';
  const i = await apply('mail-form', { title, message });
  assert.equal(i.status, 'completed', incidentOf(i));
  const mails = await sink.messages();
  assert.equal(mails.length, 1, `the sink received ${mails.length} mails: ${JSON.stringify(mails.map((m) => m.to))}`);
  const [m] = mails;
  assert.deepEqual(m.to, ['kari@example.no']);
  assert.equal(m.from, 'noreply@kommun.example');
  assert.equal(m.subject, `Application ${i.variables.receipt}: ${title}`, 'the subject arrives whole, as one encoded header');
  assert.deepEqual(Object.keys(m.headers).sort(),
    ['content-transfer-encoding', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'subject', 'to']);
  assert.equal(m.text, `Hej Kari Nordmann,\r\n${message.replace(/\r?\n/g, '\r\n')}\r\n`, 'the body arrives whole, its dots intact');
  await fetch(`http://127.0.0.1:${sink.http}/messages`, { method: 'DELETE' });
});

test('mail: a recipient with >CRLF RCPT TO: is an incident naming the rule, not the address; nothing is sent', async () => {
  for (const email of ['kari@example.no>\r\nRCPT TO:<evil@evil.example', 'kari@example.no\r\nBcc: evil@evil.example', 'kari@example.no>, <evil@evil.example']) {
    const i = await apply('mail-form', { title: 'x', message: 'y' }, { name: 'Kari', email });
    if (email.includes('\r')) {
      assertIncident(i, /to: address 1 is not a mail address \(local@domain, RFC 5321\): it contains a control character/, 'evil', 'kari@');
    } else {
      assertIncident(i, /to: address 1 is not a mail address/, 'evil', 'kari@');
    }
  }
  assert.equal((await sink.messages()).length, 0, 'the sink received a mail');
});

test('http: CR/LF in header values, header names and the path never reach the wire', async () => {
  const before = home.requests.length;
  const value = await apply('case-form', { caseId: '17', headers: { 'X-Case': 'GT-17\r\nX-Injected: yes' } });
  assertIncident(value, /request header X-Case: the value contains a control character/, 'GT-17', 'yes');
  const name = await apply('case-form', { caseId: '17', headers: { 'X-Case\r\nX-Injected': 'yes' } });
  assertIncident(name, /a request header name is not an RFC 9110 token/, 'X-Injected');
  const host = await apply('case-form', { caseId: '17', headers: { Host: 'evil.example' } });
  assertIncident(host, /request header Host frames the message/, 'evil.example');
  assert.equal(home.requests.length, before, 'a refused request reached the peer');
  // A value in the path or query is one encoded segment: the request line stays one line.
  const path = await apply('case-form', { caseId: '17 HTTP/1.1\r\nHost: evil.example\r\nX-Injected: 1\r\n\r\nGET /admin', query: { q: 'a\r\nX-Injected: 1' } });
  assert.equal(path.status, 'completed', incidentOf(path));
  assert.equal(home.requests.length, before + 1);
  const seen = home.requests.at(-1);
  assert.equal(pathOf(seen), '/v1/cases/17%20HTTP%2F1.1%0D%0AHost%3A%20evil.example%0D%0AX-Injected%3A%201%0D%0A%0D%0AGET%20%2Fadmin?q=a%0D%0AX-Injected%3A%201');
  assert.match(seen.head, new RegExp(`\\r\\nAuthorization: Bearer ${token}(\\r\\n|$)`));
  assertWellFormed(home);
});

test('ssrf: an absolute URL to another host, ../../admin and %2e%2e are incidents; the token never leaves', async () => {
  const before = { home: home.requests.length, foreign: foreign.requests.length };
  const cases = [
    [`http://127.0.0.1:${foreign.port}/steal`, /not under base_url http:\/\/127\.0\.0\.1:\d+\/v1 and its host is not in allowed_hosts/],
    [`http://localhost:${home.port}/v1/cases`, /its host is not in allowed_hosts/],
    ['../../admin', /url: the URL leaves the base URL once its escapes, backslashes and dot segments are resolved/],
    ['%2e%2e/%2e%2e/admin', /leaves the base URL/],
    ['cases/..%2f..%2f..%2fadmin', /leaves the base URL/],
    ['%252e%252e/admin', /leaves the base URL/],
    ['..%5cadmin', /leaves the base URL/],
    ['..\\admin', /contains a backslash/],
    [`http://127.0.0.1:${home.port}/v1/../admin`, /not under base_url/],
    [`http://evil.example@127.0.0.1:${home.port}/v1`, /holds credentials/],
    [`http://127.0.0.1:${home.port}\\@evil.example/v1`, /backslash/],
  ];
  for (const [path, rule] of cases) {
    const i = await apply('path-form', { path });
    assertIncident(i, rule, 'steal', 'admin', 'evil');
  }
  const placeholder = await apply('case-form', { caseId: '../../admin' });
  assertIncident(placeholder, /\{caseId\}: the value holds a dot segment/, 'admin');
  assert.equal(home.requests.length, before.home, `the base_url peer saw ${home.requests.slice(before.home).map(pathOf)}`);
  assert.equal(foreign.requests.length, before.foreign, 'the foreign peer was called');
  // Still fine: paths under base_url, dot segments that stay inside it.
  const ok = await apply('path-form', { path: 'cases/./18/../19' });
  assert.equal(ok.status, 'completed', incidentOf(ok));
  assert.equal(pathOf(home.requests.at(-1)), '/v1/cases/19');
  assertWellFormed(home);
});

test('credentials go only under base_url: a host allowed by name is called without the token', async () => {
  const before = foreign.requests.length;
  const i = await apply('partner-form', { path: `http://localhost:${foreign.port}/partner/hook` });
  assert.equal(i.status, 'completed', incidentOf(i));
  assert.equal(foreign.requests.length, before + 1);
  const seen = foreign.requests.at(-1);
  assert.equal(pathOf(seen), '/partner/hook');
  assert.ok(!seen.head.includes(token) && !/\r\nauthorization:/i.test(seen.head), `the token went to another origin: ${seen.head}`);
  const own = await apply('partner-form', { path: 'cases/20' });
  assert.equal(own.status, 'completed', incidentOf(own));
  assert.match(home.requests.at(-1).head, new RegExp(`\\r\\nAuthorization: Bearer ${token}`));
  assertWellFormed(foreign);
});

test('deny_private: a name that resolves to 127.0.0.1 is refused on the resolved address, nothing is sent', async () => {
  const before = home.requests.length;
  const i = await apply('guarded-form', { caseId: '21' });
  assertIncident(i, /refused to connect to localhost:\d+: the address it resolves to is private .* and deny_private is set/);
  assert.equal(home.requests.length, before);
});

// GET over a raw socket: the status line and header lines exactly as they arrived.
function rawGet(path, bearer) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.base);
    const sock = net.connect(Number(port), hostname, () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${bearer}\r\nConnection: close\r\n\r\n`);
    });
    const chunks = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => {
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      resolve({ head: raw.subarray(0, end).toString('latin1'), body: raw.subarray(end + 4) });
    });
    sock.on('error', reject);
  });
}

test('attachments: a CR/LF content type is refused at intake (422); served files cannot split the answer', async () => {
  const content = Buffer.from('<script>alert(1)</script>').toString('base64');
  // A NUL in any field is refused before intake reads the body (400 naming the field; docs/security.md).
  const nul = await call('POST', '/eservice/case-form', { body: { data: { caseId: '1' }, attachments: [{ name: 'n.txt', contentType: 'text/plain\0', content }] } });
  assert.equal(nul.status, 400, nul.body);
  assert.deepEqual(nul.json.errors.map((e) => e.field), ['attachments[0].contentType']);
  const hostile = ['text/html\r\nX-Injected: 1\r\n\r\n<script>alert(1)</script>', 'text/plain\nSet-Cookie: a=b', 'text',
    'text/plain; charset="utf-8\r\n"', 'a b/c'];
  const r = await call('POST', '/eservice/case-form', { body: { data: { caseId: '1' },
    attachments: [...hostile.map((contentType, n) => ({ name: `f${n}.txt`, contentType, content })), { name: 'ok.txt', contentType: 'text/plain; charset=utf-8', content }] } });
  assert.equal(r.status, 422, r.body);
  assert.deepEqual(r.json.errors.map((e) => e.field), hostile.map((_, n) => `attachments[${n}].contentType`));
  assert.ok(!r.body.includes('X-Injected') && !r.body.includes('Set-Cookie'), 'the answer quotes the content type');
  assert.equal(server.sql('SELECT count(*) FROM attachments'), '0', 'a refused application stored files');

  // An accepted one: the exact headers (with the safety headers every answer gets: no framing,
  // no caching, and a policy under which an HTML file runs nothing), nosniff, and the name
  // encoded (RFC 6266 / 8187).
  const name = 'plan "x"\r\nX-Injected: 1 ö.pdf';
  const ok = await call('POST', '/eservice/case-form', { body: { data: { caseId: '1' }, attachments: [{ name, contentType: 'text/html', content }] } });
  assert.equal(ok.status, 201, ok.body);
  const id = ok.json.attachments[0].id;
  const got = await rawGet(`/api/attachments/${id}`, admin);
  const [status, ...fields] = got.head.split('\r\n');
  assert.equal(status, 'HTTP/1.1 200 OK');
  const headers = Object.fromEntries(fields.map((f) => { const c = f.indexOf(': '); return [f.slice(0, c).toLowerCase(), f.slice(c + 2)]; }));
  assert.deepEqual(Object.keys(headers).sort(),
    ['cache-control', 'connection', 'content-disposition', 'content-length', 'content-security-policy', 'content-type', 'referrer-policy',
      'server', 'x-content-type-options', 'x-elva-receipt', 'x-frame-options']);
  assert.equal(headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  assert.equal(headers['cache-control'], 'no-store');
  for (const f of fields) assert.match(f, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+: [ -~]*$/, `header line ${JSON.stringify(f)}`);
  assert.equal(headers['content-type'], 'text/html');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['content-disposition'], `attachment; filename="plan _x___X-Injected: 1 __.pdf"; filename*=UTF-8''plan%20%22x%22%0D%0AX-Injected%3A%201%20%C3%B6.pdf`);
  assert.equal(got.body.toString(), '<script>alert(1)</script>');

  // A row stored before intake checked content types (written here directly) is served as bytes.
  server.sql(`UPDATE attachments SET content_type = E'text/html\\r\\nX-Injected: 1' WHERE id = ${id}`);
  const old = await rawGet(`/api/attachments/${id}`, admin);
  assert.match(old.head, /\r\nContent-Type: application\/octet-stream\r\n/);
  assert.ok(!/\r\nX-Injected/i.test(old.head), `the answer was split: ${old.head}`);

  // And whatever builds a header, the server's one rule holds: a receipt with CR/LF (written
  // here directly) cannot go out as X-Elva-Receipt; the answer is a 500 and the log names the
  // header, not the value.
  server.sql(`INSERT INTO eservice_submissions (receipt, form, payload) VALUES (E'GT-1\\r\\nX-Injected: 1', 'case-form', '{}')`);
  const forged = server.sql(`INSERT INTO attachments (receipt, name, content_type, size, content)
    VALUES (E'GT-1\\r\\nX-Injected: 1', 'a.txt', 'text/plain', 1, 'x') RETURNING id`);
  const split = await rawGet(`/api/attachments/${forged}`, admin);
  assert.match(split.head, /^HTTP\/1\.1 500 /);
  assert.ok(!/\r\nX-Injected/i.test(split.head) && !/X-Injected/.test(split.body.toString()), `the answer was split: ${split.head}`);
  assert.match(server.log(), /a response was not sent: its header X-Elva-Receipt held a control character/);
  assert.ok(!server.log().includes('X-Injected'), 'the log quotes the header value');
});
