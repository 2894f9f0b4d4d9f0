// Single sign-on in the browser (issue 23, part 1; docs/operations.md#single-sign-on-openid-connect):
// headless Chromium, a real OpenID provider (npm oidc-provider, its own login and consent pages)
// and `elva serve`. Shown:
// - the task list offers "Log in with your organisation account"; the provider's login page,
//   then back in the task list as that person (a person Elva knows: Elva's name and roles), the
//   session token gone from the address bar; the authorization request used PKCE (S256);
// - the cockpit, for a developer the provider vouches for and Elva does not know;
// - logout ends the Elva session and sends the browser to the provider's logout;
// - a callback that was not started here (wrong state) and a refused login come back as a
//   message on the login page, with no session;
// - without [oidc] redirect_uri, /auth/login is a 404 and no link is shown (api_test).
// usage: node sso_browser_test.mjs ELVA [ARTEFACTS]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { chromium } from 'playwright-core';
import { startElva, client, repo, freePort } from './harness.mjs';

const elva = process.argv[2];
const artefacts = process.argv[3] || join(repo, 'build', 'test-artefacts', 'sso');
const executable = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(existsSync);
if (!executable) {
  if (process.env.CI === 'true') { console.error('FAIL: chromium is not installed (scripts/install-deps installs it)'); process.exit(1); }
  console.error('*** SKIPPED: no chromium; run scripts/install-deps ***');
  process.exit(77);
}

const accounts = {
  eva: { preferred_username: 'eva', name: 'Eva from the provider', roles: ['admin'] },
  'dana.dev': { preferred_username: 'dana.dev', name: 'Dana Developer', groups: ['/it/process-team'], roles: ['developer'] },
};
const secret = 'web-client-secret-for-tests';
let server, call, browser, provider, listener, issuer, elvaBase, authorizeQueries = [];

