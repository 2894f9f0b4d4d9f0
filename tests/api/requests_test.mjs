// Requests end to end: an employee starts a deviation report from the task list with its start
// form, follows it in "my requests" (where it stands, who holds it), and withdraws it; others
// cannot see or withdraw it. First over the REST API (every answer checked against
// docs/openapi.json), then in headless Chromium in Swedish on a desktop and in Norwegian on a
// phone, with screenshots in ARTEFACTS (default build/test-artefacts/requests).
// usage: node requests_test.mjs ELVA [ARTEFACTS]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startElva, client, login, repo } from './harness.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] || join(repo, 'build', 'test-artefacts', 'requests');
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
let server, call, browser;

if (!executable) {
  if (process.env.CI === 'true') { console.error('FAIL: chromium is not installed (scripts/install-deps installs it)'); process.exit(1); }
  console.error('*** SKIPPED: no chromium; run scripts/install-deps ***');
  process.exit(77);
}

const users = [
  { id: 'eva', name: 'Eva Anställd', password: 'eva-secret-1', roles: ['employee'], groups: ['staff'], locale: 'sv' },
  { id: 'kari', name: 'Kari Ansatt', password: 'kari-secret1', roles: ['employee'], groups: ['staff'], locale: 'nb' },
  { id: 'bo', name: 'Bo Bystander', password: 'bo-secret-12', roles: ['employee'], groups: ['staff'] },
  { id: 'quinn', name: 'Quinn Quality', password: 'quinn-secret', roles: ['employee'], groups: ['quality'] },
];
const password = Object.fromEntries(users.map((u) => [u.id, u.password]));

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'elva-requests-'));
  writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
  // The deviation process mails; nothing in these tests reaches a mail step (port 9: discard).
  writeFileSync(join(dir, 'elva.toml'), '[connectors.mail]\nhost = "127.0.0.1"\nport = 9\ntls = "none"\nfrom = "Elva <elva@kommun.example>"\n');
  server = await startElva({
    elva,
    name: 'requests',
    deploy: [join(repo, 'processes', 'deviation.bpmn'), join(repo, 'processes', 'deviation-classification.dmn'), join(repo, 'processes', 'forms'),
      join(repo, 'processes', 'i18n')],
    users: join(dir, 'users.json'),
    args: ['--config', join(dir, 'elva.toml')],
  });
  call = client(server.base);
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const report = { category: 'quality', description: 'The door to the archive was left open overnight', personalInjury: false, unit: 'Kommunarkivet' };

