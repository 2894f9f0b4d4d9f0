// The municipal process library end to end: `elva serve` on PostgreSQL with the library deployed,
// the SCIM HR server (examples/hr-scim-server), the SMTP sink (examples/smtp-sink) and the
// e-service portal stand-in (examples/eservice-portal) as its peers, all on 127.0.0.1. Each
// process runs its main path through the REST API and the e-service intake, as people and
// portals would; what the peers received is checked (SCIM users and groups, mails, case
// statuses). Waits of days (follow-ups, reminders) are covered by the scenario tests
// (processes/scenarios) with a virtual clock; here the processes are driven up to them. The
// hire's two people steps are done in headless Chromium from the links in their mails: anna in
// Swedish at a desk, ola in Norwegian on a phone (screenshots in ARTEFACTS, default
// build/test-artefacts/library).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startElva, client, login, repo } from '../api/harness.mjs';
import { tempDir, startPeer, waitFor, start, incidentOf } from '../connectors/support.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] || join(repo, 'build', 'test-artefacts', 'library');
const chromiumPath = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
const dir = tempDir('library');
let hr, sink, portal, server, call, admin, sinkHttp;

const scim = async (path) => (await fetch(`http://127.0.0.1:${hr.port}/scim/v2${path}`)).json();
const userBy = async (number) => (await scim(`/Users?filter=${encodeURIComponent(`externalId eq "${number}"`)}`)).Resources[0];
const group = async (name) => (await scim(`/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`)).Resources[0];
const mails = async () => (await fetch(`http://127.0.0.1:${sinkHttp}/messages`)).json();
const cases = async () => (await fetch(`http://127.0.0.1:${portal.port}/api/cases`)).json();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const iso = (secondsFromNow) => new Date(Date.now() + secondsFromNow * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

async function until(what, check, seconds = 20) {
  const end = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await sleep(150);
  }
  throw new Error(`waited ${seconds} s for ${what}`);
}

