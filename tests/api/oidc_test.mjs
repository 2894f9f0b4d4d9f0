// Single sign-on, the bearer-token half (issue 23, part 1; docs/operations.md#sso), against a real
// OpenID provider run here (npm oidc-provider) and `elva serve` on PostgreSQL. The provider issues
// JWT access tokens for Elva (resource urn:elva) by the client-credentials grant; each client
// stands for one person (its extra claims: preferred_username, groups, roles). Shown:
// - a token of a person Elva does not know: accepted, groups and roles from the token;
// - a token of a person Elva knows (the HR import): Elva's roles, not the token's; disabled in
//   Elva: refused at once;
// - refused, each with the rule it broke: expired, tampered, another audience, another issuer
//   (signed with the same key), "none" and HMAC algorithms, garbage;
// - key rotation: the provider starts again with a new key (and from RS256 to ES256); new
//   tokens are accepted (Elva reads the keys again), tokens of the old key are refused;
// - a tenant with its own [oidc.tenant.NAME] audience takes its tokens, not the default's;
// - Elva's own logins still work beside it; no token appears in a message or the server log.
// usage: node oidc_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Provider from 'oidc-provider';
import { startElva, client, login, passwords, freePort } from './harness.mjs';

const elva = process.argv[2];
let server, call, admin, providers = [];

const people = {
  'anna-app': { preferred_username: 'anna.berg', name: 'Anna Berg', email: 'anna@kommun.example', groups: ['/staff/hr', 'planning'], roles: ['developer', 'superuser'] },
  'eva-app': { preferred_username: 'eva', groups: ['elsewhere'], roles: ['admin'] },
  'max-app': { preferred_username: 'max', roles: [] },
  'short-app': { preferred_username: 'short.lived', roles: [] },
};
const secret = 'client-secret-for-tests-only';

function rsaKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}
function ecKey(kid) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'ES256' };
}

// An OpenID provider at http://127.0.0.1:PORT signing with `keys`.
async function startProvider(port, keys) {
  const alg = keys[0].alg;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: Object.keys(people).map((client_id) => ({
      client_id, client_secret: secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'api', id_token_signed_response_alg: alg,
    })),
    jwks: { keys },
    scopes: ['openid', 'api'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:elva',
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({
          scope: 'api', audience: resource, accessTokenFormat: 'jwt',
          accessTokenTTL: client.clientId === 'short-app' ? 3 : 600, jwt: { sign: { alg } },
        }),
      },
    },
    extraTokenClaims: (ctx, token) => people[token.clientId] ?? {},
  });
  const listener = provider.listen(port);
  await new Promise((r) => listener.once('listening', r));
  providers.push(listener);
  return { issuer, listener };
}

async function tokenFrom(issuer, clientId, resource = 'urn:elva') {
  const r = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api', resource }),
  });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.access_token.split('.').length, 3, 'a JWT access token');
  return body.access_token;
}

const me = (token) => call('GET', '/api/me', { token, check: false });
function refused(r, why) {
  assert.equal(r.status, 401, r.body);
  assert.match(r.headers.get('content-type'), /application\/problem\+json/);
  const detail = JSON.parse(r.body).detail;
  assert.match(detail, why);
  return detail;
}
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

let port, otherPort, firstKey, issuer, otherIssuer, seen = [];

before(async () => {
  port = await freePort();
  otherPort = await freePort();
  firstKey = rsaKey('key-2026-1');
  ({ issuer } = await startProvider(port, [firstKey]));
  // Another provider with the same key: its tokens verify, but name another issuer.
  ({ issuer: otherIssuer } = await startProvider(otherPort, [firstKey]));
  const dir = mkdtempSync(join(tmpdir(), 'elva-oidc-'));
  const config = join(dir, 'elva.toml');
  writeFileSync(config, `[oidc]\nissuer = "${issuer}"\naudience = "urn:elva"\nleeway = 0\njwks_refresh_min = 0\n` +
    '[oidc.tenant.nordby]\naudience = "urn:nordby"\n');
  server = await startElva({ elva, name: 'oidc', args: ['--config', config], tenants: ['nordby'] });
  call = client(server.base);
  admin = await login(call, 'admin', passwords.admin);
});
after(async () => {
  await server?.stop();
  for (const p of providers) p.close();
});

test('a person Elva does not know: accepted with the groups and Elva roles of the token', async () => {
  const token = await tokenFrom(issuer, 'anna-app');
  seen.push(token);
  const r = await me(token);
  assert.equal(r.status, 200, `${r.body}\n${server.log().split('\n').filter((l) => /error/.test(l)).join('\n')}`);
  assert.equal(r.json.id, 'anna.berg');
  assert.equal(r.json.name, 'Anna Berg');
  assert.deepEqual(r.json.groups, ['hr', 'planning'], 'a group path keeps its last part');
  assert.deepEqual(r.json.roles, ['developer'], 'only Elva roles are taken');
  // A developer may read the definitions; an employee-only person may not administer.
  assert.equal((await call('GET', '/api/definitions', { token })).status, 200);
  const users = await call('GET', '/api/users', { token });
  assert.equal(users.status, 403, users.body);
  assert.match(JSON.parse(users.body).detail, /needs the admin role; you \(anna\.berg\)/);
});