test('REST: start with the start form, follow, withdraw; only one\'s own requests', async () => {
  const eva = await login(call, 'eva', password.eva);
  const bo = await login(call, 'bo', password.bo);
  const quinn = await login(call, 'quinn', password.quinn);

  const startable = await call('GET', '/api/startable', { token: eva });
  assert.equal(startable.status, 200);
  const deviation = startable.json.items.find((p) => p.process === 'deviation');
  assert.ok(deviation, 'the deviation process is startable by an employee');
  assert.equal(deviation.formKey, 'report-deviation');
  assert.equal(deviation.withdrawable, true);
  const form = await call('GET', '/api/startable/deviation', { token: eva });
  assert.equal(form.status, 200);
  assert.equal(form.json.form.id, 'report-deviation');
  assert.ok(form.json.form.schema.components.some((c) => c.key === 'description'));
  assert.equal((await call('GET', '/api/startable/no-such-process', { token: eva })).status, 404);

  // The start form checks what is sent: nothing started.
  const bad = await call('POST', '/api/instances', { token: eva, body: { process: 'deviation', variables: { category: 'weather', unit: 'X' } } });
  assert.equal(bad.status, 422);
  const fields = bad.json.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['category', 'description']);
  assert.equal(server.sql("SELECT count(*) FROM instances WHERE process_id = 'deviation'"), '0');
  // A field that is not on the form is refused too.
  const extra = await call('POST', '/api/instances', { token: eva, body: { process: 'deviation', variables: { ...report, classification: { severity: 'low' } } } });
  assert.equal(extra.status, 422);

  const started = await call('POST', '/api/instances', { token: eva, body: { process: 'deviation', variables: report } });
  assert.equal(started.status, 201);
  const id = started.json.id;
  // History names eva as the one who started it, and the initiator variable has her id.
  assert.equal(server.sql(`SELECT actor FROM history WHERE instance_id = ${id} AND kind = 'started'`), 'user:eva');
  assert.equal(server.sql(`SELECT variables->>'reportedBy' FROM instances WHERE id = ${id}`), 'eva');

  // eva reads Swedish (her locale; processes/i18n/sv.json is deployed), unless she asks otherwise.
  const mine = await call('GET', '/api/requests', { token: eva });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.items.length, 1);
  const r = mine.json.items[0];
  assert.equal(r.id, id);
  assert.equal(r.process.name, 'Avvikelsehantering');
  assert.equal(r.status, 'active');
  assert.equal(r.withdrawable, true);
  assert.deepEqual(r.current.map((s) => [s.name, s.assignee, s.candidateGroups]), [['Utred och besluta om åtgärder', null, ['quality']]]);
  const english = await call('GET', '/api/requests', { token: eva, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
  assert.equal(english.json.items[0].process.name, 'Deviation handling');
  assert.equal(english.json.items[0].current[0].name, 'Investigate and decide measures');
  const norsk = await call('GET', '/api/startable/deviation', { token: eva, headers: { 'accept-language': 'nb' } });
  assert.equal(norsk.json.name, 'Avvikshåndtering');
  assert.equal(norsk.json.form.schema.components.find((c) => c.key === 'category').values.find((v) => v.value === 'hse').label, 'Helse, miljø og sikkerhet (HMS)');
  // The task itself, for the quality group, in Swedish: name, instructions, form and summary.
  const task = (await call('GET', `/api/tasks?instance=${id}`, { token: quinn, headers: { 'accept-language': 'sv' } })).json.items[0];
  assert.equal(task.name, 'Utred och besluta om åtgärder');
  const read = (await call('GET', `/api/tasks/${task.id}`, { token: quinn, headers: { 'accept-language': 'sv' } })).json;
  assert.equal(read.process.name, 'Avvikelsehantering');
  assert.match(read.documentation, /Ta reda på vad som hände/);
  assert.deepEqual(read.summary.map((f) => f.label).slice(0, 2), ['Vad hände', 'Kategori']);
  assert.ok(!JSON.stringify(read.form.schema).includes('"label":"Cause"'), 'the form is translated');
  assert.ok(r.current[0].due, 'the investigation has a due date');
  assert.equal((await call('GET', '/api/requests', { token: bo })).json.items.length, 0, 'bo started nothing');
  assert.equal((await call('GET', '/api/requests?state=completed', { token: eva })).json.items.length, 0);
  assert.equal((await call('GET', '/api/requests?state=someday', { token: eva })).status, 400);

  // Someone else's request: as if it did not exist.
  assert.equal((await call('POST', `/api/requests/${id}/withdraw`, { token: bo })).status, 404);
  const withdrawn = await call('POST', `/api/requests/${id}/withdraw`, { token: eva });
  assert.equal(withdrawn.status, 200);
  assert.equal(withdrawn.json.status, 'completed');
  assert.deepEqual(withdrawn.json.current, []);
  assert.equal(server.sql(`SELECT count(*) FROM user_tasks WHERE instance_id = ${id} AND state = 'open'`), '0');
  assert.equal(server.sql(`SELECT count(*) FROM history WHERE instance_id = ${id} AND element_id = 'withdrawnEnd'`) !== '0', true);
  const again = await call('POST', `/api/requests/${id}/withdraw`, { token: eva });
  assert.equal(again.status, 409);
  assert.match(again.json.detail, /already ended/);

  // Past the point where the process allows it: the investigation is done.
  const second = await call('POST', '/api/instances', { token: eva, body: { process: 'deviation', variables: report } });
  const next = (await call('GET', `/api/tasks?instance=${second.json.id}`, { token: quinn })).json.items[0];
  assert.equal((await call('POST', `/api/tasks/${next.id}/complete`, { token: quinn, body: { variables: { cause: 'No routine', measure1: 'Write a routine', due1: '2027-01-15' } } })).status, 200);
  const late = await call('POST', `/api/requests/${second.json.id}/withdraw`, { token: eva });
  assert.equal(late.status, 409);
  assert.match(late.json.detail, /can no longer be withdrawn/);
  const now = (await call('GET', '/api/requests?state=active', { token: eva })).json.items;
  // It says so in the list too: no longer withdrawable.
  assert.deepEqual(now.map((x) => [x.id, x.withdrawable, x.current.length]), [[second.json.id, false, 1]]);
});

async function logIn(page, user) {
  await page.goto(`${server.base}/`);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(password[user]);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#tasks-view').waitFor();
}

