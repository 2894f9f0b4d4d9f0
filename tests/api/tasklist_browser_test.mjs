// The employee task list end to end in headless Chromium (Debian's chromium driven by
// playwright-core from npm): an employee logs in, sees her group's task with the process name,
// case and instructions, is told what is wrong with her form, completes the task, sees the list
// refresh, and the instance moves on to the external worker. On a phone-sized screen too, and in
// Norwegian and Swedish. Screenshots are kept in ARTEFACTS (default build/test-artefacts/tasklist).
// usage: node tasklist_browser_test.mjs ELVA [ARTEFACTS]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startElva, client, login, passwords, repo, fixtures } from './harness.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] || join(repo, 'build', 'test-artefacts', 'tasklist');
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
let server, call, browser;

if (!executable) {
  if (process.env.CI === 'true') { console.error('FAIL: chromium is not installed (scripts/install-deps installs it)'); process.exit(1); }
  console.error('*** SKIPPED: no chromium; run scripts/install-deps ***');
  process.exit(77);
}

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  server = await startElva({ elva, name: 'browser' });
  call = client(server.base);
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function startLeave(businessKey) {
  const eva = await login(call, 'eva', passwords.eva);
  const r = await call('POST', '/api/instances', { token: eva, body: { process: 'leave-request', variables: { requester: 'eva' }, businessKey } });
  assert.equal(r.status, 201);
  return r.json.id;
}

async function logIn(page, user) {
  await page.goto(`${server.base}/`);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(passwords[user]);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#tasks-view').waitFor();
}

