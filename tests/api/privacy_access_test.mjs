// Who may see personal data, and who did (docs/privacy.md#access-log), against PostgreSQL over
// real sockets: a developer sees a case's personal and sensitive values masked (variables and
// history), an administrator sees them and the read is recorded, a manager who opens the task
// reads them and that is recorded too; `elva privacy access-log` answers the data subject with
// their cases, what each holds and every recorded read, and the log itself holds no value.
// usage: node privacy_access_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startElva, client, login, passwords, here, fixtures } from './harness.mjs';

const elva = process.argv[2];
let server, call;

before(async () => {
  server = await startElva({ elva, name: 'privacy_access', deploy: [fixtures, join(here, 'privacy')] });
  call = client(server.base);
});
after(async () => {
  if (server) await server.stop();
});

const cli = (...args) => {
  const r = spawnSync(elva, [...args, '--db', server.url], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
};

test('masked for developers, read and recorded for administrators and the task, answered per subject', async () => {
  const eva = await login(call, 'eva', passwords.eva);
  const dev = await login(call, 'dev', passwords.dev);
  const admin = await login(call, 'admin', passwords.admin);
  const max = await login(call, 'max', passwords.max);
  const applicant = { id: 'R-4711', name: 'Rut Resident', email: 'rut@example.org' };
  const started = await call('POST', '/api/instances', { token: eva, body: { process: 'parking-permit',
    variables: { applicant, personnummer: '19800101-1234', zone: 'C' } } });
  assert.equal(started.status, 201, started.body);
  const id = started.json.id;
  const other = await call('POST', '/api/instances', { token: eva, body: { process: 'parking-permit',
    variables: { applicant: { id: 'R-9', name: 'Someone Else' }, zone: 'A' } } });

  // A developer: the case, its history and its variables, with the values masked by class.
  const seen = await call('GET', `/api/instances/${id}`, { token: dev });
  assert.equal(seen.status, 200);
  assert.deepEqual(seen.json.variables, { applicant: { masked: 'personal' }, personnummer: { masked: 'sensitive' }, zone: 'C' });
  assert.doesNotMatch(seen.body, /Rut|1980|rut@/);
  for (const path of [`/api/instances/${id}/variables`, `/api/instances/${id}/history`]) {
    const r = await call('GET', path, { token: dev });
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.body, /Rut|1980|rut@/, path);
  }
  // An administrator reads them.
  const read = await call('GET', `/api/instances/${id}`, { token: admin });
  assert.deepEqual(read.json.variables.applicant, applicant);
  // The manager who opens the task reads what the task shows.
  const tasks = await call('GET', `/api/tasks?instance=${id}`, { token: max });
  const task = await call('GET', `/api/tasks/${tasks.json.items[0].id}`, { token: max });
  assert.equal(task.status, 200);
  assert.equal(task.json.variables.personnummer, '19800101-1234');

  // The subject's answer: one case, what it holds, and the two reads (not the developer's).
  const log = JSON.parse(cli('privacy', 'access-log', '--subject', 'R-4711', '--format', 'json'));
  assert.deepEqual(log.cases.map((c) => [c.instance, c.process, c.status]), [[id, 'parking-permit', 'active']]);
  assert.deepEqual(log.cases[0].held, [{ variable: 'applicant', class: 'personal' }, { variable: 'personnummer', class: 'sensitive' }]);
  assert.equal(log.cases[0].values, undefined, 'no values unless asked for');
  assert.deepEqual(log.reads.map((r) => [r.actor, r.via, r.variables]), [
    ['user:admin', 'GET /api/instances/{id}', ['applicant', 'personnummer']],
    ['user:max', `task ${tasks.json.items[0].id}`, ['applicant', 'personnummer']],
  ]);
  assert.ok(log.reads.every((r) => r.instance === id));
  // With --values the subject's copy is printed, and that read is recorded as well.
  const copy = cli('privacy', 'access-log', '--subject', 'R-4711', '--values');
  assert.match(copy, /applicant = \{"email":"rut@example.org","id":"R-4711","name":"Rut Resident"\}/);
  assert.match(copy, /3 recorded reads/);
  assert.match(copy, /read applicant, personnummer of \d+ \(privacy access-log\)/);
  // `elva instance` reads as the CLI, and is recorded.
  cli('instance', String(id));
  const after = JSON.parse(cli('privacy', 'access-log', '--subject', 'R-4711', '--format', 'json'));
  assert.equal(after.reads.length, 4);
  assert.equal(after.reads[3].via, 'cli');
  // The other subject's case was never read by a person.
  const theirs = JSON.parse(cli('privacy', 'access-log', '--subject', 'R-9', '--format', 'json'));
  assert.deepEqual(theirs.cases.map((c) => c.instance), [other.json.id]);
  assert.deepEqual(theirs.reads, []);
  // The log names variables, never their values or the subject.
  assert.equal(server.sql("SELECT count(*) FROM privacy_access WHERE row_to_json(privacy_access)::text ~ '(Rut|1980|rut@|R-4711)'"), '0');
});