before(async () => {
  mkdirSync(artefacts, { recursive: true });
  const providerPort = await freePort();
  const elvaPort = await freePort();
  issuer = `http://127.0.0.1:${providerPort}`;
  elvaBase = `http://127.0.0.1:${elvaPort}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  provider = new Provider(issuer, {
    clients: [{
      client_id: 'elva-web', client_secret: secret, grant_types: ['authorization_code'], response_types: ['code'],
      redirect_uris: [`${elvaBase}/auth/callback`], post_logout_redirect_uris: [`${elvaBase}/tasklist/`],
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'web-1', use: 'sig', alg: 'RS256' }] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups', 'roles'] },
    findAccount: (ctx, id) => accounts[id] && { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) },
    features: { devInteractions: { enabled: true } },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth') authorizeQueries.push({ ...ctx.query });
    await next();
  });
  listener = provider.listen(providerPort);
  await new Promise((r) => listener.once('listening', r));
  const dir = mkdtempSync(join(tmpdir(), 'elva-sso-'));
  const config = join(dir, 'elva.toml');
  process.env.ELVA_TEST_OIDC_SECRET = secret;
  writeFileSync(config, `[oidc]
issuer = "${issuer}"
client_id = "elva-web"
client_secret = { env = "ELVA_TEST_OIDC_SECRET" }
redirect_uri = "${elvaBase}/auth/callback"
post_logout_redirect_uri = "${elvaBase}/tasklist/"
scopes = "openid profile"
leeway = 0
`);
  server = await startElva({ elva, name: 'sso', args: ['--config', config], port: elvaPort });
  call = client(server.base);
  browser = await chromium.launch({ executablePath: executable, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  listener?.close();
});

// The provider's own pages (oidc-provider's development login and consent).
async function providerLogin(page, user) {
  await page.waitForURL(new RegExp(`^${issuer}/interaction/`));
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', 'any');
  await page.click('button[type=submit]');
  // Then either straight back to Elva, or first the provider's consent page (a form without the
  // login field): waited for by what is on the page, not by timing.
  const until = Date.now() + 20000;
  for (;;) {
    if (page.url().startsWith(elvaBase)) return;
    if (page.url().startsWith(`${issuer}/interaction/`) && (await page.locator('input[name=login]').count()) === 0 &&
        (await page.locator('button[type=submit]').count()) > 0) {
      await page.click('button[type=submit]');
      return;
    }
    if (Date.now() > until) throw new Error(`stuck at ${page.url()}`);
    await page.waitForTimeout(100);
  }
}

test('the task list: log in at the provider, come back as that person, log out there too', async () => {
  const page = await browser.newPage();
  await page.goto(`${elvaBase}/tasklist/`);
  const link = page.locator('#sso-login');
  await link.waitFor({ state: 'visible' });
  assert.equal(await link.textContent(), 'Log in with your organisation account');
  await page.screenshot({ path: join(artefacts, 'tasklist-login.png') });
  await link.click();
  await providerLogin(page, 'eva');
  await page.waitForURL(`${elvaBase}/tasklist/`);
  await page.locator('#who').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#who').textContent(), 'Eva Employee', "Elva's record, not the provider's name");
  assert.equal(new URL(page.url()).hash, '', 'the session token is gone from the address');
  const q = authorizeQueries.at(-1);
  assert.equal(q.code_challenge_method, 'S256');
  assert.match(q.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(q.state && q.nonce, 'state and nonce are sent');
  const token = await page.evaluate(() => sessionStorage.getItem('elva.token'));
  const me = await call('GET', '/api/me', { token });
  assert.deepEqual([me.json.id, me.json.roles], ['eva', ['employee']], 'Elva decides the roles of someone it knows');
  await page.screenshot({ path: join(artefacts, 'tasklist-in.png') });
  await page.click('#logout');
  await page.waitForURL(new RegExp(`^${issuer}/session/end`));
  assert.equal((await call('GET', '/api/me', { token })).status, 401, 'the Elva session ended');
  await page.close();
});

test('the cockpit: a developer the provider vouches for and Elva does not know', async () => {
  const page = await browser.newPage();
  await page.goto(`${elvaBase}/cockpit/`);
  await page.locator('#sso-login').click();
  await providerLogin(page, 'dana.dev');
  await page.waitForURL(new RegExp(`^${elvaBase}/cockpit/`));
  await page.locator('#who').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#who').textContent(), 'Dana Developer');
  const token = await page.evaluate(() => sessionStorage.getItem('elva.token'));
  const me = await call('GET', '/api/me', { token });
  assert.deepEqual([me.json.id, me.json.roles, me.json.groups], ['dana.dev', ['developer'], ['process-team']]);
  // Their first login made them an Elva user (no password), so tasks and history can name them.
  const admin = (await call('POST', '/api/login', { body: { username: 'admin', password: 'admin-secret' } })).json.token;
  const users = await call('GET', '/api/users', { token: admin });
  const dana = users.json.items.find((u) => u.id === 'dana.dev');
  assert.deepEqual([dana.name, dana.roles, dana.groups, dana.hasPassword], ['Dana Developer', ['developer'], ['process-team'], false]);
  await page.screenshot({ path: join(artefacts, 'cockpit-in.png') });
  await page.close();
});

test('a callback not started here, and a login the provider refused, come back as a message', async () => {
  const page = await browser.newPage();
  await page.goto(`${elvaBase}/auth/callback?code=forged&state=forged`);
  await page.waitForURL(`${elvaBase}/tasklist/`);
  await page.locator('#login-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#login-error').textContent(), /Single sign-on did not work: this login was not started here/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('elva.token')), null);
  await page.goto(`${elvaBase}/auth/callback?error=access_denied&state=x`);
  await page.locator('#login-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#login-error').textContent(), /did not log you in access denied/);
  // A hostile cookie (any shape of JSON, or none) is a message, never a server error.
  for (const value of [{ s: 5, v: [], n: {} }, [], 'x', null, { s: 'a', r: 7 }]) {
    const cookie = `elva_sso=${Buffer.from(JSON.stringify(value)).toString('hex')}`;
    const hostile = await fetch(`${elvaBase}/auth/callback?code=c&state=a`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(hostile.status, 302, JSON.stringify(value));
    assert.match(hostile.headers.get('location'), /#elva-sso-error=/);
  }
  const garbage = await fetch(`${elvaBase}/auth/callback?state=a`, { headers: { cookie: 'elva_sso=zz%00' }, redirect: 'manual' });
  assert.equal(garbage.status, 302);
  // A return address elsewhere is not followed: the login comes back to this server.
  const r = await fetch(`${elvaBase}/auth/login?return=//evil.example/`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.ok(r.headers.get('location').startsWith(`${issuer}/auth?`));
  assert.match(r.headers.get('set-cookie'), /HttpOnly; SameSite=Lax/);
  assert.ok(!decodeURIComponent(r.headers.get('set-cookie')).includes('evil'), 'the foreign return address is dropped');
  await page.close();
});
