// FHIR REST interactions of the generic R4 personality over real HTTP: versions and ETags,
// optimistic locking, JSON Patch, conditional create, validation, deletion.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Appointment, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, isOperationOutcome, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  base = sandbox.r4BaseUrl;
});

after(async () => {
  await sandbox.close();
});

function newPatient(family: string): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:example:test', value: family }],
    name: [{ use: 'official', family, given: ['Test'] }],
    birthDate: '1980-02-29',
  };
}

test('creates with 201, Location, ETag W/"1" and reads back the same version', async () => {
  const created = await call<Patient>(`${base}/Patient`, fhirJson('POST', newPatient('Roundtrip')));
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('etag'), 'W/"1"');
  assert.equal(created.body.meta?.versionId, '1');
  assert.equal(created.headers.get('location'), `${base}/Patient/${created.body.id}/_history/1`);
  assert.match(created.headers.get('content-type') ?? '', /^application\/fhir\+json/);

  const read = await call<Patient>(`${base}/Patient/${created.body.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.headers.get('etag'), 'W/"1"');
  assert.equal(
    read.headers.get('last-modified'),
    new Date(created.body.meta?.lastUpdated as string).toUTCString(),
  );
  assert.deepEqual(read.body, created.body);
});

test('updates with a matching If-Match and refuses a stale one with 412', async () => {
  const created = await call<Patient>(`${base}/Patient`, fhirJson('POST', newPatient('Locking')));
  const id = created.body.id as string;
  const changed = { ...created.body, birthDate: '1981-03-01' };

  const updated = await call<Patient>(
    `${base}/Patient/${id}`,
    fhirJson('PUT', changed, { 'if-match': 'W/"1"' }),
  );
  assert.equal(updated.status, 200);
  assert.equal(updated.headers.get('etag'), 'W/"2"');
  assert.equal(updated.body.birthDate, '1981-03-01');

  const stale = await call<OperationOutcome>(
    `${base}/Patient/${id}`,
    fhirJson('PUT', changed, { 'if-match': 'W/"1"' }),
  );
  assert.equal(stale.status, 412);
  assert.ok(isOperationOutcome(stale.body));
  assert.equal(stale.body.issue[0].code, 'conflict');

  const first = await call<Patient>(`${base}/Patient/${id}/_history/1`);
  assert.equal(first.status, 200);
  assert.equal(first.body.birthDate, '1980-02-29');
});

test('applies a JSON Patch under If-Match and refuses it with a stale version', async () => {
  // Cerner's documented cancel: replace /status, add /cancelationReason (DESIGN.md section 5).
  const appointment = sandbox.seed.appointments[0];
  const current = await call<Appointment>(`${base}/Appointment/${appointment.id}`);
  const etag = current.headers.get('etag') as string;
  const patch = [
    { op: 'replace', path: '/status', value: 'cancelled' },
    { op: 'add', path: '/cancelationReason', value: { text: 'patient request' } },
  ];
  const init = (ifMatch: string): RequestInit => ({
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json', 'if-match': ifMatch },
    body: JSON.stringify(patch),
  });
  const patched = await call<Appointment>(`${base}/Appointment/${appointment.id}`, init(etag));
  assert.equal(patched.status, 200);
  assert.equal(patched.body.status, 'cancelled');
  assert.equal(patched.body.cancelationReason?.text, 'patient request');
  assert.equal(patched.headers.get('etag'), 'W/"2"');

  const stale = await call<OperationOutcome>(`${base}/Appointment/${appointment.id}`, init(etag));
  assert.equal(stale.status, 412);
});

test('refuses a JSON Patch that would make the resource invalid, and keeps the old version', async () => {
  const appointment = sandbox.seed.appointments[1];
  const answer = await call<OperationOutcome>(`${base}/Appointment/${appointment.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json' },
    body: JSON.stringify([{ op: 'remove', path: '/status' }]),
  });
  assert.equal(answer.status, 400);
  assert.equal(answer.body.issue.find((i) => i.code === 'required')?.expression?.[0], 'Appointment.status');
  const still = await call<Appointment>(`${base}/Appointment/${appointment.id}`);
  assert.equal(still.body.status, 'booked');
});

