// Fault injection over real HTTP: each built-in kind through the X-Sandbox-Fault header and
// through the control API (with `times`), for requests the test sends itself and ones it does not.

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { call, isOperationOutcome, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  base = sandbox.r4BaseUrl;
});

afterEach(async () => {
  await call(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
});

after(async () => {
  await sandbox.close();
});

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

function addRule(rule: unknown) {
  return call<{ id: number }>(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  });
}

const patientUrl = (): string => `${base}/Patient/${sandbox.seed.patients[0].id}`;

test('delays a request by the latency in the header', async () => {
  await call(patientUrl());
  const baseline = await timed(() => call(patientUrl()));
  const slow = await timed(() => call(patientUrl(), { headers: { 'x-sandbox-fault': 'latency=150' } }));
  assert.equal(slow.value.status, 200);
  assert.ok(slow.ms >= 150, `took ${slow.ms.toFixed(0)} ms`);
  assert.ok(baseline.ms < 100, `the same read without the fault took ${baseline.ms.toFixed(0)} ms`);
});

test('answers 503 with an OperationOutcome and Retry-After when the header asks for it', async () => {
  const answer = await call<OperationOutcome>(patientUrl(), {
    headers: { 'x-sandbox-fault': 'status=503, retry-after=2' },
  });
  assert.equal(answer.status, 503);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/fhir\+json/);
  assert.ok(isOperationOutcome(answer.body));
  assert.equal(answer.body.issue[0].code, 'transient');
  assert.equal(answer.headers.get('retry-after'), '2');
});

test('holds a timed-out request open until the client gives up, then keeps serving', async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(), 300);
  await assert.rejects(
    fetch(patientUrl(), { headers: { 'x-sandbox-fault': 'timeout' }, signal: controller.signal }),
    (error: Error) => error.name === 'AbortError',
  );
  assert.ok(performance.now() - started >= 290, 'the request was not answered before the client aborted');
  assert.equal((await call(patientUrl())).status, 200);
});

test('faults requests the test does not send itself through a control-API rule, `times` times', async () => {
  const rule = await addRule({
    match: { method: 'POST', path: '/fhir/R4/Patient' },
    fault: { status: 503 },
    times: 1,
  });
  assert.equal(rule.status, 201);
  const body = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Faulted' }] });
  const init = { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body };
  const read = await call(patientUrl());
  assert.equal(read.status, 200, 'a GET does not match a POST rule');
  const first = await call<OperationOutcome>(`${base}/Patient`, init);
  const second = await call(`${base}/Patient`, init);
  assert.equal(first.status, 503);
  assert.ok(isOperationOutcome(first.body));
  assert.equal(second.status, 201);
  const listed = await call<{ rules: unknown[] }>(`${sandbox.url}/_sandbox/faults`);
  assert.deepEqual(listed.body.rules, [], 'a rule with times: 1 is gone once spent');
});

test('applies a latency rule matched by a regular expression', async () => {
  await addRule({ match: { pathRegex: '/Patient/[^/?]+$' }, fault: { latencyMs: 120 } });
  const slow = await timed(() => call(patientUrl()));
  const fast = await timed(() => call(`${base}/Patient?_count=1`));
  assert.ok(slow.ms >= 120, `read took ${slow.ms.toFixed(0)} ms`);
  assert.ok(fast.ms < 120, `search took ${fast.ms.toFixed(0)} ms`);
});

test('holds requests matched by a timeout rule and releases them when the sandbox closes', async () => {
  const own = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  const rule = await call(`${own.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ match: { path: '/Slot' }, fault: { timeout: true } }),
  });
  assert.equal(rule.status, 201);
  const held = fetch(`${own.r4BaseUrl}/Slot?_count=1`).then(
    () => 'answered',
    () => 'connection closed',
  );
  const outcome = await Promise.race([
    held,
    new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200)),
  ]);
  assert.equal(outcome, 'still waiting');
  await own.close();
  assert.equal(await held, 'connection closed');
});

test('combines header and rule faults, the header winning for the same kind', async () => {
  await addRule({ match: { path: '/Patient' }, fault: { status: 500 } });
  const fromRule = await call(patientUrl());
  const fromHeader = await call(patientUrl(), { headers: { 'x-sandbox-fault': 'status=502' } });
  assert.equal(fromRule.status, 500);
  assert.equal(fromHeader.status, 502);
});

test('never faults the control API', async () => {
  await addRule({ fault: { status: 503 } });
  const stats = await call(`${sandbox.url}/_sandbox/stats`);
  assert.equal(stats.status, 200);
  assert.equal((await call(patientUrl())).status, 503);
});

test('refuses an unknown header directive and a malformed rule with 400', async () => {
  const header = await call<OperationOutcome>(patientUrl(), { headers: { 'x-sandbox-fault': 'gremlins=3' } });
  assert.equal(header.status, 400);
  assert.match(header.body.issue[0].diagnostics ?? '', /gremlins/);
  assert.equal((await addRule({ fault: { status: 200 } })).status, 400);
  assert.equal((await addRule({ fault: { explode: true } })).status, 400);
  assert.equal((await addRule({ fault: { status: 503 }, times: 0 })).status, 400);
  assert.equal((await addRule({ match: { pathRegex: '(' }, fault: { status: 503 } })).status, 400);
});

test('lists the fault kinds and active rules', async () => {
  await addRule({ match: { method: 'get' }, fault: { latencyMs: 1 }, times: 3 });
  const listed = await call<{ rules: { times: number; remaining: number }[]; kinds: { name: string }[] }>(
    `${sandbox.url}/_sandbox/faults`,
  );
  assert.deepEqual(
    listed.body.kinds.map((k) => k.name),
    ['latency', 'timeout', 'retry-after', 'status', 'slot-taken', 'ack-not-persisted', 'commit-then-timeout'],
  );
  assert.equal(listed.body.rules.length, 1);
  assert.equal(listed.body.rules[0].remaining, 3);
});
