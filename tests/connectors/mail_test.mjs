// The mail connector against an SMTP sink built on smtp-server (examples/smtp-sink), through a
// real `elva serve`: STARTTLS with a verified certificate and AUTH, templated subject (non-ASCII)
// and body, a Message-ID from the idempotency key; faults: a wrong password, a refused recipient,
// a missing template value, a server without STARTTLS, a certificate for another host, the server
// down. And task prompts: a new task is announced by mail to its assignee, a group task to the
// group's members, each in their language; a task handed on is announced to its new assignee.
// Mail settings (docs/api.md#mail): a daily digest instead of a mail per task, quiet hours
// that hold mails back until they end, a reminder at the follow-up date in the user's time zone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startElva, client, login, repo } from '../api/harness.mjs';
import { tempDir, makeCerts, startPeer, waitFor, start, incidentOf } from './support.mjs';

const elva = process.argv[2];
const fixtures = join(repo, 'tests', 'connectors', 'fixtures');
const sinkScript = join(repo, 'examples', 'smtp-sink', 'server.mjs');
const dir = tempDir('mail');
const password = 'smtp-' + Math.random().toString(36).slice(2);
process.env.ELVA_TEST_SMTP_PASSWORD = password;
process.env.ELVA_TEST_SMTP_WRONG = 'not-the-password';
let sink, plainSink, wrongSink, server, call, token, closedPort;

async function startSink(args) {
  const peer = await startPeer(sinkScript, ['--port', '0', '--http-port', '0', ...args]);
  for (let i = 0; i < 100 && !/http on (\d+)/.test(peer.output()); i++) await new Promise((r) => setTimeout(r, 50));
  peer.http = Number(/http on (\d+)/.exec(peer.output())[1]);
  peer.messages = async () => (await fetch(`http://127.0.0.1:${peer.http}/messages`)).json();
  return peer;
}

// One process per connector: a send task with templated subject and body.
function mailProcess(id, connector) {
  return `  <process id="${id}" isExecutable="true">
    <startEvent id="${connector}S"/>
    <sequenceFlow id="${connector}F1" sourceRef="${connector}S" targetRef="${connector}Send"/>
    <sendTask id="${connector}Send" name="Send" elva:connector="${connector}.send">
      <extensionElements>
        <elva:input source="=to" target="to"/>
        <elva:input source="=cc" target="cc"/>
        <elva:input source="Välkommen, {{givenName}}!" target="subject"/>
        <elva:input source="Hej {{givenName}} {{familyName}}, din första dag är {{startDate}}." target="body"/>
        <elva:input source="=employee" target="data"/>
        <elva:output source="=messageId" target="messageId"/>
      </extensionElements>
    </sendTask>
    <sequenceFlow id="${connector}F2" sourceRef="${connector}Send" targetRef="${connector}E"/>
    <endEvent id="${connector}E"/>
  </process>`;
}