test('refuses a PATCH that is not application/json-patch+json with 415', async () => {
  const answer = await call<OperationOutcome>(`${base}/Patient/${sandbox.seed.patients[0].id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ op: 'replace', path: '/active', value: false }]),
  });
  assert.equal(answer.status, 415);
  assert.ok(isOperationOutcome(answer.body));
});

test('rejects an Appointment without status with 400 and an OperationOutcome naming the element', async () => {
  // Cerner's own booked-appointment example (fhir.cerner.com r4_examples_appointment.rb), minus status.
  const example = readVendorFixture<Appointment>('cerner/R4_APPOINTMENT_CREATE.json');
  const { status: _dropped, ...withoutStatus } = example;
  const answer = await call<OperationOutcome>(`${base}/Appointment`, fhirJson('POST', withoutStatus));
  assert.equal(answer.status, 400);
  assert.ok(isOperationOutcome(answer.body));
  const missing = answer.body.issue.find((i) => i.expression?.includes('Appointment.status'));
  assert.equal(missing?.code, 'required');
  assert.equal(missing?.severity, 'error');
});

test('rejects the Cerner booking example, which leaves start and end to the server (invariant app-3)', async () => {
  // R4 Appointment invariant app-3: only proposed, cancelled or waitlist appointments may omit
  // start/end. Cerner fills them from the slot; a plain R4 server does not (vendor README note).
  const example = readVendorFixture<Appointment>('cerner/R4_APPOINTMENT_CREATE.json');
  const rejected = await call<OperationOutcome>(`${base}/Appointment`, fhirJson('POST', example));
  assert.equal(rejected.status, 400);
  assert.equal(rejected.body.issue[0].code, 'invalid');
  assert.deepEqual(rejected.body.issue[0].expression, ['Appointment']);

  const timed = { ...example, start: '2025-03-10T14:00:00Z', end: '2025-03-10T14:20:00Z' };
  const accepted = await call<Appointment>(`${base}/Appointment`, fhirJson('POST', timed));
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  assert.equal(accepted.body.status, 'booked');
});

test('creates once under If-None-Exist and answers 200 with the existing resource the second time', async () => {
  const body = newPatient('Conditional');
  const ifNoneExist = { 'if-none-exist': 'identifier=urn:example:test|Conditional' };
  const first = await call<Patient>(`${base}/Patient`, fhirJson('POST', body, ifNoneExist));
  const second = await call<Patient>(`${base}/Patient`, fhirJson('POST', body, ifNoneExist));
  assert.equal(first.status, 201);
  assert.equal(second.status, 200);
  assert.equal(second.body.id, first.body.id);
  const count = await call<{ total: number }>(
    `${base}/Patient?identifier=urn:example:test|Conditional&_summary=count`,
  );
  assert.equal(count.body.total, 1);
});

test('deletes with 204, then answers 410 Gone for the id', async () => {
  const created = await call<Patient>(`${base}/Patient`, fhirJson('POST', newPatient('Deleted')));
  const deleted = await call(`${base}/Patient/${created.body.id}`, { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  const read = await call<OperationOutcome>(`${base}/Patient/${created.body.id}`);
  assert.equal(read.status, 410);
  assert.equal(read.body.issue[0].code, 'deleted');
});

test('answers 404 with an OperationOutcome for an unknown id and for an unsupported resource type', async () => {
  const unknownId = await call<OperationOutcome>(`${base}/Patient/does-not-exist`);
  assert.equal(unknownId.status, 404);
  assert.equal(unknownId.body.issue[0].code, 'not-found');
  const unknownType = await call<OperationOutcome>(`${base}/Medication/1`);
  assert.equal(unknownType.status, 404);
  assert.ok(isOperationOutcome(unknownType.body));
});

test('answers malformed JSON with 400 and an OperationOutcome', async () => {
  const answer = await call<OperationOutcome>(`${base}/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: '{"resourceType": "Patient",',
  });
  assert.equal(answer.status, 400);
  assert.ok(isOperationOutcome(answer.body));
});

test('refuses a body whose resourceType differs from the URL', async () => {
  const answer = await call<OperationOutcome>(
    `${base}/Practitioner`,
    fhirJson('POST', newPatient('Mismatch')),
  );
  assert.equal(answer.status, 400);
  assert.equal(answer.body.issue[0].expression?.[0], 'resourceType');
});

test('creates with update-as-create and answers 201 for a new client id', async () => {
  const body = { ...newPatient('ClientId'), id: 'client-chosen-1' };
  const answer = await call<Patient>(`${base}/Patient/client-chosen-1`, fhirJson('PUT', body));
  assert.equal(answer.status, 201);
  assert.equal(answer.body.id, 'client-chosen-1');
});

test('honours Prefer: return=minimal on create', async () => {
  const answer = await call(
    `${base}/Patient`,
    fhirJson('POST', newPatient('Minimal'), { prefer: 'return=minimal' }),
  );
  assert.equal(answer.status, 201);
  assert.equal(answer.body, undefined);
  assert.match(answer.headers.get('location') ?? '', /\/Patient\/[^/]+\/_history\/1$/);
});