// The open tasks of an instance (or a process), as the admin sees them.
async function tasks(query) {
  const r = await call('GET', `/api/tasks?${query}&limit=100`, { token: admin });
  assert.equal(r.status, 200, r.body);
  return r.json.items;
}
async function task(instance, element) {
  try {
    return await until(`task ${element} of ${instance}`, async () => (await tasks(`instance=${instance}`)).find((t) => t.element === element));
  } catch (e) {
    const i = await call('GET', `/api/instances/${instance}`, { token: admin });
    throw new Error(`${e.message}; the instance: ${JSON.stringify({ status: i.json.status, active: i.json.active, incidents: i.json.incidents, jobs: i.json.jobs })}`);
  }
}
async function complete(t, variables, token = admin) {
  const r = await call('POST', `/api/tasks/${t.id}/complete`, { token, body: { variables } });
  assert.equal(r.status, 200, `${t.element}: ${r.body}`);
}
// A person opens the task from the link in their prompt mail (the configured tasklist_url names
// the demo's host; the same path and hash on this server), logs in, reads the case, fills the
// form and completes it; screenshots of each. Without Chromium (outside CI), REST does it.
async function completeFromMail(t, to, subject, device, user, password, fill, variables) {
  const mail = await until(`the mail to ${to}`, async () => (await mails()).find((m) => m.to.includes(to) && m.subject === subject));
  const link = /https?:\/\/\S+#task\/(\d+)/.exec(mail.text);
  assert.ok(link, mail.text);
  assert.equal(link[1], String(t.id), 'the link is to this task');
  if (!chromiumPath) {
    if (process.env.CI === 'true') assert.fail('chromium is not installed (scripts/install-deps installs it)');
    console.error('*** SKIPPED the browser part: no chromium; run scripts/install-deps ***');
    return complete(t, variables, await login(call, user, password));
  }
  mkdirSync(artefacts, { recursive: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const page = await (await browser.newContext(device)).newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(link[0].replace(/^https?:\/\/[^/]+/, server.base));
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(password);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#detail').waitFor();
    await page.waitForFunction((key) => document.getElementById('d-key').textContent === key, t.businessKey);
    await page.locator('#d-case').waitFor();
    const button = await fill(page);
    await page.screenshot({ path: join(artefacts, `${user}-${t.element}.png`), fullPage: true });
    await page.getByRole('button', { name: button }).click();
    await page.locator('#detail').waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
  await until(`${t.element} completed`, async () => !(await tasks(`instance=${t.instance}`)).some((x) => x.id === t.id));
}

const active = (element) => (i) => i.active?.some((a) => a.element === element);
const ended = (i) => i.status !== 'active';

before(async () => {
  hr = await startPeer(join(repo, 'examples', 'hr-scim-server', 'server.mjs'), ['--port', '0', '--seed', join(repo, 'examples', 'hr-scim-server', 'org.json')]);
  sink = await startPeer(join(repo, 'examples', 'smtp-sink', 'server.mjs'), ['--port', '0', '--http-port', '0']);
  await until('the sink web port', async () => /http on (\d+)/.test(sink.output()));
  sinkHttp = Number(/http on (\d+)/.exec(sink.output())[1]);
  portal = await startPeer(join(repo, 'examples', 'eservice-portal', 'server.mjs'), ['--port', '0']);
  // The demo's configuration with this test's ports.
  const config = join(dir, 'elva.toml');
  const demo = (await import('node:fs')).readFileSync(join(repo, 'examples', 'demo', 'elva.toml'), 'utf8')
    .replaceAll('127.0.0.1:8086', `127.0.0.1:${hr.port}`).replace('port = 2525', `port = ${sink.port}`)
    .replaceAll('127.0.0.1:8087', `127.0.0.1:${portal.port}`);
  writeFileSync(config, demo);
  server = await startElva({ elva, name: 'library', deploy: [join(repo, 'processes')], users: join(repo, 'examples', 'demo-users.json'),
    args: ['--config', config, '--workers', '4'] });
  call = client(server.base);
  admin = await login(call, 'admin', 'admin-demo-1');
  const imported = spawnSync(elva, ['users', 'import', '--from-hr', '--config', config, '--db', server.url], { encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
});

after(async () => {
  await server?.stop();
  for (const p of [hr, sink, portal]) await p?.stop();
});

test('personnel hire: anna approves, HR signs, the employee is placed in SCIM, equipment ordered, welcome mail on the first day', async () => {
  const startDate = iso(4);
  const id = await start(call, admin, 'personnel-hire', {
    employee: { number: '1010', userName: 'nils', givenName: 'Nils', familyName: 'Nyman', email: 'nils@kommun.example', department: 'IT', manager: '1003' },
    startDate }, 'E-1010');
  const anna = await login(call, 'anna', 'anna-demo-1');
  const approve = await task(id, 'approve');
  // The task is announced to the managers with an address, each in their language (the
  // translated name filled in from the case).
  await until('the task prompt to anna', async () => (await mails()).some((m) => m.to.includes('anna@kommun.example') && m.subject === 'Ny uppgift: Godkänn anställningen av Nils Nyman'));
  await until('the task prompt to emma', async () => (await mails()).some((m) => m.to.includes('emma@kommun.example') && m.subject === 'New task: Approve the hire of Nils Nyman'));
  // anna sees who is hired, in which unit and from when (the process's elva:summary), in
  // Swedish, her language (processes/i18n/sv.json).
  const shown = (await call('GET', `/api/tasks/${approve.id}`, { token: anna })).json;
  assert.deepEqual(shown.summary.map((f) => [f.label, f.value]), [['Medarbetare', 'Nils Nyman'], ['Enhet', 'IT'], ['Önskat startdatum', startDate]]);
  const inEnglish = (await call('GET', `/api/tasks/${approve.id}`, { token: anna, headers: { 'accept-language': 'en' } })).json;
  assert.deepEqual(inEnglish.summary.map((f) => f.label), ['Employee', 'Unit', 'Requested start']);
  // The list has the translated name filled in from the case too.
  const listed = (await call('GET', `/api/tasks?instance=${id}`, { token: anna })).json.items;
  assert.deepEqual(listed.map((t) => t.name), ['Godkänn anställningen av Nils Nyman']);
  await completeFromMail(approve, 'anna@kommun.example', 'Ny uppgift: Godkänn anställningen av Nils Nyman',
    { viewport: { width: 1280, height: 800 }, locale: 'sv-SE' }, 'anna', 'anna-demo-1', async (page) => {
      const shown = await page.locator('#d-case').innerText();
      assert.match(shown, /Medarbetare\s+Nils Nyman/);
      assert.match(shown, /Enhet\s+IT/);
      await page.getByLabel('Jag godkänner anställningen').check();
      await page.getByLabel('Bekräftat startdatum *').fill('2026-12-01');
      await page.getByLabel('Anställningsform *').selectOption('permanent');
      await page.getByLabel('Sysselsättningsgrad (%)').fill('100');
      await page.getByLabel('Kommentar till HR').fill('Starts in the web team');
      return 'Slutför';
    }, { approved: true, confirmedStart: '2026-12-01', contract: 'permanent', fte: 100, comment: 'Starts in the web team' });
  // ola in HR sees anna's decision and comment, and that anna took it.
  const ola = await login(call, 'ola', 'ola-demo-1');
  const hrCheck = await task(id, 'hrCheck');
  const check = (await call('GET', `/api/tasks/${hrCheck.id}`, { token: ola })).json;
  // In Norwegian (ola's locale), the translated name filled in from the case.
  assert.equal(check.name, 'Kontroller ansettelsen av Nils Nyman og få avtalen signert');
  assert.deepEqual(Object.fromEntries(check.summary.map((f) => [f.label, f.value])), {
    Medarbeider: 'Nils Nyman', Enhet: 'IT', 'Bekreftet oppstart': '2026-12-01', Ansettelsesform: 'permanent', 'Stillingsprosent (%)': 100, 'Lederens kommentar': 'Starts in the web team' });
  assert.deepEqual(check.steps.map((s) => [s.element, s.by]), [['approve', 'anna']]);
  await completeFromMail(hrCheck, 'ola@kommun.example', 'Ny oppgave: Kontroller ansettelsen av Nils Nyman og få avtalen signert',
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'nb-NO' }, 'ola', 'ola-demo-1', async (page) => {
      // anna's decision and comment, and that she took it, in Norwegian.
      const shown = await page.locator('#d-case').innerText();
      assert.match(shown, /Lederens kommentar\s+Starts in the web team/);
      assert.match(shown, /Bekreftet oppstart\s+1\. desember 2026/);
      assert.match(await page.locator('#d-steps').innerText(), /^Godkjenn ansettelsen av Nils Nyman: anna, /);
      await page.getByLabel('Arbeidsavtalen er signert').check();
      await page.getByLabel('Lønnstrinn').fill('B4');
      return 'Fullfør';
    }, { contractSigned: true, salaryGrade: 'B4' });
  await complete(await task(id, 'equipment'), { computer: 'laptop', phone: true, equipmentOrdered: true }, await login(call, 'emma', 'emma-demo-1'));
  const done = await waitFor(call, admin, id, ended, 30);
  assert.equal(done.status, 'completed', incidentOf(done));
  const nils = await userBy('1010');
  assert.equal(nils.userName, 'nils');
  assert.equal(nils['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].manager.value, (await userBy('1003')).id);
  assert.ok((await group('IT')).members.some((m) => m.value === nils.id));
  const sent = (await mails()).map((m) => `${m.to} ${m.subject}`);
  assert.ok(sent.includes('nils@kommun.example Welcome, Nils!'), sent.join('\n'));
});

test('personnel leave: planned, equipment received, accounts closed after the last day, settled', async () => {
  const id = await start(call, admin, 'personnel-leave', { employee: { number: '1006', userName: 'jonas', givenName: 'Jonas', email: 'jonas@kommun.example', department: 'Stadsbyggnad' } });
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await complete(await task(id, 'plan'), { lastDay: yesterday, reason: 'retirement' });
  await complete(await task(id, 'returnEquipment'), { equipmentReturned: true });
  await complete(await task(id, 'settle'), { settled: true, holidayDays: 3, certificateSent: true });
  const done = await waitFor(call, admin, id, ended, 30);
  assert.equal(done.status, 'completed', incidentOf(done));
  const jonas = await userBy('1006');
  assert.equal(jonas.active, false);
  assert.ok(!(await group('Stadsbyggnad')).members.some((m) => m.value === jonas.id), 'jonas left the unit');
});

test('change of placement and organisational change: SCIM placements and memberships follow, people are told', async () => {
  const move = await waitFor(call, admin, await start(call, admin, 'personnel-move', {
    employee: { number: '1004', email: 'erik@kommun.example', givenName: 'Erik' }, fromUnit: 'IT', toUnit: 'Stadsbyggnad', newManager: '1001' }), ended);
  assert.equal(move.status, 'completed', incidentOf(move));
  const erik = await userBy('1004');
  assert.equal(erik['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department, 'Stadsbyggnad');
  assert.ok((await group('Stadsbyggnad')).members.some((m) => m.value === erik.id));
  const org = await waitFor(call, admin, await start(call, admin, 'org-change', {
    fromUnit: 'IT', toUnit: 'Digitalisering', newManager: '1003', decision: 'KS 2026/14', managerEmails: ['anna@kommun.example'] }), ended);
  assert.equal(org.status, 'completed', incidentOf(org));
  const digital = await group('Digitalisering');
  assert.ok(digital, 'the new unit exists');
  for (const number of ['1003', '1010']) {  // emma and nils (hired above) worked in IT
    const u = await userBy(number);
    assert.equal(u['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'].department, 'Digitalisering');
    assert.ok(digital.members.some((m) => m.value === u.id));
  }
  assert.equal((await group('IT')).members.length, 0);
  assert.ok((await mails()).some((m) => m.subject === 'Organisational change carried out: Digitalisering'));
});

test('deviation: serious, the safety officer is told at once; investigated with two measures; waits for the follow-up', async () => {
  const id = await start(call, admin, 'deviation', { category: 'hse', description: 'A visitor slipped on the wet floor', personalInjury: true, costEstimate: 0,
    unit: 'Utbildning', reporter: { name: 'Erik Sund', email: 'erik@kommun.example' } }, 'AV-2026-0002');
  await until('the safety officer mail', async () => (await mails()).some((m) => m.to.includes('skyddsombud@kommun.example')));
  const sara = await login(call, 'sara', 'sara-demo-1');
  const investigate = await task(id, 'investigate');
  assert.deepEqual(investigate.candidateGroups, ['safety']);
  const form = await call('POST', `/api/tasks/${investigate.id}/complete`, { token: sara, body: { variables: { measure1: 'Signs' } } });
  assert.equal(form.status, 422, 'the form requires a cause and a deadline');
  await complete(investigate, { cause: 'No warning sign', measure1: 'Buy warning signs', due1: '2027-01-10', measure2: 'Train the cleaners', due2: '2027-01-20' }, sara);
  await until('two measure tasks', async () => (await tasks(`instance=${id}`)).filter((t) => t.element === 'carryOut').length === 2);
  for (const t of (await tasks(`instance=${id}`)).filter((x) => x.element === 'carryOut')) await complete(t, { measureDone: 'Done' }, sara);
  const i = await waitFor(call, admin, id, active('waitFollowUp'));
  assert.equal(i.variables.classification.severity, 'serious');
  assert.equal(i.variables.measures.length, 2);
});

test('plan approval: drafted, heard (two of three units close the hearing), the board approves, published by mail', async () => {
  const id = await start(call, admin, 'plan-approval', { planId: 'P-2027-4', level: 4, title: 'Verksamhetsplan 2027-2030', budget: 30000000,
    units: ['Utbildning', 'Stadsbyggnad', 'IT'], publishTo: ['alla@kommun.example'] }, 'P-2027-4');
  await complete(await task(id, 'draft'), { summary: 'Four years of schools and streets', budget: 30000000 }, await login(call, 'jonas', 'jonas-demo-1'));
  await until('three hearing tasks', async () => (await tasks(`instance=${id}`)).filter((t) => t.element === 'hearing').length === 3);
  const hearings = (await tasks(`instance=${id}`)).filter((t) => t.element === 'hearing');
  await complete(hearings[0], { supports: true, opinion: 'Good' });
  await complete(hearings[1], { supports: false, opinion: 'Too little for schools' });
  await complete(await task(id, 'consider'), { needsRevision: false, considerations: 'Noted' });
  await complete(await task(id, 'approveBoard'), { approved: true, decisionNote: 'Approved by the board' }, await login(call, 'anna', 'anna-demo-1'));
  const done = await waitFor(call, admin, id, ended);
  assert.equal(done.status, 'completed', incidentOf(done));
  assert.equal(done.variables.route, 'board');
  assert.equal(done.variables.opinions.filter((o) => o).length, 2);
  assert.ok((await mails()).some((m) => m.to.includes('alla@kommun.example') && m.subject === 'Published: Verksamhetsplan 2027-2030'));
});

test('plan approval through the council: the decision arrives as a message', async () => {
  const id = await start(call, admin, 'plan-approval', { planId: 'P-2027-12', level: 12, title: 'Kommunplan', budget: 900000000, units: ['IT'], publishTo: 'alla@kommun.example' });
  await complete(await task(id, 'draft'), { summary: 'Twelve years', budget: 900000000 });
  await complete(await task(id, 'hearing'), { supports: true, opinion: 'Fine' });
  await complete(await task(id, 'consider'), { needsRevision: false });
  await waitFor(call, admin, id, active('councilDecides'));
  const m = await call('POST', '/api/messages', { token: admin, body: { name: 'council-decision', correlationKey: 'P-2027-12', variables: { approved: true } } });
  assert.equal(m.status, 200, m.body);
  assert.equal((await waitFor(call, admin, id, ended)).status, 'completed');
});

test('excavation permit: a citizen applies through the portal, utilities are heard, granted with the fee from the table, told in the portal and by mail', async () => {
  const r = await call('POST', '/eservice/excavation-permit', { body: { applicant: { name: 'Kari Nordmann', email: 'kari@example.no' },
    data: { address: 'Storgata 1', area: 30, weeks: 6, plan: 'dig 2 m' } }, headers: { 'idempotency-key': 'portal-e2e-1' } });
  assert.equal(r.status, 201, r.body);
  const id = r.json.instance;
  await complete(await task(id, 'check'), { complete: true }, await login(call, 'jonas', 'jonas-demo-1'));
  await until('four hearing tasks', async () => (await tasks(`instance=${id}`)).filter((t) => t.element === 'hearing').length === 4);
  for (const t of (await tasks(`instance=${id}`)).filter((x) => x.element === 'hearing')) await complete(t, { objection: false, conditions: '' });
  await complete(await task(id, 'decide'), { approved: true, conditions: 'Restore the pavement' });
  const done = await waitFor(call, admin, id, ended);
  assert.equal(done.status, 'completed', incidentOf(done));
  assert.equal(done.variables.fee, 9000);
  const statuses = (await cases())[r.json.receipt].map((c) => c.status);
  assert.deepEqual(statuses, ['received', 'decided']);
  assert.match((await cases())[r.json.receipt][1].message, /granted\. Fee: 9000 SEK/);
  assert.ok((await mails()).some((m) => m.to.includes('kari@example.no') && m.subject === `Decision on your excavation permit ${r.json.receipt}`));
});

test('summer-job lottery: applications through the portal, the seed published, a draw anyone can re-run with elva lottery draw, offers through the portal', async () => {
  const id = await start(call, admin, 'summer-job-lottery', { round: 'SJ-2027', positions: 1, deadline: iso(5), applicants: [], announceTo: 'sommarjobb@kommun.example' });
  await waitFor(call, admin, id, active('applicationsClose'));
  const receipts = [];
  for (const name of ['Alva', 'Bo', 'Cem']) {
    const a = await call('POST', '/eservice/summer-job', { body: { case: 'SJ-2027', applicant: { name }, data: { age: 16 } } });
    assert.equal(a.status, 201, a.body);
    receipts.push(a.json.receipt);
  }
  const seed = 'Lotto 2027-04-15: 3 11 19 27 33 35 41';
  await complete(await task(id, 'publishSeed'), { seed, seedSource: 'Lotto' }, await login(call, 'ola', 'ola-demo-1'));
  const drawn = await waitFor(call, admin, id, active('waitAnswer'));
  assert.deepEqual([...drawn.variables.applicants].sort(), [...receipts].sort());
  // Anyone can check the draw with the published seed and the list of applicants.
  writeFileSync(join(dir, 'applicants.json'), JSON.stringify(receipts));
  const check = spawnSync(elva, ['lottery', 'draw', '--seed', seed, '--applicants', join(dir, 'applicants.json'), '--positions', '1', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout).ranking, drawn.variables.ranking);
  // And without Elva: the ranking is SHA-256("<seed>:<receipt>"), lowest first (node's crypto).
  const ticket = (r) => createHash('sha256').update(`${seed}:${r}`).digest('hex');
  assert.deepEqual([...receipts].sort((x, y) => (ticket(x) < ticket(y) ? -1 : 1)), drawn.variables.ranking);
  assert.ok((await mails()).some((m) => m.subject === 'Summer-job lottery SJ-2027: the seed' && m.text.includes(seed)));
  const first = drawn.variables.ranking[0];
  await until('the offer in the portal', async () => (await cases())[first]?.some((c) => c.status === 'offered'));
  const answer = await call('POST', '/eservice/summer-job-answer', { body: { case: first, data: { accept: true } } });
  assert.equal(answer.status, 201, answer.body);
  const done = await waitFor(call, admin, id, ended);
  assert.equal(done.status, 'completed', incidentOf(done));
  assert.deepEqual(done.variables.offer.accepted, [first]);
});

test('side-job inventory: every employee from HR declares, managers review, the report goes to HR', async () => {
  const id = await start(call, admin, 'side-job-inventory', {});
  const staff = (await waitFor(call, admin, id, (i) => i.variables.employees)).variables.employees;
  await until('a declaration task per employee', async () => (await tasks('processId=side-job-declaration')).filter((t) => t.element === 'declare').length === staff.length);
  let n = 0;
  for (const t of (await tasks('processId=side-job-declaration')).filter((x) => x.element === 'declare')) {
    assert.ok(t.assignee, 'assigned to the employee');
    await complete(t, n++ === 0 ? { hasSideJob: true, description: 'Football coach', hoursPerMonth: 12 } : { hasSideJob: false });
  }
  await until('a review task per employee', async () => (await tasks('processId=side-job-declaration')).filter((t) => t.element === 'review').length === staff.length);
  for (const t of (await tasks('processId=side-job-declaration')).filter((x) => x.element === 'review')) await complete(t, { acceptable: true });
  const done = await waitFor(call, admin, id, ended);
  assert.equal(done.status, 'completed', incidentOf(done));
  assert.deepEqual(done.variables.report, { employees: staff.length, answered: staff.length, withSideJobs: 1, notAcceptable: 0 });
  assert.ok((await mails()).some((m) => m.to.includes('hr@kommun.example') && m.subject === `Side-job inventory: ${staff.length} of ${staff.length} answered`));
});