test('a manager completes a leave request in the browser, and the instance moves on', async () => {
  const instance = await startLeave('L-2026-17');
  const other = await startLeave('L-2026-18');
  server.sql(`UPDATE user_tasks SET due = now() - interval '1 day' WHERE instance_id = ${other}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // A wrong password is refused in words.
  await page.goto(`${server.base}/`);
  await page.getByLabel('User name').fill('max');
  await page.locator('#password').fill('not-his-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await assert.doesNotReject(page.getByText('Wrong user name or password.').waitFor());

  await logIn(page, 'max');
  // Both tasks, the overdue one first and marked.
  const items = page.locator('#task-list li');
  await items.nth(1).waitFor();
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).innerText(), /L-2026-18/);
  assert.match(await items.nth(0).innerText(), /Overdue/i);
  assert.doesNotMatch(await items.nth(1).innerText(), /Overdue/i);
  assert.match(await items.nth(1).innerText(), /Approve leave[\s\S]*Leave request · L-2026-17/);
  await page.screenshot({ path: join(artefacts, '1-list-desktop.png'), fullPage: true });

  // Open the task: what it is about.
  await items.nth(1).locator('a').click();
  await page.locator('#detail').waitFor();
  assert.equal(await page.locator('#d-process').innerText(), 'Leave request');
  assert.equal(await page.locator('#d-key').innerText(), 'L-2026-17');
  assert.match(await page.locator('#d-doc').innerText(), /team's plan/);
  // Claim it.
  await page.getByRole('button', { name: 'Claim' }).click();
  await page.getByText('max (you)').waitFor();

  // Fill the form badly: the page says what is wrong, field by field, before sending.
  await page.getByLabel('Working days *').fill('45');
  await page.getByRole('button', { name: 'Complete' }).click();
  await page.getByText('Working days must be at most 30.').waitFor();
  await page.getByText('First day is required.').waitFor();
  await page.getByText('Kind of leave is required.').waitFor();
  await page.screenshot({ path: join(artefacts, '2-form-errors.png'), fullPage: true });
  // The server's own check: while max fills the form, a developer deploys a stricter version
  // (at most 3 days). The page's rules still allow 4, the server refuses, and the page shows the
  // server's message at the field.
  const dev = await login(call, 'dev', passwords.dev);
  const stricter = readFileSync(join(fixtures, 'approve-leave.form'), 'utf8').replace('"max": 30', '"max": 3');
  const deployed = await call('POST', '/api/deployments', { token: dev, body: { files: [{ name: 'approve-leave.form', content: stricter }] } });
  assert.equal(deployed.status, 201, deployed.body);
  await page.getByLabel('Working days *').fill('4');
  await page.getByLabel('First day *').fill('2026-12-07');
  await page.getByLabel('Kind of leave *').selectOption('holiday');
  await page.getByLabel('Approved').check();
  await page.getByLabel('Case reference').fill('nope');
  await page.getByRole('button', { name: 'Complete' }).click();
  await page.getByText('Case reference does not have the expected format.').waitFor();
  await page.getByLabel('Case reference').fill('HR-2026');
  await page.getByLabel('Note to the employee').fill('Have a good rest');
  await page.getByRole('button', { name: 'Complete' }).click();
  await page.locator('.field[data-key=days] .field-error', { hasText: 'at most 3' }).waitFor();
  await page.screenshot({ path: join(artefacts, '2b-server-refused.png'), fullPage: true });
  await page.getByLabel('Working days *').fill('3');
  await page.getByRole('button', { name: 'Complete' }).click();
  await page.getByText('“Approve leave” is completed.').waitFor();
  // The list refreshed: one task left.
  await page.waitForFunction(() => document.querySelectorAll('#task-list li').length === 1);
  assert.match(await items.nth(0).innerText(), /L-2026-18/);
  await page.screenshot({ path: join(artefacts, '3-after-complete.png'), fullPage: true });

  // The instance moved on: the approval is completed by max with the form's data, and the
  // booking waits for the external worker.
  const admin = await login(call, 'admin', passwords.admin);
  const i = (await call('GET', `/api/instances/${instance}`, { token: admin })).json;
  assert.ok(i.history.some((e) => e.element === 'approve' && e.kind === 'completed' && e.actor === 'user:max'), JSON.stringify(i.history));
  assert.deepEqual([i.variables.days, i.variables.kind, i.variables.approved, i.variables.from, i.variables.reference], [3, 'holiday', true, '2026-12-07', 'HR-2026']);
  assert.deepEqual(i.active.map((a) => a.element), ['book']);
  assert.deepEqual(consoleErrors.filter((e) => !/status of 4\d\d/.test(e)), [], 'no script errors in the page');
  await context.close();
});

test('the link in a task prompt mail opens that task, after the login it asks for', async () => {
  await startLeave('L-2026-21');
  const wanted = await startLeave('L-2026-22');
  const max = await login(call, 'max', passwords.max);
  const task = (await call('GET', '/api/tasks', { token: max })).json.items.find((x) => x.businessKey === 'L-2026-22');
  assert.ok(task, 'the task of the second request');
  // The mail's link (mail_test.mjs checks the mail carries #task/ID), and the older #/tasks/ID.
  for (const hash of [`#task/${task.id}`, `#/tasks/${task.id}`]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${server.base}/tasklist/${hash}`);
    await page.locator('#username').fill('max');
    await page.locator('#password').fill(passwords.max);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#detail').waitFor();
    await page.waitForFunction(() => document.getElementById('d-key').textContent === 'L-2026-22');
    assert.equal(await page.locator('#d-name').innerText(), task.name);
    await context.close();
  }
  assert.ok(wanted);
});