test('a person Elva knows: Elva decides their roles and groups; disabled in Elva, refused at once', async () => {
  const eva = await tokenFrom(issuer, 'eva-app');
  seen.push(eva);
  const r = await me(eva);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.json.id, 'eva');
  assert.deepEqual(r.json.roles, ['employee'], 'the token said admin; Elva says employee');
  assert.deepEqual(r.json.groups, ['staff']);
  const max = await tokenFrom(issuer, 'max-app');
  assert.equal((await me(max)).status, 200);
  const disable = (disabled) => call('POST', '/api/users', { token: admin, body: { users: [{ id: 'max', name: 'Max Manager', roles: ['employee'], groups: ['managers'], disabled }] } });
  assert.equal((await disable(true)).status, 200);
  refused(await me(max), /disabled/);
  assert.equal((await disable(false)).status, 200);
  assert.equal((await me(max)).status, 200);
});

test('refused, each saying which rule it broke: expired, tampered, audience, issuer, algorithm', async () => {
  const short = await tokenFrom(issuer, 'short-app');
  // exp is whole seconds from the issue's whole second: valid for at least 2 s, gone after 4.
  assert.equal((await me(short)).status, 200, 'valid for a few seconds');
  await new Promise((r) => setTimeout(r, 4200));
  refused(await me(short), /has expired/);

  const good = await tokenFrom(issuer, 'anna-app');
  const [h, p, s] = good.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const forged = `${h}.${b64({ ...claims, preferred_username: 'admin', roles: ['admin'] })}.${s}`;
  refused(await me(forged), /signature does not verify/);

  refused(await me(await tokenFrom(issuer, 'anna-app', 'urn:other')), /not meant for Elva \(aud\)/);
  refused(await me(await tokenFrom(otherIssuer, 'anna-app')), /issued by another provider \(iss\)/);

  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, preferred_username: 'admin' })}.`;
  refused(await me(none), /not a JWT|algorithm/);
  const hsHeader = b64({ alg: 'HS256', typ: 'JWT', kid: firstKey.kid });
  const hsBody = b64({ ...claims, preferred_username: 'admin' });
  const hs = `${hsHeader}.${hsBody}.${createHmac('sha256', firstKey.n).update(`${hsHeader}.${hsBody}`).digest('base64url')}`;
  refused(await me(hs), /algorithm 'HS256' is not one Elva accepts/);
  refused(await me('abc.def.ghi'), /not JSON|base64url/);
  for (const t of [forged, none, hs]) seen.push(t);
});

test('hostile tokens: every shape of wrong header and claims is a 401, never a server error', async () => {
  const good = await tokenFrom(issuer, 'anna-app');
  const [h, p, sig] = good.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  const headers = [{ ...header, alg: 5 }, { ...header, kid: 7 }, { ...header, kid: null }, { ...header, crit: ['x'] },
    { ...header, alg: 'ES256' }, { ...header, alg: 'PS256' }, [], 'text', null, { ...header, kid: 'x'.repeat(5000) }];
  const bodies = [{ ...claims, iss: 1 }, { ...claims, aud: {} }, { ...claims, exp: 'soon' }, { ...claims, nbf: [] },
    { ...claims, preferred_username: 42, sub: {} }, { ...claims, groups: 'hr', roles: { admin: true } }, [], 7];
  const tokens = [];
  for (const x of headers) tokens.push(`${b64(x)}.${p}.${sig}`);
  for (const x of bodies) tokens.push(`${h}.${b64(x)}.${sig}`);
  tokens.push(`${h}.${p}.${'A'.repeat(10)}`, `${h}.${p}.${sig}${sig}`, `${h}.${p}.!!`, `..`, `${h}..${sig}`);
  for (const t of tokens) {
    const r = await me(t);
    assert.equal(r.status, 401, `${t.slice(0, 80)}: ${r.status} ${r.body}`);
  }
});

test("a tenant's own settings: its audience, not the default's", async () => {
  const nordby = await tokenFrom(issuer, 'anna-app', 'urn:nordby');
  const here = await call('GET', '/t/nordby/api/me', { token: nordby, check: false });
  assert.equal(here.status, 200, here.body);
  assert.equal(here.json.id, 'anna.berg');
  refused(await me(nordby), /not meant for Elva \(aud\)/);
  refused(await call('GET', '/t/nordby/api/me', { token: await tokenFrom(issuer, 'anna-app'), check: false }), /not meant for Elva \(aud\)/);
});

test('key rotation: new tokens are accepted after the provider changes its key; old ones are refused', async () => {
  const old = await tokenFrom(issuer, 'anna-app');
  assert.equal((await me(old)).status, 200);
  providers[0].close();
  await new Promise((r) => setTimeout(r, 100));
  await startProvider(port, [ecKey('key-2026-2')]);  // and from RSA to ECDSA (ES256)
  const fresh = await tokenFrom(issuer, 'anna-app');
  const header = JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url'));
  assert.equal(header.kid, 'key-2026-2');
  assert.equal(header.alg, 'ES256');
  const r = await me(fresh);
  assert.equal(r.status, 200, r.body);
  assert.equal(r.json.id, 'anna.berg');
  refused(await me(old), /signed with a key the provider does not publish/);
  seen.push(old, fresh);
});

test("Elva's own logins and tokens still work; no token is ever in a message or the log", async () => {
  const eva = await login(call, 'eva', passwords.eva);
  assert.equal((await me(eva)).json.id, 'eva');
  refused(await me('not-a-session'), /./);
  const log = server.log();
  for (const t of seen) {
    assert.ok(!log.includes(t), 'a token is in the server log');
    const signature = t.split('.')[2];
    if (signature) assert.ok(!log.includes(signature), 'a signature is in the server log');
  }
});
