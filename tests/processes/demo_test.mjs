// `elva demo`, the main job, as a newcomer runs it (on a fresh database of the test server instead
// of the embedded one): the demo HR system, mail sink and portal come up, the library is
// deployed, users come from HR, three instances wait for people (a hire for the managers, a
// deviation for quality, a plan for the planners), the task list answers and anna can log in and
// see the hire, and approve it in the task list in headless chromium (in Swedish, her language;
// screenshots in build/test-artefacts/demo); --stop-after ends it, and the demo programs end with it. Uses the demo's fixed
// ports (8080, 8086, 2525, 2580, 8087): ctest runs it alone (RUN_SERIAL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { requireDatabase, client, login, repo } from '../api/harness.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] ?? join(repo, 'build', 'test-artefacts', 'demo');
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);

test('elva demo brings up the engine with three instances waiting for people, then stops cleanly', async () => {
  const adminUrl = requireDatabase();
  const db = `elva_demo_${process.pid}`;
  const psql = (url, sql) => spawnSync('psql', [url, '-qAtc', sql], { encoding: 'utf8' }).stdout.trim();
  psql(adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(adminUrl, `CREATE DATABASE ${db}`);
  const url = adminUrl.replace('/elva_test?', `/${db}?`);
  assert.equal(spawnSync(elva, ['db', 'migrate', '--db', url]).status, 0);
  const child = spawn(elva, ['demo', '--source', repo, '--db', url, '--stop-after', '40'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    for (let i = 0; i < 300 && !out.includes('task list at http://127.0.0.1:8080/tasklist/'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /task list at http:\/\/127\.0\.0\.1:8080\/tasklist\//, out);
    assert.match(out, /10 processes, 3 decision tables, 20 forms deployed, translated into 2 languages/);
    assert.match(out, /log in to the task list: http:\/\/127\.0\.0\.1:8080\/tasklist\//);
    const active = psql(url, "SELECT string_agg(process_id || ':' || business_key, ',' ORDER BY process_id) FROM instances WHERE status = 'active'");
    assert.equal(active, 'deviation:AV-2026-0001,personnel-hire:E-1010,plan-approval:P-2027-4');
    const call = client('http://127.0.0.1:8080');
    const anna = await login(call, 'anna', 'anna-demo-1');
    const tasks = (await call('GET', '/api/tasks', { token: anna })).json.items.map((t) => t.name);
    // anna reads Swedish (her locale): the translated name, filled in from the case.
    assert.ok(tasks.includes('Godkänn anställningen av Nils Nyman'), tasks.join(', '));
    const sara = await login(call, 'sara', 'sara-demo-1');
    // sara reads Swedish: the task's name comes from processes/i18n/sv.json.
    assert.ok((await call('GET', '/api/tasks', { token: sara })).json.items.some((t) => t.name === 'Utred och besluta om åtgärder'));
    assert.equal((await fetch('http://127.0.0.1:8086/scim/v2/Users')).status, 200);
    // A newcomer in the browser: anna approves the hire with its form, and the hire moves on to HR.
    if (!executable) {
      if (process.env.CI === 'true') assert.fail('chromium is not installed (scripts/install-deps installs it)');
      console.error('*** SKIPPED (browser part): no chromium ***');
    } else {
      mkdirSync(artefacts, { recursive: true });
      const browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
      try {
        const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' })).newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto('http://127.0.0.1:8080/');
        await page.locator('#username').fill('anna');
        await page.locator('#password').fill('anna-demo-1');
        await page.locator('#login-form button[type=submit]').click();
        await page.locator('#tasks-view').waitFor();
        const hire = page.locator('#task-list li', { hasText: 'E-1010' });
        await hire.waitFor();
        const listed = await hire.innerText();
        assert.match(listed, /Godkänn anställningen av Nils Nyman/, listed);
        await page.screenshot({ path: join(artefacts, '1-anna-tasks.png'), fullPage: true });
        await hire.locator('a').click();
        await page.locator('#detail').waitFor();
        // anna's language is Swedish (her locale): the page speaks it, and the process's texts
        // and the form come translated (processes/i18n/sv.json); no English is left.
        await page.getByRole('button', { name: 'Ta uppgiften' }).click();
        await page.getByText('anna (dig)').waitFor();
        // The form's Markdown text: a heading, not "### ...".
        // ... with the case's {{employee.givenName}} {{employee.familyName}} filled in.
        assert.equal(await page.locator('.form-text h4').first().innerText(), 'Godkänn anställningen av Nils Nyman');
        assert.equal(await page.locator('#d-name').innerText(), 'Godkänn anställningen av Nils Nyman');
        const detail = await page.locator('#detail').innerText();
        assert.doesNotMatch(detail, /###/);
        assert.doesNotMatch(detail, /Approve the hire|Confirmed start|Contract|Full-time|Employee|Requested start/);
        await page.getByLabel('Jag godkänner anställningen').check();
        await page.getByLabel('Bekräftat startdatum *').fill('2026-12-14');
        await page.getByLabel('Anställningsform *').selectOption('permanent');
        await page.getByLabel('Sysselsättningsgrad (%)').fill('100');
        await page.screenshot({ path: join(artefacts, '2-approve-hire-form.png'), fullPage: true });
        await page.getByRole('button', { name: 'Slutför' }).click();
        await page.locator('#tasks-view').waitFor();
        for (let i = 0; i < 100 && psql(url, "SELECT count(*) FROM user_tasks WHERE element_id = 'hrCheck' AND state = 'open'") !== '1'; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(psql(url, "SELECT count(*) FROM user_tasks WHERE element_id = 'hrCheck' AND state = 'open'"), '1', 'the hire went on to the HR check');
        assert.deepEqual(errors, []);
      } finally {
        await browser.close();
      }
    }
  } finally {
    const code = await exited;
    assert.equal(code, 0, out);
    psql(adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
  await new Promise((r) => setTimeout(r, 500));
  const left = spawnSync('pgrep', ['-f', 'examples/(hr-scim-server|smtp-sink|eservice-portal)/server.mjs --port (8086|2525|8087)'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(left, '', 'demo programs left running');
});