for (const { lang, user, viewport, phone, words } of [
  { lang: 'sv', user: 'eva', viewport: { width: 1280, height: 860 }, phone: false,
    words: { start: 'Starta ett ärende', send: 'Skicka', mine: 'Mina ärenden', required: 'måste fyllas i', waiting: 'väntar på quality', withdraw: 'Dra tillbaka', done: 'Klart', active: 'Pågår',
      process: 'Avvikelsehantering', step: 'Utred och besluta om åtgärder', kind: 'Typ av avvikelse',
      atLeast: 'måste vara minst 0', fix: 'Några fält behöver rättas.', gone: 'Det här finns inte längre',
      mail: 'E-post', digest: 'Ett mejl om dagen med alla mina öppna uppgifter', save: 'Spara', saved: 'Dina e-postinställningar är sparade.' } },
  { lang: 'nb', user: 'kari', viewport: { width: 390, height: 844 }, phone: true,
    words: { start: 'Start en sak', send: 'Send', mine: 'Mine saker', required: 'må fylles ut', waiting: 'venter på quality', withdraw: 'Trekk tilbake', done: 'Ferdig', active: 'Under behandling',
      process: 'Avvikshåndtering', step: 'Undersøk og bestem tiltak', kind: 'Type avvik',
      atLeast: 'må være minst 0', fix: 'Noen felt må rettes.', gone: 'Dette finnes ikke lenger',
      mail: 'E-post', digest: 'Én e-post om dagen med alle de åpne oppgavene mine', save: 'Lagre', saved: 'E-postinnstillingene dine er lagret.' } },
]) {
  test(`browser (${lang}, ${phone ? 'phone' : 'desktop'}): start a request with its form, follow it, withdraw it`, async () => {
    const context = await browser.newContext({ viewport, locale: lang, isMobile: phone, hasTouch: phone });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => d.accept());
    await logIn(page, user);
    const shot = (name) => page.screenshot({ path: join(artefacts, `${lang}-${phone ? 'phone' : 'desktop'}-${name}.png`), fullPage: true });

    await page.getByRole('link', { name: words.start }).click();
    await page.locator('#start-list li').first().waitFor();
    await shot('1-startable');
    await page.locator('#start-list a', { hasText: words.process }).click();
    await page.locator('#s-fields [data-key=description]').waitFor();
    // A translated process shows no English: the start form's labels, options and text.
    const formText = await page.locator('#start-detail').innerText();
    assert.match(formText, new RegExp(words.kind));
    for (const english of ['Report a deviation', 'Kind of deviation', 'What happened', 'Someone was hurt', 'Unit where', 'Health, safety', 'Deviation handling', 'Send'].filter((w) => w !== words.send)) {
      assert.ok(!formText.includes(english), `"${english}" is shown in ${lang}`);
    }
    // Sent empty: the form says what is missing, in the user's language.
    await page.getByRole('button', { name: words.send }).click();
    await assert.doesNotReject(page.locator('#s-fields').getByText(words.required).first().waitFor());
    await shot('2-start-form-errors');
    await page.locator('#s-fields select[name=category]').selectOption('quality');
    await page.locator('#s-fields textarea[name=description]').fill('Ett fönster i arkivet stod öppet');
    await page.locator('#s-fields input[name=unit]').fill('Arkivet');
    // The server's own refusal (a rule broken past the page's checks) is said in the user's
    // language too: from the rule's code and the field's translated label.
    await page.route('**/api/instances', (route) => {
      const body = JSON.parse(route.request().postData());
      body.variables.costEstimate = -5;
      route.continue({ postData: JSON.stringify(body) });
    });
    await page.getByRole('button', { name: words.send }).click();
    const refusal = page.locator('#s-fields .field[data-key=costEstimate] .field-error');
    await refusal.waitFor();
    assert.match(await refusal.innerText(), new RegExp(words.atLeast));
    assert.doesNotMatch(await refusal.innerText(), /must|Cost/);
    assert.equal(await page.locator('#s-error').innerText(), words.fix);
    await shot('2b-server-refusal');
    await page.unroute('**/api/instances');
    await page.getByRole('button', { name: words.send }).click();

    // Lands on "my requests": where it stands and who holds it.
    const item = page.locator('#request-list li').first();
    await item.waitFor();
    assert.match(await page.locator('[data-view=requests]').getAttribute('aria-current'), /page/);
    const text = await item.innerText();
    assert.match(text, new RegExp(words.process));
    assert.match(text, new RegExp(words.active));
    assert.match(text, new RegExp(`${words.step}: ${words.waiting}`));
    assert.doesNotMatch(text, /Deviation|Investigate|started|due/);
    await shot('3-my-requests');

    await item.getByRole('button', { name: words.withdraw }).click();
    await page.waitForFunction((done) => document.querySelector('#request-list li')?.innerText.includes(done), words.done);
    assert.equal(await item.getByRole('button', { name: words.withdraw }).count(), 0);
    await shot('4-withdrawn');

    // Mail: one digest a day at 06:30 instead of a mail per task, in the device's time zone.
    await page.getByRole('link', { name: words.mail }).click();
    await page.waitForFunction(() => document.querySelector('#mail-form [name=mode]:checked')?.value === 'each');
    await page.getByLabel(words.digest).check();
    await page.locator('#digest-at').fill('06:30');
    await page.getByRole('button', { name: words.save }).click();
    await page.locator('#toast', { hasText: words.saved }).waitFor();
    await shot('5-mail-settings');
    const mine = await login(call, user, password[user]);
    const settings = (await call('GET', '/api/me/prompts', { token: mine })).json;
    assert.equal(settings.mode, 'digest');
    assert.equal(settings.digestAt, '06:30');
    assert.equal(settings.quietHours, null, 'quiet hours left untouched stay the server\'s');
    assert.equal(settings.timeZone, await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone));
    // A link to a task that is gone: the page says so in the user's language, not the server's.
    await page.goto(`${server.base}/tasklist/#task/987654321`);
    await page.locator('#toast', { hasText: words.gone }).waitFor();
    assert.doesNotMatch(await page.locator('#toast').innerText(), /there is no task/);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