test('on a phone, in Norwegian: the list, then the task full screen; Swedish labels for a Swedish user', async () => {
  await startLeave('L-2026-19');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'nb-NO' });
  const page = await phone.newPage();
  await logIn(page, 'mona'); // mona's locale is nb
  await page.getByRole('tab', { name: 'Mine oppgaver' }).waitFor();
  await page.getByRole('tab', { name: 'Alle' }).click();
  const item = page.locator('#task-list li', { hasText: 'L-2026-19' });
  await item.waitFor();
  await page.screenshot({ path: join(artefacts, '4-list-phone-nb.png'), fullPage: true });
  // No horizontal scrolling on a phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'fits the phone width');
  await item.locator('a').click();
  await page.locator('#detail').waitFor();
  assert.ok(!(await page.locator('#task-list').isVisible()), 'the task replaces the list on a phone');
  await page.getByRole('button', { name: 'Fullfør' }).waitFor();
  await page.getByRole('button', { name: 'Fullfør' }).click();
  await page.getByText('Working days må fylles ut.').waitFor(); // the form's own label, Norwegian sentence
  await page.screenshot({ path: join(artefacts, '5-task-phone-nb.png'), fullPage: true });
  await page.getByRole('button', { name: '← Tilbake til listen' }).click();
  await item.waitFor();
  await phone.close();

  // A Swedish user (eva, locale sv) sees Swedish labels and only her own tasks (none yet).
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  const sv = await context.newPage();
  await logIn(sv, 'eva');
  await sv.getByRole('tab', { name: 'Mina uppgifter' }).waitFor();
  await sv.getByText('Inga uppgifter. Bra jobbat!').waitFor();
  await sv.screenshot({ path: join(artefacts, '6-empty-sv.png') });
  // Switching language in the header.
  await sv.locator('#lang').selectOption('en');
  await sv.getByRole('tab', { name: 'My tasks' }).waitFor();
  // Log out: back to the login form; the old session is gone.
  await sv.getByRole('button', { name: 'Log out' }).click();
  await sv.locator('#login-view').waitFor();
  await context.close();
});

test('the requester sees her case in Swedish: the decision, the note, who decided and when', async () => {
  const instance = await startLeave('L-2026-23');
  const max = await login(call, 'max', passwords.max);
  const approve = (await call('GET', '/api/tasks', { token: max })).json.items.find((x) => x.businessKey === 'L-2026-23');
  // (days at most 3: the first test deployed a stricter form)
  const form = { approved: true, from: '2027-01-11', days: 3, kind: 'holiday', note: 'Trevlig ledighet!' };
  const done = await call('POST', `/api/tasks/${approve.id}/complete`, { token: max, body: { variables: form } });
  assert.equal(done.status, 200, done.body);
  // The booking system (an external worker) books it.
  const worker = { basic: `robot:${passwords.robot}` };
  const locked = await call('POST', '/engine-rest/external-task/fetchAndLock', { ...worker, body: {
    workerId: 'b1', maxTasks: 10, topics: [{ topicName: 'leave.book', lockDuration: 60000 }] } });
  const job = locked.json.find((x) => x.processInstanceId === String(instance));
  assert.ok(job, locked.body);
  const booked = await call('POST', `/engine-rest/external-task/${job.id}/complete`, { ...worker, body: {
    workerId: 'b1', variables: { bookingId: { value: 'B-1234', type: 'String' } } } });
  assert.equal(booked.status, 204, booked.body);

  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'sv-SE' });
  const page = await context.newPage();
  await logIn(page, 'eva'); // eva's locale is sv
  const item = page.locator('#task-list li', { hasText: 'L-2026-23' });
  await item.waitFor();
  // The name's {{days}} and {{from}} are filled in, in the list too.
  assert.match(await item.innerText(), /Read the answer about 3 days from 2027-01-11/);
  await item.locator('a').click();
  await page.locator('#detail').waitFor();
  await page.getByRole('heading', { name: 'Ärendet' }).waitFor();
  const facts = await page.locator('#d-case').innerText();
  assert.match(facts, /Approved\s+Ja/);
  assert.match(facts, /First day\s+11 januari 2027/);
  assert.match(facts, /Working days\s+3/);
  assert.match(facts, /Note from your manager\s+Trevlig ledighet!/);
  await page.getByRole('heading', { name: 'Tidigare steg' }).waitFor();
  assert.match(await page.locator('#d-steps').innerText(), /Approve leave: max, /);
  assert.equal(await page.locator('#d-doc').innerText(), 'Your leave is booked (B-1234).');
  await page.screenshot({ path: join(artefacts, '7-case-sv.png'), fullPage: true });
  await context.close();
});
