// The cockpit end to end in headless Chromium (Debian's chromium driven by playwright-core): an
// administrator sees the deployed processes with their running instances and incidents, opens a
// process's diagram (bpmn-js, served from the binary) whose token counts equal what the store
// holds instance by instance, turns on the heatmap, searches instances, opens the one with an
// incident, retries it and cancels another. Migration with a renamed step mapped by hand, and a
// stuck job run again and then completed by hand. A phone-sized screen, Swedish labels, and an employee
// who is sent to the task list. Screenshots in ARTEFACTS (default build/test-artefacts/cockpit).
// usage: node cockpit_browser_test.mjs ELVA [ARTEFACTS]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startElva, client, login, passwords, here, fixtures, repo } from './harness.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] || join(repo, 'build', 'test-artefacts', 'cockpit');
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
let server, call, browser, seeded;

if (!executable) {
  if (process.env.CI === 'true') { console.error('FAIL: chromium is not installed (scripts/install-deps installs it)'); process.exit(1); }
  console.error('*** SKIPPED: no chromium; run scripts/install-deps ***');
  process.exit(77);
}

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  server = await startElva({ elva, name: 'cockpit', deploy: [fixtures, join(here, 'cockpit')] });
  call = client(server.base);
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function until(what, predicate, ms = 15000) {
  const t0 = Date.now();
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Five applications; the register check of P-1 is done, that of P-2 failed for good (an
// incident). The rest wait at both branches. Eva (staff) applies.
async function seed() {
  const eva = await login(call, 'eva', passwords.eva);
  const ids = {};
  for (let n = 1; n <= 5; n++) {
    const r = await call('POST', '/api/instances', { token: eva, body: { process: 'street-permit', businessKey: `P-${n}`,
      variables: { area: n % 2 ? 'Centrum' : 'Norr', metres: n * 10 } } });
    assert.equal(r.status, 201, r.body);
    ids[n] = r.json.id;
  }
  const robot = `robot:${passwords.robot}`;
  const locked = await call('POST', '/engine-rest/external-task/fetchAndLock', { basic: robot,
    body: { workerId: 'register', maxTasks: 10, topics: [{ topicName: 'permit.check', lockDuration: 60000 }] } });
  assert.equal(locked.status, 200, locked.body);
  const byInstance = Object.fromEntries(locked.json.map((j) => [Number(j.processInstanceId), j.id]));
  let r = await call('POST', `/engine-rest/external-task/${byInstance[ids[1]]}/complete`, { basic: robot, body: { workerId: 'register' } });
  assert.equal(r.status, 204, r.body);
  r = await call('POST', `/engine-rest/external-task/${byInstance[ids[2]]}/failure`, { basic: robot,
    body: { workerId: 'register', errorMessage: 'The register did not answer', retries: 0 } });
  assert.equal(r.status, 204, r.body);
  for (const n of [3, 4, 5]) {
    r = await call('POST', `/engine-rest/external-task/${byInstance[ids[n]]}/unlock`, { basic: robot });
    assert.equal(r.status, 204, r.body);
  }
  return ids;
}

// What the store says, instance by instance (GET /api/instances/{id}), per element.
async function storeCounts(token, ids) {
  const tokens = {}, incidents = {};
  for (const id of Object.values(ids)) {
    const r = await call('GET', `/api/instances/${id}`, { token });
    if (r.json.status !== 'active' && r.json.status !== 'incident') continue;
    for (const a of r.json.active) tokens[a.element] = (tokens[a.element] || 0) + 1;
    for (const j of r.json.joins) for (const n of Object.values(j.arrived)) tokens[j.element] = (tokens[j.element] || 0) + n;
    for (const i of r.json.incidents) if (!i.resolvedAt) incidents[i.element] = (incidents[i.element] || 0) + 1;
  }
  return { tokens, incidents };
}

// What the diagram shows: its overlays' numbers per element.
async function diagramCounts(page) {
  return page.evaluate(() => {
    const out = { tokens: {}, incidents: {} };
    for (const s of document.querySelectorAll('#process-diagram .count')) {
      out[s.dataset.kind === 'incident' ? 'incidents' : 'tokens'][s.dataset.element] = Number(s.textContent);
    }
    return out;
  });
}

async function logIn(page, user) {
  await page.goto(`${server.base}/cockpit`);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(passwords[user]);
  await page.locator('#login-form button[type=submit]').click();
}

test('an administrator follows, searches, retries and cancels instances in the cockpit', async () => {
  const ids = await seed();
  seeded = ids;
  const admin = await login(call, 'admin', passwords.admin);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('dialog', (d) => d.accept());
  page.on('response', (r) => { if (r.status() >= 400) consoleErrors.push(`${r.status()} ${r.url()}`); });

  // The processes, with what runs and what fails.
  await logIn(page, 'admin');
  const row = page.locator('#processes tr[data-process="street-permit"]');
  await row.waitFor();
  assert.match(await row.innerText(), /Street permit[\s\S]*\b5\b[\s\S]*\b1\b/);
  assert.match(await page.locator('#processes tr[data-process="leave-request"]').innerText(), /Leave request/);
  await page.screenshot({ path: join(artefacts, '1-processes.png'), fullPage: true });

  // The diagram, drawn from the deployed XML, with a count at each element that has tokens.
  await row.locator('a').click();
  await page.locator('#process-diagram .count').first().waitFor();
  await page.locator('#process-diagram .djs-element[data-element-id="review"]').waitFor();
  const shown = await diagramCounts(page);
  const stored = await storeCounts(admin, ids);
  assert.deepEqual(shown, stored);
  assert.equal(shown.tokens.review, 5);
  assert.equal(shown.tokens.check, 3 + 1);
  assert.equal(shown.tokens.join, 1, "P-1's register check is done: its token waits at the join for the review");
  assert.equal(shown.incidents.check, 1);
  // The table says the same, for those who do not read diagrams.
  assert.match(await page.locator('#elements tr[data-element="check"]').innerText(), /Check the register\s+4\s+1/);
  // The heatmap marks the steps that have completed (only the register check so far).
  await page.locator('#heat').check();
  await until('the heatmap', () => page.locator('#process-diagram .djs-element.heat-4[data-element-id="check"]').count());
  assert.equal(await page.locator('#process-diagram .djs-element[data-element-id="review"][class*="heat-"]').count(), 0);
  await page.screenshot({ path: join(artefacts, '2-process-diagram.png'), fullPage: true });

  // Search: all five, then by case, by state, by where they wait, by a variable, by date.
  const results = page.locator('#instances tbody tr');
  await until('five instances listed', async () => (await results.count()) === 5);
  const search = async (fill) => {
    await page.locator('#q-key').fill(''); await page.locator('#q-status').selectOption('');
    await page.locator('#q-element').selectOption(''); await page.locator('#q-variable').fill(''); await page.locator('#q-value').fill('');
    await page.locator('#q-from').fill('');
    await fill();
    await page.locator('#search button[type=submit]').click();
  };
  const listed = async () => (await results.evaluateAll((rows) => rows.map((r) => Number(r.dataset.instance)))).sort();
  await search(() => page.locator('#q-key').fill('P-3'));
  await until('P-3 alone', async () => JSON.stringify(await listed()) === JSON.stringify([ids[3]]));
  await search(() => page.locator('#q-status').selectOption('incident'));
  await until('the failing one', async () => JSON.stringify(await listed()) === JSON.stringify([ids[2]]));
  await search(() => page.locator('#q-element').selectOption('check'));
  await until('four at the check', async () => (await listed()).length === 4 && !(await listed()).includes(ids[1]));
  await search(() => page.locator('#q-element').selectOption('join'));
  await until('P-1 waits at the join', async () => JSON.stringify(await listed()) === JSON.stringify([ids[1]]));
  await search(async () => { await page.locator('#q-variable').fill('area'); await page.locator('#q-value').fill('Norr'); });
  await until('the two in Norr', async () => JSON.stringify(await listed()) === JSON.stringify([ids[2], ids[4]].sort()));
  await search(() => page.locator('#q-from').fill('2099-01-01'));
  await page.locator('#instances-empty').waitFor();

  // The instance with the incident: where it is, why, and a retry.
  await page.goto(`${server.base}/cockpit/#instance/${ids[2]}`);
  await page.locator('#incidents li').waitFor();
  assert.match(await page.locator('#incidents li').innerText(), /Check the register[\s\S]*The register did not answer/);
  assert.match(await page.locator('#instance-facts').innerText(), /P-2/);
  assert.match(await page.locator('#variables').innerText(), /area\s+"Norr"/);
  assert.match(await page.locator('#timeline').innerText(), /started/);
  await page.locator('#instance-diagram .djs-element.failed[data-element-id="check"]').waitFor();
  await page.screenshot({ path: join(artefacts, '3-instance-incident.png'), fullPage: true });
  await page.locator('#incidents button.retry').click();
  await page.locator('#no-incidents').waitFor();
  const after = await call('GET', `/api/instances/${ids[2]}`, { token: admin });
  assert.equal(after.json.openIncidents, 0);
  assert.ok(after.json.active.some((a) => a.element === 'check'), 'the register check waits for its worker again');

  // Cancel P-5 from its page.
  await page.goto(`${server.base}/cockpit/#instance/${ids[5]}`);
  await page.locator('#cancel').click();
  await until('the cancelled state', async () => /cancelled/i.test(await page.locator('#instance-state').innerText()));
  assert.equal((await call('GET', `/api/instances/${ids[5]}`, { token: admin })).json.status, 'terminated');
  assert.ok(await page.locator('#cancel').isHidden());

  // Back on the process: the counts follow (P-5 gone, the incident resolved).
  await page.locator('#back-to-process').click();
  await until('the counts after cancel', async () => {
    const c = await diagramCounts(page);
    return c.tokens.review === 4 && !c.incidents.check;
  });
  assert.deepEqual(await diagramCounts(page), await storeCounts(admin, ids));
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the cockpit on a phone, in Swedish, and not for employees', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'sv-SE', isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await logIn(page, 'dev');
  await page.locator('#processes tr[data-process="street-permit"]').waitFor();
  assert.equal(await page.locator('#processes-view h1').innerText(), 'Processer');
  await page.locator('#processes tr[data-process="street-permit"] a').click();
  await page.locator('#process-diagram .count').first().waitFor();
  assert.equal(await page.locator('#process-view h2').first().innerText(), 'Var instanserna är');
  // Nothing wider than the screen but the tables, which scroll in their own box.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
  // A developer sees incidents but may not retry or cancel.
  await page.locator('#instances tbody tr a').first().click();
  await page.locator('#instance-facts dt').first().waitFor();
  assert.ok(await page.locator('#cancel').isHidden());
  assert.equal(await page.locator('#incidents button').count(), 0);
  await page.screenshot({ path: join(artefacts, '4-phone-instance-sv.png'), fullPage: true });
  await page.locator('#back-to-process').click();
  await page.locator('#process-diagram .count').first().waitFor();
  await page.screenshot({ path: join(artefacts, '5-phone-process-sv.png'), fullPage: true });

  // An employee is sent to the task list.
  await page.locator('#logout').click();
  await logIn(page, 'eva');
  await page.locator('#denied-view').waitFor();
  assert.match(await page.locator('#denied-view a').getAttribute('href'), /tasklist/);
  assert.deepEqual(consoleErrors, []);
  await context.close();
});

test('the organisation as a network: hand-offs between units, persons only in units of 5 or more', async () => {
  assert.ok(seeded, 'runs after the first test');
  // Max (managers) reviews P-1 and P-3; Mona (managers) decides P-1 (its register check is done).
  const max = await login(call, 'max', passwords.max);
  const mona = await login(call, 'mona', passwords.mona);
  for (const n of [1, 3]) {
    const tasks = await call('GET', `/api/tasks?instance=${seeded[n]}`, { token: max });
    const review = tasks.json.items.find((x) => x.element === 'review');
    assert.equal((await call('POST', `/api/tasks/${review.id}/complete`, { token: max, body: { variables: {} } })).status, 200);
  }
  const decide = (await call('GET', `/api/tasks?instance=${seeded[1]}`, { token: mona })).json.items.find((x) => x.element === 'decide');
  assert.equal((await call('POST', `/api/tasks/${decide.id}/complete`, { token: mona, body: { variables: {} } })).status, 200);

  const admin = await login(call, 'admin', passwords.admin);
  const units = (await call('GET', '/api/network?process=street-permit', { token: admin })).json;
  // Eva started five cases; two reached a manager. Within the managers' unit nothing is handed off.
  assert.deepEqual(units.nodes.map((n) => [n.id, n.kind, n.actions, n.people]), [['managers', 'unit', 3, 2], ['staff', 'unit', 5, 1]].sort((a, b) => b[2] - a[2]));
  assert.deepEqual(units.handoffs.map((h) => [h.from, h.to, h.count]), [['staff', 'managers', 2]]);
  assert.deepEqual(units.together, [{ a: 'managers', b: 'staff', cases: 2 }]);
  // The CLI says the same.
  const cli = spawnSync(elva, ['network', 'street-permit', '--db', server.url], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /staff -> managers: 2,/);
  // Process mining's handover-of-work matrix, computed from the OCEL 2.0 export (units the
  // events are "on behalf of", consecutive in each case), is the network's.
  const ocel = spawnSync(elva, ['history', 'export', 'street-permit', '--format', 'ocel', '--db', server.url], { encoding: 'utf8' });
  assert.equal(ocel.status, 0, ocel.stderr);
  const byCase = new Map();
  for (const e of JSON.parse(ocel.stdout).events) {
    const kase = e.relationships.find((r) => r.qualifier === 'case').objectId;
    const unit = e.relationships.find((r) => r.qualifier === 'on behalf of')?.objectId.replace(/^unit:/, '');
    if (!unit) continue;
    if (!byCase.has(kase)) byCase.set(kase, []);
    const seq = byCase.get(kase);
    if (seq[seq.length - 1] !== unit) seq.push(unit);
  }
  const matrix = {};
  for (const seq of byCase.values()) {
    for (let i = 1; i < seq.length; i++) matrix[`${seq[i - 1]} -> ${seq[i]}`] = (matrix[`${seq[i - 1]} -> ${seq[i]}`] || 0) + 1;
  }
  assert.deepEqual(matrix, Object.fromEntries(units.handoffs.map((h) => [`${h.from} -> ${h.to}`, h.count])));

  // Two managers are fewer than 5: asked for persons, they stay their unit...
  let people = (await call('GET', '/api/network?process=street-permit&people=true', { token: admin })).json;
  assert.deepEqual(people.nodes.map((n) => n.id).sort(), ['managers', 'staff']);
  // ...until the unit has 5 people: then Max and Mona appear, and the hand-off between them.
  const more = ['ulla', 'kim', 'ali', 'sara'].map((id) => ({ id, password: `${id}-secret-pw`, roles: ['employee'], groups: ['managers'] }));
  assert.equal((await call('POST', '/api/users', { token: admin, body: { users: more } })).status, 200);
  people = (await call('GET', '/api/network?process=street-permit&people=true', { token: admin })).json;
  assert.deepEqual(people.nodes.map((n) => [n.id, n.kind]).sort(), [['max', 'person'], ['mona', 'person'], ['staff', 'unit']]);
  assert.deepEqual(people.handoffs.map((h) => [h.from, h.to, h.count]), [['staff', 'max', 2], ['max', 'mona', 1]]);

  // In the cockpit: the graph and its tables.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logIn(page, 'admin');
  await page.locator('#processes tr').first().waitFor();
  await page.locator('#top-nav a[href="#network"]').click();
  await page.locator('#n-process').selectOption('street-permit');
  await page.locator('#network-form button[type=submit]').click();
  await page.locator('#network-graph g.handoff[data-from="staff"][data-to="managers"]').waitFor();
  assert.equal(await page.locator('#network-graph g.node').count(), 2);
  assert.match(await page.locator('#handoffs tbody tr').first().innerText(), /staff\s+managers\s+2/);
  await page.screenshot({ path: join(artefacts, '6-network-units.png'), fullPage: true });
  await page.locator('#n-people').check();
  await page.locator('#network-form button[type=submit]').click();
  await page.locator('#network-graph g.node.person[data-node="max"]').waitFor();
  assert.equal(await page.locator('#network-graph g.handoff[data-from="max"][data-to="mona"]').count(), 1);
  await page.screenshot({ path: join(artefacts, '7-network-people.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an administrator migrates the running instances to a new version and moves a case', async () => {
  assert.ok(seeded, 'runs after the first tests');
  const dev = await login(call, 'dev', passwords.dev);
  const admin = await login(call, 'admin', passwords.admin);
  const source = readFileSync(join(here, 'cockpit', 'street-permit.bpmn'), 'utf8').replace('name="Decide"', 'name="Decide on the permit"');
  const deployed = await call('POST', '/api/deployments', { token: dev, body: { files: [{ name: 'street-permit.bpmn', content: source }] } });
  assert.equal(deployed.status, 201, deployed.body);
  const running = async (version) => (await call('GET', '/api/definitions/street-permit/versions', { token: admin })).json
    .versions.find((v) => v.version === version).instances.active;
  const before = await running(1);
  assert.ok(before >= 3, `instances on version 1: ${before}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  await logIn(page, 'admin');
  await page.locator('#processes tr[data-process="street-permit"] a').click();
  await page.locator('#migrate-panel').waitFor();
  assert.equal(await page.locator('#m-from').inputValue(), '1');
  assert.equal(await page.locator('#m-to').inputValue(), '2');
  await page.locator('#m-check').click();
  await page.locator('#m-summary').waitFor();
  assert.match(await page.locator('#m-summary').innerText(), new RegExp(`${before} running on version 1; moving them to version 2:.*can move: ${before}`));
  // No reason, no migration.
  await page.locator('#m-run').click();
  assert.match(await page.locator('#m-error').innerText(), /Give a reason/);
  await page.locator('#m-reason').fill('ticket 4711: the decision step is renamed');
  await page.locator('#m-run').click();
  await until('the instances on version 2', async () => (await running(1)) === 0);
  assert.equal(await running(2), before);
  await page.screenshot({ path: join(artefacts, '8-migrated.png'), fullPage: true });

  // P-4 waits at the review (and the register check): move it on to the decision.
  await page.goto(`${server.base}/cockpit/#instance/${seeded[4]}`);
  await page.locator('#modify-panel').waitFor();
  await page.locator('#x-cancel').selectOption('review');
  await page.locator('#x-start').selectOption('decide');
  await page.locator('#x-reason').fill('reviewed on paper');
  await page.locator('#x-run').click();
  await until('the case at the decision', async () => {
    const r = await call('GET', `/api/instances/${seeded[4]}`, { token: admin });
    const at = r.json.active.map((a) => a.element);
    return at.includes('decide') && !at.includes('review');
  });
  await page.locator('#instance-diagram .djs-element.active[data-element-id="decide"]').waitFor();
  // A move the engine refuses is explained where it was asked for.
  await page.locator('#x-cancel').selectOption('');
  await page.locator('#x-start').selectOption('');
  await page.locator('#x-reason').fill('nothing');
  await page.locator('#x-run').click();
  await page.locator('#x-error').waitFor();
  assert.ok((await page.locator('#x-error').innerText()).length > 10);
  await page.screenshot({ path: join(artefacts, '9-moved.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the dashboards show the stats of a process, per unit too', async () => {
  const dev = await login(call, 'dev', passwords.dev);
  const stats = (await call('GET', '/api/stats/street-permit?by=unit', { token: dev })).json;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await logIn(page, 'dev');
  await page.locator('#processes tr').first().waitFor();
  await page.goto(`${server.base}/cockpit/dashboards`);
  await page.locator('#dashboards-view').waitFor();
  assert.match(page.url(), /\/cockpit\/#dashboards$/);
  await page.locator('#d-process').selectOption('street-permit');
  await page.locator('#d-units').check();
  await page.locator('#dashboard-form button[type=submit]').click();
  await page.locator('#d-unit-table tbody tr').first().waitFor();
  assert.equal(await page.locator('#d-figures [data-figure="started"] b').innerText(), String(stats.instances.started));
  assert.equal(await page.locator('#d-figures [data-figure="running"] b').innerText(), String(stats.instances.running));
  assert.equal(await page.locator('#d-steps tbody tr').count(), stats.steps.length);
  assert.match(await page.locator('#d-steps tr[data-element="review"]').innerText(), new RegExp(`Review the application\\s+${stats.steps.find((x) => x.element === 'review').completed}`));
  assert.equal(await page.locator('#d-weeks rect').count(), 2 * stats.throughput.length);
  assert.deepEqual((await page.locator('#d-unit-table tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.unit))).sort(),
    stats.units.map((u) => u.unit).sort());
  await page.screenshot({ path: join(artefacts, '10-dashboard.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('an administrator maps a renamed step when migrating, and runs again or completes a job by hand', async () => {
  assert.ok(seeded, 'runs after the migration and dashboard tests (it renames a step in a new version)');
  const dev = await login(call, 'dev', passwords.dev);
  const admin = await login(call, 'admin', passwords.admin);
  // Version 3 renames the review step: instances waiting there need a mapping.
  const source = readFileSync(join(here, 'cockpit', 'street-permit.bpmn'), 'utf8').replaceAll('"review"', '"reviewApplication"');
  const deployed = await call('POST', '/api/deployments', { token: dev, body: { files: [{ name: 'street-permit.bpmn', content: source }] } });
  assert.equal(deployed.status, 201, deployed.body);
  const versions = async () => (await call('GET', '/api/definitions/street-permit/versions', { token: admin })).json.versions;
  const running = async (version) => (await versions()).find((v) => v.version === version).instances.active;
  const onTwo = await running(2);
  assert.ok(onTwo >= 1, `instances on version 2: ${onTwo}`);
  const atReview = [];
  for (const id of Object.values(seeded)) {
    const r = await call('GET', `/api/instances/${id}`, { token: admin });
    if (r.json.version === 2 && r.json.active.some((a) => a.element === 'review')) atReview.push(id);
  }
  assert.ok(atReview.length >= 1, 'some instance waits at the review');

  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => d.accept());
  await logIn(page, 'admin');
  await page.goto(`${server.base}/cockpit/#process/street-permit/3`);
  await page.locator('#migrate-panel').waitFor();
  await page.locator('#m-from').selectOption('2');
  await page.locator('#m-to').selectOption('3');
  await page.locator('#m-check').click();
  await page.locator('#m-unmapped select[data-from="review"]').waitFor();
  assert.match(await page.locator('#m-summary').innerText(), new RegExp(`need a mapping: ${atReview.length}`));
  assert.match(await page.locator('#m-unmapped').innerText(), /version 3 has no 'review'/);
  // Only elements of the same type are offered.
  const offered = await page.locator('#m-unmapped select[data-from="review"] option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.includes('reviewApplication') && offered.includes('decide') && !offered.includes('check') && !offered.includes('join'), offered.join());
  await page.locator('#m-unmapped select[data-from="review"]').selectOption('reviewApplication');
  await page.locator('#m-recheck').click();
  await until('the plan with the mapping', async () => /can move: \d+$/.test(await page.locator('#m-summary').innerText())
    && !(await page.locator('#m-summary').innerText()).includes('need a mapping'));
  assert.match(await page.locator('#m-summary').innerText(), new RegExp(`can move: ${onTwo}$`));
  assert.match(await page.locator('#m-mapped').innerText(), /1 mapped by hand\. Review the application → Review the application/);
  // Checking again keeps the mapping.
  await page.locator('#m-check').click();
  await until('the same plan', async () => /1 mapped by hand/.test(await page.locator('#m-mapped').innerText()));
  assert.match(await page.locator('#m-summary').innerText(), new RegExp(`can move: ${onTwo}$`));
  await page.screenshot({ path: join(artefacts, '10-migration-mapping.png'), fullPage: true });
  await page.locator('#m-reason').fill('ticket 4712: the review step has a new id');
  await page.locator('#m-run').click();
  await until('the instances on version 3', async () => (await running(2)) === 0);
  const moved = await call('GET', `/api/instances/${atReview[0]}`, { token: admin });
  assert.equal(moved.json.version, 3);
  assert.ok(moved.json.active.some((a) => a.element === 'reviewApplication'), JSON.stringify(moved.json.active));

  // Jobs: the register check waits for its worker. Run it again, then complete it by hand.
  const jobsOf = async (id) => (await call('GET', `/api/jobs?instance=${id}`, { token: admin })).json.items;
  let id = null;
  for (const candidate of Object.values(seeded)) {
    if ((await jobsOf(candidate)).some((j) => j.element === 'check')) { id = candidate; break; }
  }
  assert.ok(id, 'an instance with a waiting register check');
  const before = (await jobsOf(id)).find((j) => j.element === 'check');
  await page.goto(`${server.base}/cockpit/#instance/${id}`);
  await page.locator(`#jobs tr[data-job="${before.key}"]`).waitFor();
  assert.match(await page.locator(`#jobs tr[data-job="${before.key}"]`).innerText(), /Check the register\s+permit\.check/);
  // No reason, nothing done.
  await page.locator(`#jobs button.job-retry[data-job="${before.key}"]`).click();
  assert.match(await page.locator('#j-error').innerText(), /Give a reason/);
  await page.locator('#j-reason').fill('the register is back');
  await page.locator(`#jobs button.job-retry[data-job="${before.key}"]`).click();
  await until('a new attempt', async () => (await jobsOf(id)).some((j) => j.element === 'check' && j.key !== before.key));
  const again = (await jobsOf(id)).find((j) => j.element === 'check');
  assert.equal(again.retries, 3);
  await page.locator(`#jobs tr[data-job="${again.key}"]`).waitFor();
  await page.locator('#j-reason').fill('checked by phone');
  await page.locator('#j-result').fill('[1]');
  await page.locator(`#jobs button.job-complete[data-job="${again.key}"]`).click();
  assert.match(await page.locator('#j-error').innerText(), /not a JSON object/);
  await page.locator('#j-result').fill('{"registered": true}');
  await page.locator(`#jobs button.job-complete[data-job="${again.key}"]`).click();
  await until('the check completed', async () => !(await jobsOf(id)).some((j) => j.element === 'check'));
  const after = await call('GET', `/api/instances/${id}`, { token: admin });
  assert.equal(after.json.variables.registered, true);
  assert.ok(after.json.history.some((h) => h.kind === 'operator' && JSON.stringify(h).includes('checked by phone')),
    'the reason is in the history');
  await page.locator('#no-jobs').waitFor();
  await page.screenshot({ path: join(artefacts, '11-job-completed.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});
