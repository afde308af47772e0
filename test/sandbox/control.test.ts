// The control API: request stats that later tests assert on ("exactly one POST"), reset, and the
// seed summary for tests that only see the sandbox over HTTP.

import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import type { SeedSummary } from '../../src/sandbox/seed.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import type { StatsSnapshot } from '../../src/sandbox/stats.ts';
import { call, fhirJson, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  base = sandbox.r4BaseUrl;
});

beforeEach(async () => {
  await call(`${sandbox.url}/_sandbox/stats`, { method: 'DELETE' });
});

after(async () => {
  await sandbox.close();
});

const stats = async (): Promise<StatsSnapshot> =>
  (await call<StatsSnapshot>(`${sandbox.url}/_sandbox/stats`)).body;

test('counts requests by method and route, with the resource type filled in', async () => {
  const patient = sandbox.seed.patients[0].id;
  await call(`${base}/Patient/${patient}`);
  await call(`${base}/Patient/${sandbox.seed.patients[1].id}`);
  await call(`${base}/Slot?_count=1`);
  await call(`${base}/Patient`, fhirJson('POST', { resourceType: 'Patient', name: [{ family: 'Counted' }] }));
  const snapshot = await stats();
  assert.equal(snapshot.total, 4);
  assert.deepEqual(snapshot.requests, {
    'GET /fhir/R4/Patient/:id': 2,
    'GET /fhir/R4/Slot': 1,
    'POST /fhir/R4/Patient': 1,
  });
  assert.equal(snapshot.responses['POST /fhir/R4/Patient 201'], 1);
  assert.equal(sandbox.stats.count('POST /fhir/R4/Patient'), 1);
});

test('counts a faulted request, and a request that matches no route', async () => {
  await call(`${base}/Patient/${sandbox.seed.patients[0].id}`, {
    headers: { 'x-sandbox-fault': 'status=503' },
  });
  await call(`${sandbox.url}/nowhere`);
  const snapshot = await stats();
  assert.equal(snapshot.requests['GET /fhir/R4/Patient/:id'], 1);
  assert.equal(snapshot.responses['GET /fhir/R4/Patient/:id 503'], 1);
  assert.equal(snapshot.requests['GET (no route)'], 1);
});

test('does not count the control API itself', async () => {
  await call(`${sandbox.url}/_sandbox/faults`);
  await call(`${sandbox.url}/_sandbox/seed`);
  assert.equal((await stats()).total, 0);
});

test('resets to the seeded clinic, dropping writes, faults and stats', async () => {
  const created = await call<Patient>(
    `${base}/Patient`,
    fhirJson('POST', { resourceType: 'Patient', name: [{ family: 'Ephemeral' }] }),
  );
  await call(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ fault: { status: 500 } }),
  });
  const reset = await call<SeedSummary>(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
  assert.equal(reset.status, 200);
  assert.deepEqual(reset.body, sandbox.seed);
  assert.equal((await stats()).total, 0);
  assert.equal((await call(`${base}/Patient/${created.body.id}`)).status, 404);
  const patients = await call<Bundle>(`${base}/Patient?_summary=count`);
  assert.equal(patients.status, 200, 'the fault rule is gone');
  assert.equal(patients.body.total, 50);
});

test('resets with another seed and reference date when asked', async () => {
  const reset = await call<SeedSummary>(`${sandbox.url}/_sandbox/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ seed: 99, referenceDate: '2025-06-02T12:00:00Z' }),
  });
  assert.equal(reset.body.seed, 99);
  assert.equal(reset.body.referenceDate, '2025-06-02T12:00:00.000Z');
  const seed = await call<SeedSummary>(`${sandbox.url}/_sandbox/seed`);
  assert.deepEqual(seed.body, reset.body);
  assert.equal((await call(`${base}/Patient/${reset.body.patients[0].id}`)).status, 200);
  const bad = await call(`${sandbox.url}/_sandbox/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ referenceDate: 'soon' }),
  });
  assert.equal(bad.status, 400);
  await sandbox.reset({ seed: 1 });
});