before(async () => {
  const certs = makeCerts(dir);
  sink = await startSink(['--key', certs.good.key, '--cert', certs.good.cert, '--user', 'elva', '--password', password]);
  plainSink = await startSink(['--no-starttls']);
  wrongSink = await startSink(['--key', certs.wrong.key, '--cert', certs.wrong.cert]);
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = probe.address().port;
  await new Promise((r) => probe.close(r));
  const config = join(dir, 'elva.toml');
  const common = `host = "127.0.0.1"\nfrom = "Kommunen <noreply@kommun.example>"\nca_file = "${certs.ca}"\ntimeout = "2s"\n`;
  writeFileSync(config, `
[connectors.mail]
${common}port = ${sink.port}
username = "elva"
password = { env = "ELVA_TEST_SMTP_PASSWORD" }

[connectors.badpw]
kind = "mail"
${common}port = ${sink.port}
username = "elva"
password = { env = "ELVA_TEST_SMTP_WRONG" }

[connectors.notls]
kind = "mail"
${common}port = ${plainSink.port}

[connectors.wrongcert]
kind = "mail"
${common}port = ${wrongSink.port}

[connectors.down]
kind = "mail"
${common}port = ${closedPort}

[notifications]
connector = "mail"
tasklist_url = "http://elva.kommun.example/tasklist/"
`);
  const processes = [['mail-ok', 'mail'], ['mail-badpw', 'badpw'], ['mail-notls', 'notls'], ['mail-wrongcert', 'wrongcert'], ['mail-down', 'down']];
  writeFileSync(join(dir, 'mail.bpmn'), `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:elva="urn:elva:bpmn:1.0" id="mail-defs" targetNamespace="urn:elva:tests">
${processes.map(([id, c]) => mailProcess(id, c)).join('\n')}
</definitions>`);
  writeFileSync(join(dir, 'users.json'), JSON.stringify([
    { id: 'admin', name: 'Ada Admin', password: 'admin-secret', roles: ['admin'] },
    { id: 'sigrid', name: 'Sigrid Svensson', email: 'sigrid@kommun.example', password: 'sigrid-pass-1', locale: 'sv', groups: ['staff'] },
    { id: 'mona', name: 'Mona Manager', email: 'mona@kommun.example', password: 'mona-pass-12', locale: 'nb', groups: ['managers'] },
    { id: 'max', name: 'Max Manager', email: 'max@kommun.example', password: 'max-pass-123', groups: ['managers'] },
    { id: 'mute', name: 'No Mail', password: 'mute-pass-12', groups: ['managers'] },
    { id: 'dora', name: 'Dora Digest', email: 'dora@kommun.example', password: 'dora-pass-12' },
    { id: 'quinn', name: 'Quinn Quiet', email: 'quinn@kommun.example', password: 'quinn-pass-1', locale: 'sv' },
    { id: 'rita', name: 'Rita Reminded', email: 'rita@kommun.example', password: 'rita-pass-12', locale: 'nb' },
  ]));
  server = await startElva({ elva, name: 'conn_mail', deploy: [join(dir, 'mail.bpmn'), join(fixtures, 'prompt.bpmn')], users: join(dir, 'users.json'),
    args: ['--config', config] });
  call = client(server.base);
  token = await login(call, 'admin', 'admin-secret');
});

after(async () => {
  await server?.stop();
  for (const s of [sink, plainSink, wrongSink]) await s?.stop();
});

const employee = { givenName: 'Åsa', familyName: 'Öberg', startDate: '2026-12-01' };
const send = async (process, vars = {}, done) =>
  waitFor(call, token, await start(call, token, process, { to: 'asa.oberg@kommun.example', cc: null, employee, ...vars }), done);
const stopped = (i) => i.status !== 'active';

test('a mail goes out over STARTTLS with AUTH: templated subject and body, Message-ID from the idempotency key', async () => {
  const i = await send('mail-ok', { cc: 'hr@kommun.example' });
  assert.equal(i.status, 'completed', incidentOf(i));
  const m = (await sink.messages()).find((x) => x.to.includes('asa.oberg@kommun.example'));
  assert.ok(m, 'the sink got the mail');
  assert.equal(m.subject, 'Välkommen, Åsa!');
  assert.equal(m.text, 'Hej Åsa Öberg, din första dag är 2026-12-01.');
  assert.deepEqual(m.to, ['asa.oberg@kommun.example', 'hr@kommun.example']);
  assert.equal(m.from, 'noreply@kommun.example');
  assert.equal(m.secure, true, 'STARTTLS was used');
  assert.equal(m.user, 'elva', 'authenticated');
  assert.match(m.messageId, new RegExp(`^<elva-${i.id}-\\d+\\.mail@elva>$`));
  assert.equal(i.variables.messageId, m.messageId);
});

test('a wrong password, a refused recipient and a missing template value are incidents saying so', async () => {
  const bad = await send('mail-badpw', {}, stopped);
  assert.match(incidentOf(bad), /the mail server 127\.0\.0\.1:\d+ refused authentication \(AUTH PLAIN\) as elva: 535/);
  assert.ok(!incidentOf(bad).includes('not-the-password'));
  const nobody = await send('mail-ok', { to: 'nobody@kommun.example' }, stopped);
  assert.match(incidentOf(nobody), /refused the recipient nobody@kommun\.example: 550/);
  const hole = await send('mail-ok', { employee: { givenName: 'Åsa' } }, stopped);
  assert.match(incidentOf(hole), /mail subject|mail body/);
  assert.match(incidentOf(hole), /\{\{familyName\}\} has no value/);
});

