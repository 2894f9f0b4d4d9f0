// Existing Camunda 7 workers run unchanged against Elva: the real camunda-external-task-client-js
// (npm) polls `elva serve` over HTTP with Basic auth, completes service tasks with typed
// variables, reports a failure that is retried, extends a lock, and throws a BPMN error that a
// boundary event catches. Each instance's service task completes exactly once.
// usage: node external_worker_test.mjs ELVA
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Variables, BasicAuthInterceptor } from 'camunda-external-task-client-js';
import { startElva, client, login, passwords } from './harness.mjs';

const elva = process.argv[2];
let server, call, worker;

before(async () => {
  server = await startElva({ elva, name: 'worker' });
  call = client(server.base);
});
after(async () => {
  if (worker) worker.stop();
  if (server) await server.stop();
});

async function until(what, predicate, ms = 20000) {
  const t0 = Date.now();
  for (;;) {
    const v = await predicate();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}${until.context ? ': ' + until.context() : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('camunda-external-task-client-js completes, fails and retries, extends and throws BPMN errors on Elva', async () => {
  const eva = await login(call, 'eva', passwords.eva);
  const mona = await login(call, 'mona', passwords.mona);
  const admin = await login(call, 'admin', passwords.admin);
  // Six requests: days 1..5 are booked, 13 is refused with a BPMN error; days 2 fails once first,
  // days 4 extends its lock first.
  const days = [1, 2, 3, 4, 5, 13];
  const instances = {};
  for (const d of days) {
    const r = await call('POST', '/api/instances', { token: eva, body: { process: 'leave-request', variables: { requester: 'eva' }, businessKey: `W-${d}` } });
    instances[d] = r.json.id;
    const tasks = await call('GET', `/api/tasks?instance=${r.json.id}`, { token: mona });
    const done = await call('POST', `/api/tasks/${tasks.json.items[0].id}/complete`, {
      token: mona, body: { variables: { approved: true, from: '2026-12-01', days: d, kind: 'holiday' } } });
    assert.equal(done.status, 200, done.body);
  }

  const handled = [];
  const failedOnce = new Set();
  until.context = () => `worker saw: ${handled.join(', ')}\nserver log:\n${server.log().slice(-2000)}`;
  worker = new Client({
    baseUrl: `${server.base}/engine-rest`,
    workerId: 'booking-worker',
    asyncResponseTimeout: 2000,
    interval: 50,
    maxTasks: 4,
    interceptors: new BasicAuthInterceptor({ username: 'robot', password: passwords.robot }),
    use: undefined,
  });
  worker.on('poll:error', (e) => handled.push(`poll error: ${e.message}`));
  worker.subscribe('leave.book', { lockDuration: 5000 }, async ({ task, taskService }) => {
    const d = task.variables.get('days');
    handled.push(`${task.businessKey}:${d}`);
    if (d === 13) {
      const v = new Variables();
      v.set('refusal', 'no days left');
      await taskService.handleBpmnError(task, 'REFUSED', 'no days left', v);
      return;
    }
    // (Elva gives a retried external task a new id, so the worker remembers the business key.)
    if (d === 2 && !failedOnce.has(task.businessKey)) {
      failedOnce.add(task.businessKey);
      await taskService.handleFailure(task, { errorMessage: 'the HR system is busy', errorDetails: 'HTTP 503', retries: 2, retryTimeout: 300 });
      return;
    }
    try {
      if (d === 4) await taskService.extendLock(task, 10000);
    } catch (e) {
      handled.push(`extendLock failed: ${e.message}`);
      throw e;
    }
    const v = new Variables();
    v.set('bookingId', `B-${d}`);
    v.setTyped('booking', { type: 'Json', value: JSON.stringify({ days: d, approvedBy: 'mona' }), valueInfo: {} });
    await taskService.complete(task, v);
  });

  // Every instance reaches the requester's "Read the answer" task.
  await until('every instance to reach the inform task', async () => {
    const r = await call('GET', '/api/tasks?assignee=me&limit=100', { token: eva });
    return days.every((d) => r.json.items.some((t) => t.instance === instances[d] && t.element === 'inform'));
  });
  worker.stop();
  worker = undefined;

  assert.ok(!handled.some((h) => h.startsWith('poll error')), handled.join('\n'));
  for (const d of [1, 2, 3, 4, 5]) {
    const vars = (await call('GET', `/api/instances/${instances[d]}/variables`, { token: admin })).json;
    assert.equal(vars.bookingId, `B-${d}`);
    assert.deepEqual(vars.booking, { days: d, approvedBy: 'mona' });
    assert.equal(server.sql(`SELECT count(*) FROM history WHERE instance_id = ${instances[d]} AND element_id = 'book' AND kind = 'completed'`), '1',
      `instance ${d}: the service task completed exactly once`);
  }
  // The failed one was fetched twice (once failing), the others once.
  assert.equal(handled.filter((h) => h === 'W-2:2').length, 2, handled.join(', '));
  assert.equal(handled.filter((h) => h === 'W-1:1').length, 1, handled.join(', '));
  // The BPMN error went to the boundary event, with the worker's variable.
  const refused = (await call('GET', `/api/instances/${instances[13]}`, { token: admin })).json;
  assert.ok(refused.history.some((e) => e.element === 'bookingRefused' && e.kind === 'completed'), 'error boundary taken');
  assert.equal(refused.variables.refusal, 'no days left');
  assert.equal(refused.variables.bookingId, undefined);
  // Nothing left locked or waiting for the worker.
  assert.equal((await call('GET', '/api/jobs', { token: admin })).json.items.length, 0);
  assert.equal((await call('GET', '/api/incidents', { token: admin })).json.items.length, 0);
});