test('TLS is required: a server without STARTTLS and a certificate for another host are refused', async () => {
  const plain = await send('mail-notls', {}, stopped);
  assert.match(incidentOf(plain), /does not offer STARTTLS, and tls = "starttls" requires it/);
  assert.equal((await plainSink.messages()).length, 0);
  const wrong = await send('mail-wrongcert', {}, stopped);
  assert.match(incidentOf(wrong), /TLS handshake with the mail server 127\.0\.0\.1:\d+ failed: the certificate does not match the host name 127\.0\.0\.1/);
  assert.equal((await wrongSink.messages()).length, 0);
});

test('the mail server down: retried, then an incident', async () => {
  const i = await send('mail-down', {}, stopped);
  assert.match(incidentOf(i), /could not connect to the mail server 127\.0\.0\.1:\d+ \(Connection refused\)/);
});

test('task prompts: a new task is announced to its assignee, a group task to the group members with an address, in their language', async () => {
  const id = await start(call, token, 'deviation-report', { who: 'sigrid' }, 'AV-2026-17');
  const mails = async (to) => (await sink.messages()).filter((m) => m.to.includes(to));
  let toSigrid = [];
  for (let n = 0; n < 100 && toSigrid.length === 0; n++) { await new Promise((r) => setTimeout(r, 100)); toSigrid = await mails('sigrid@kommun.example'); }
  assert.equal(toSigrid.length, 1);
  assert.equal(toSigrid[0].subject, 'Ny uppgift: Investigate the deviation');
  assert.match(toSigrid[0].text, /Hej Sigrid Svensson,/);
  assert.match(toSigrid[0].text, /Ärende: AV-2026-17/);
  assert.match(toSigrid[0].text, /Find out what happened and why\./);
  assert.match(toSigrid[0].text, /http:\/\/elva\.kommun\.example\/tasklist\/#task\/\d+/);
  const sigrid = await login(call, 'sigrid', 'sigrid-pass-1');
  const [task] = (await call('GET', '/api/tasks', { token: sigrid })).json.items;
  // The due date as a Swede reads it, in the server's time zone (the API stays ISO 8601).
  const due = new Date(task.due);
  const months = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
  const two = (n) => String(n).padStart(2, '0');
  assert.ok(toSigrid[0].text.includes(`Förfaller: ${due.getDate()} ${months[due.getMonth()]} ${due.getFullYear()} kl. ${two(due.getHours())}:${two(due.getMinutes())}`), toSigrid[0].text);
  // The link opens this very task (tasklist_browser_test.mjs follows such a link in Chromium).
  assert.equal(/#task\/(\d+)/.exec(toSigrid[0].text)[1], String(task.id));
  const done = await call('POST', `/api/tasks/${task.id}/complete`, { token: sigrid, body: {} });
  assert.equal(done.status, 200, done.body);
  let mona = [];
  for (let n = 0; n < 100 && mona.length === 0; n++) { await new Promise((r) => setTimeout(r, 100)); mona = await mails('mona@kommun.example'); }
  assert.equal(mona.length, 1);
  assert.equal(mona[0].subject, 'Ny oppgave: Decide measures');
  const max = await mails('max@kommun.example');
  assert.equal(max.length, 1);
  assert.equal(max[0].subject, 'New task: Decide measures');
  assert.equal((await mails('sigrid@kommun.example')).length, 1, 'no second prompt for the first task');
  assert.ok((await waitFor(call, token, id, (i) => i.active?.some((a) => a.element === 'decide'))));
  // Handed on to someone else, the task is announced to them.
  const decide = (await call('GET', `/api/tasks?instance=${id}`, { token })).json.items.find((t) => t.element === 'decide');
  const handed = await call('POST', `/api/tasks/${decide.id}/delegate`, { token, body: { user: 'sigrid' } });
  assert.equal(handed.status, 200, handed.body);
  let again = [];
  for (let n = 0; n < 100 && again.length < 2; n++) { await new Promise((r) => setTimeout(r, 100)); again = await mails('sigrid@kommun.example'); }
  assert.equal(again.length, 2);
  assert.equal(again[1].subject, 'Ny uppgift: Decide measures');
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Mail lines end in CRLF on the wire; the tests read them with LF.
const mailsTo = async (to) => (await sink.messages()).filter((m) => m.to.includes(to)).map((m) => ({ ...m, text: m.text.replace(/\r\n/g, '\n') }));
async function mailsSoon(to, count, ms = 15000) {
  let found = [];
  for (const end = Date.now() + ms; Date.now() < end && found.length < count; await sleep(100)) found = await mailsTo(to);
  return found;
}
const clock = (d) => d.toISOString().slice(11, 19);  // HH:MM:SS in UTC

test('mail settings: each user reads and sets their own; a wrong value is a 400 naming the field', async () => {
  const dora = await login(call, 'dora', 'dora-pass-12');
  const initial = await call('GET', '/api/me/prompts', { token: dora });
  assert.equal(initial.status, 200, initial.body);
  assert.deepEqual(initial.json, { mode: 'each', digestAt: null, quietHours: null, timeZone: '' });
  for (const [body, field] of [[{ mode: 'weekly' }, 'mode'], [{ quietHours: '25:00-07:00' }, 'quietHours'], [{ digestAt: '7' }, 'digestAt'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'], [{ mode: 3 }, 'mode']]) {
    const r = await call('PUT', '/api/me/prompts', { token: dora, body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.body}`);
    assert.match(r.headers.get('content-type'), /application\/problem\+json/);
    assert.deepEqual(r.json.errors.map((e) => e.field), [field], r.body);
  }
  const unknown = await call('PUT', '/api/me/prompts', { token: dora, body: { often: 'yes' } });
  assert.equal(unknown.status, 400, unknown.body);
  const set = await call('PUT', '/api/me/prompts', { token: dora, body: { quietHours: '18:00-07:00', timeZone: 'Europe/Oslo' } });
  assert.equal(set.status, 200, set.body);
  assert.deepEqual(set.json, { mode: 'each', digestAt: null, quietHours: '18:00-07:00', timeZone: 'Europe/Oslo' });
  // Fields left out keep their value; null goes back to the server's.
  const back = await call('PUT', '/api/me/prompts', { token: dora, body: { quietHours: null, timeZone: '' } });
  assert.deepEqual(back.json, { mode: 'each', digestAt: null, quietHours: null, timeZone: '' });
  assert.deepEqual((await call('GET', '/api/me/prompts', { token: dora })).json, back.json);
  // Nobody else's settings change.
  const max = await login(call, 'max', 'max-pass-123');
  assert.deepEqual((await call('GET', '/api/me/prompts', { token: max })).json.mode, 'each');
});

test('a daily digest instead of a mail per task: one mail listing the open tasks, new ones marked, once a day', async () => {
  const dora = await login(call, 'dora', 'dora-pass-12');
  // Digest at the last second of the day (UTC): not yet.
  let r = await call('PUT', '/api/me/prompts', { token: dora, body: { mode: 'digest', digestAt: '23:59:59', timeZone: 'UTC' } });
  assert.equal(r.status, 200, r.body);
  if (clock(new Date()) >= '23:59:00') await sleep(61000);  // the test would race the digest itself
  await start(call, token, 'deviation-report', { who: 'dora' }, 'AV-2026-31');
  await start(call, token, 'deviation-report', { who: 'dora' }, 'AV-2026-32');
  await sleep(2500);
  assert.equal((await mailsTo('dora@kommun.example')).length, 0, 'no mail per task for a digest reader');
  // The digest time comes (now in UTC, to the second): one mail with both tasks.
  r = await call('PUT', '/api/me/prompts', { token: dora, body: { digestAt: clock(new Date()) } });
  assert.equal(r.status, 200, r.body);
  const [digest, ...more] = await mailsSoon('dora@kommun.example', 1);
  assert.ok(digest, 'the digest came');
  assert.equal(digest.subject, 'Your tasks in Elva: 2 open, 2 new');
  assert.match(digest.text, /^Hello Dora Digest,/);
  const lines = digest.text.split('\n').filter((l) => l.startsWith('* '));
  assert.deepEqual(lines.map((l) => /Case (AV-2026-\d+)/.exec(l)[1]), ['AV-2026-32', 'AV-2026-31'], 'newest first');
  for (const l of lines) assert.match(l, /^\* Investigate the deviation \(Deviation report\) · Case AV-2026-3\d · Due \d+ \w+ \d{4}, \d\d:\d\d · new$/);
  const links = [...digest.text.matchAll(/#task\/(\d+)/g)].map((m) => m[1]);
  const mine = (await call('GET', '/api/tasks', { token: dora })).json.items.map((t) => String(t.id));
  assert.deepEqual([...links].sort(), [...mine].sort(), 'each task links to itself');
  assert.equal(more.length, 0);
  await sleep(2500);
  assert.equal((await mailsTo('dora@kommun.example')).length, 1, 'one digest a day');
});

test('quiet hours hold a mail back until they end', async () => {
  const quinn = await login(call, 'quinn', 'quinn-pass-1');
  const ends = new Date(Date.now() + 6000);
  const r = await call('PUT', '/api/me/prompts', { token: quinn, body: { quietHours: `${clock(new Date(Date.now() - 60000))}-${clock(ends)}`, timeZone: 'UTC' } });
  assert.equal(r.status, 200, r.body);
  await start(call, token, 'deviation-report', { who: 'quinn' }, 'AV-2026-40');
  await sleep(2500);
  assert.equal((await mailsTo('quinn@kommun.example')).length, 0, 'quiet');
  const [mail] = await mailsSoon('quinn@kommun.example', 1, 20000);
  assert.ok(mail, 'the mail came when the quiet hours ended');
  assert.ok(Date.now() >= ends.getTime() - 1000, 'not before the quiet hours ended');
  assert.equal(mail.subject, 'Ny uppgift: Investigate the deviation');
  await sleep(1500);
  assert.equal((await mailsTo('quinn@kommun.example')).length, 1, 'sent once');
});

test('a reminder at the follow-up date, with the due date in the user\'s time zone and language', async () => {
  const rita = await login(call, 'rita', 'rita-pass-12');
  const r = await call('PUT', '/api/me/prompts', { token: rita, body: { timeZone: 'Asia/Tokyo' } });
  assert.equal(r.status, 200, r.body);
  const due = new Date(Date.now() + 5 * 86400000);
  due.setUTCSeconds(0, 0);
  await start(call, token, 'follow-up', { who: 'rita', due: due.toISOString(), followUp: new Date(Date.now() + 4000).toISOString() }, 'HR-7');
  const [first, reminder] = await mailsSoon('rita@kommun.example', 2, 20000);
  assert.equal(first?.subject, 'Ny oppgave: Check the contract');
  assert.ok(reminder, 'the reminder came');
  assert.equal(reminder.subject, 'Påminnelse: Check the contract');
  assert.match(reminder.text, /^Hei Rita Reminded,\n\nEn påminnelse om oppgaven din i Elva: Check the contract/);
  assert.match(reminder.text, /Sak: HR-7/);
  // The due date as it reads in Tokyo (UTC+9), in Norwegian.
  const tokyo = new Date(due.getTime() + 9 * 3600000);
  const months = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];
  const two = (n) => String(n).padStart(2, '0');
  const expected = `Frist: ${tokyo.getUTCDate()}. ${months[tokyo.getUTCMonth()]} ${tokyo.getUTCFullYear()} kl. ${two(tokyo.getUTCHours())}:${two(tokyo.getUTCMinutes())}`;
  assert.ok(reminder.text.includes(expected), `${expected} in ${reminder.text}`);
  assert.ok(first.text.includes(expected), 'the first mail too');
  await sleep(2000);
  assert.equal((await mailsTo('rita@kommun.example')).length, 2, 'one reminder');
});
