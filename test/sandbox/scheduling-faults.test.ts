// The scheduling faults (src/sandbox/fault-kinds.ts, scheduling/write-faults.ts) on the
// Cerner-like, Epic-like and generic R4 personalities over real HTTP: slot-taken, ack-not-
// persisted and commit-then-timeout, switched by the X-Sandbox-Fault header and by control-API
// rule. Bodies: cerner/R4_APPOINTMENT_CREATE.json (Cerner's documented create).

import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Appointment, Bundle, OperationOutcome, Parameters, Slot } from '@medplum/fhirtypes';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import {
  EPIC_R4_PREFIX,
  EPIC_STU3_PREFIX,
  EPIC_VISIT_TYPE_SYSTEM,
  SANDBOX_OUTCOME_SYSTEM,
  SLOT_UNAVAILABLE,
} from '../../src/sandbox/personalities/epic.ts';
import { PORTAL_BOOKING_COMMENT } from '../../src/sandbox/scheduling/write-faults.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, isOperationOutcome, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let cerner: string;
let epicR4: string;
let stu3: string;
let r4: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  cerner = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  epicR4 = `${sandbox.url}${EPIC_R4_PREFIX}`;
  stu3 = `${sandbox.url}${EPIC_STU3_PREFIX}`;
  r4 = sandbox.r4BaseUrl;
});

afterEach(async () => {
  await call(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
});

after(async () => {
  await sandbox.close();
});

const FAULT = 'x-sandbox-fault';

let cursor = 0;
/** A free slot no other test in this file uses (every seventh of the free slots in a week). */
async function freeSlot(): Promise<Slot> {
  const answer = await call<Bundle>(
    `${cerner}/Slot?service-type=${encodeURIComponent('urn:ehrgate:sandbox:visit-type|follow-up')}` +
      '&start=ge2025-03-17T00:00:00Z&start=lt2025-03-22T00:00:00Z&_count=200',
  );
  const slots = (answer.body.entry ?? [])
    .filter((e) => e.search?.mode === 'match')
    .map((e) => e.resource as Slot);
  cursor += 7;
  return slots[cursor % slots.length];
}

function patientId(index = 10): string {
  return sandbox.seed.patients[index].id;
}

function cernerCreate(slotId: string, patient = patientId()): Appointment {
  const example = readVendorFixture<Appointment>('cerner/R4_APPOINTMENT_CREATE.json');
  return {
    ...example,
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [{ ...example.participant[0], actor: { reference: `Patient/${patient}` } }],
  };
}

/** A booked R4 Appointment for a slot, as the generic fhir-r4 adapter would send it. */
function r4Appointment(slot: Slot, patient = patientId()): Appointment {
  return {
    resourceType: 'Appointment',
    status: 'booked',
    start: slot.start,
    end: slot.end,
    slot: [{ reference: `Slot/${slot.id}` }],
    participant: [{ actor: { reference: `Patient/${patient}` }, status: 'accepted' }],
  };
}

async function slotStatus(slotId: string): Promise<string | undefined> {
  return (await call<Slot>(`${r4}/Slot/${slotId}`)).body.status;
}

async function appointmentsOn(slotId: string): Promise<Appointment[]> {
  const answer = await call<Bundle>(`${r4}/Appointment?slot=Slot/${slotId}`);
  return (answer.body.entry ?? []).map((e) => e.resource as Appointment);
}

async function proposalFor(): Promise<Appointment> {
  const found = await call<Bundle>(
    `${stu3}/Appointment/$find`,
    fhirJson('POST', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'startTime', valueDateTime: '2025-03-24T00:00:00Z' },
        { name: 'endTime', valueDateTime: '2025-03-29T00:00:00Z' },
        {
          name: 'serviceType',
          valueCodeableConcept: { coding: [{ system: EPIC_VISIT_TYPE_SYSTEM, code: '1002' }] },
        },
      ],
    }),
  );
  const proposals = (found.body.entry ?? [])
    .filter((e) => e.search?.mode === 'match')
    .map((e) => e.resource as Appointment);
  cursor += 1;
  return proposals[cursor % proposals.length];
}

function bookBody(proposalId: string, patient = patientId()): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patient', valueIdentifier: { value: patient } },
      { name: 'appointment', valueIdentifier: { value: proposalId } },
    ],
  };
}

function slotIdOf(appointment: Appointment): string {
  return (appointment.slot?.[0].reference ?? '').replace('Slot/', '');
}

/** Sends a request the sandbox never answers; resolves once the client gave up after `ms`. */
async function abandoned(url: string, init: RequestInit, ms = 300): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    await assert.rejects(
      fetch(url, { ...init, signal: controller.signal }),
      (error: Error) => error.name === 'AbortError',
    );
  } finally {
    clearTimeout(timer);
  }
}

// --- slot-taken

test('slot-taken: a Cerner POST Appointment finds its slot booked by the portal and gets 422', async () => {
  const slot = await freeSlot();
  const answer = await call<OperationOutcome>(
    `${cerner}/Appointment`,
    fhirJson('POST', cernerCreate(slot.id as string), { [FAULT]: 'slot-taken' }),
  );
  assert.equal(answer.status, 422);
  assert.equal(answer.body.issue[0].code, 'business-rule');
  assert.equal(await slotStatus(slot.id as string), 'busy');
  const [portal, ...others] = await appointmentsOn(slot.id as string);
  assert.equal(others.length, 0);
  assert.equal(portal.comment, PORTAL_BOOKING_COMMENT);
  assert.notEqual(
    portal.participant[0].actor?.reference,
    `Patient/${patientId()}`,
    'another patient got the slot',
  );
});

test('slot-taken: an Epic $book is refused as slot no longer available', async () => {
  const proposal = await proposalFor();
  const answer = await call<OperationOutcome>(
    `${stu3}/Appointment/$book`,
    fhirJson('POST', bookBody(proposal.id as string), { [FAULT]: 'slot-taken' }),
  );
  assert.equal(answer.status, 409);
  assert.equal(answer.body.issue[0].details?.coding?.[0].system, SANDBOX_OUTCOME_SYSTEM);
  assert.equal(answer.body.issue[0].details?.coding?.[0].code, SLOT_UNAVAILABLE);
  assert.equal(await slotStatus(slotIdOf(proposal)), 'busy');
  assert.equal((await appointmentsOn(slotIdOf(proposal))).length, 1);
});

test('slot-taken: a generic R4 Slot update with If-Match gets 412, an Appointment create 409', async () => {
  const slot = await freeSlot();
  const read = await call<Slot>(`${r4}/Slot/${slot.id}`);
  const claim = await call<OperationOutcome>(
    `${r4}/Slot/${slot.id}`,
    fhirJson(
      'PUT',
      { ...read.body, status: 'busy' },
      { 'if-match': read.headers.get('etag') ?? '', [FAULT]: 'slot-taken' },
    ),
  );
  assert.equal(claim.status, 412);
  assert.equal(claim.body.issue[0].code, 'conflict');
  assert.equal((await appointmentsOn(slot.id as string))[0].comment, PORTAL_BOOKING_COMMENT);

  const other = await freeSlot();
  const created = await call<OperationOutcome>(
    `${r4}/Appointment`,
    fhirJson('POST', r4Appointment(other), { [FAULT]: 'slot-taken' }),
  );
  assert.equal(created.status, 409);
  assert.equal(await slotStatus(other.id as string), 'busy');
  assert.equal((await appointmentsOn(other.id as string)).length, 1, 'only the portal booking exists');
});

test('slot-taken by control-API rule faults the next Cerner booking only (times: 1)', async () => {
  const rule = await call(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      match: { method: 'POST', pathRegex: '/r4/[^/]+/Appointment$' },
      fault: { slotTaken: true },
      times: 1,
    }),
  });
  assert.equal(rule.status, 201);
  const first = await freeSlot();
  assert.equal(
    (await call(`${cerner}/Appointment`, fhirJson('POST', cernerCreate(first.id as string)))).status,
    422,
  );
  const second = await freeSlot();
  assert.equal(
    (await call(`${cerner}/Appointment`, fhirJson('POST', cernerCreate(second.id as string)))).status,
    201,
  );
});

// --- ack-not-persisted

test('ack-not-persisted: a Cerner booking is answered 201 with Location and ETag but nothing is stored', async () => {
  const slot = await freeSlot();
  const answer = await call(
    `${cerner}/Appointment`,
    fhirJson('POST', cernerCreate(slot.id as string), { [FAULT]: 'ack-not-persisted' }),
  );
  assert.equal(answer.status, 201);
  assert.equal(answer.headers.get('etag'), 'W/"0"');
  const location = answer.headers.get('location') ?? '';
  assert.match(location, /\/Appointment\/[A-Za-z0-9-]+$/);
  assert.equal((await call(location)).status, 404);
  assert.equal(await slotStatus(slot.id as string), 'free');
  assert.deepEqual(await appointmentsOn(slot.id as string), []);
});

test('ack-not-persisted: a Cerner cancel is answered 200 but the appointment stays booked', async () => {
  const slot = await freeSlot();
  const created = await call(`${cerner}/Appointment`, fhirJson('POST', cernerCreate(slot.id as string)));
  const location = created.headers.get('location') ?? '';
  const answer = await call<Appointment>(location, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json-patch+json',
      'if-match': 'W/"0"',
      prefer: 'return=representation',
      [FAULT]: 'ack-not-persisted',
    },
    body: JSON.stringify([{ op: 'replace', path: '/status', value: 'cancelled' }]),
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.status, 'cancelled');
  assert.equal(answer.headers.get('etag'), 'W/"1"');
  const read = await call<Appointment>(location);
  assert.equal(read.body.status, 'booked');
  assert.equal(read.headers.get('etag'), 'W/"0"');
  assert.equal(await slotStatus(slot.id as string), 'busy');
});

test('ack-not-persisted: an Epic $book answers a booked Appointment that R4 cannot read, and the proposal stays bookable', async () => {
  const proposal = await proposalFor();
  const answer = await call<Bundle>(
    `${stu3}/Appointment/$book`,
    fhirJson('POST', bookBody(proposal.id as string), { [FAULT]: 'ack-not-persisted' }),
  );
  assert.equal(answer.status, 200);
  const booked = answer.body.entry?.[0].resource as Appointment;
  assert.equal(booked.status, 'booked');
  assert.equal((await call(`${epicR4}/Appointment/${booked.id}`)).status, 404);
  assert.equal(await slotStatus(slotIdOf(proposal)), 'free');
  assert.equal(
    (await call(`${stu3}/Appointment/$book`, fhirJson('POST', bookBody(proposal.id as string)))).status,
    200,
  );
});

test('ack-not-persisted: a generic R4 create and update are answered but not stored', async () => {
  const slot = await freeSlot();
  const created = await call<Appointment>(
    `${r4}/Appointment`,
    fhirJson('POST', r4Appointment(slot), { [FAULT]: 'ack-not-persisted' }),
  );
  assert.equal(created.status, 201);
  assert.equal((await call(`${r4}/Appointment/${created.body.id}`)).status, 404);
  const read = await call<Slot>(`${r4}/Slot/${slot.id}`);
  const updated = await call<Slot>(
    `${r4}/Slot/${slot.id}`,
    fhirJson(
      'PUT',
      { ...read.body, status: 'busy' },
      { 'if-match': read.headers.get('etag') ?? '', [FAULT]: 'ack-not-persisted' },
    ),
  );
  assert.equal(updated.status, 200);
  assert.equal(updated.body.status, 'busy');
  assert.equal(updated.body.meta?.versionId, String(Number(read.body.meta?.versionId) + 1));
  const after = await call<Slot>(`${r4}/Slot/${slot.id}`);
  assert.equal(after.body.status, 'free');
  assert.equal(after.body.meta?.versionId, read.body.meta?.versionId);
});

// --- commit-then-timeout

test('commit-then-timeout: a Cerner booking is stored but never answered', async () => {
  const slot = await freeSlot();
  await abandoned(
    `${cerner}/Appointment`,
    fhirJson('POST', cernerCreate(slot.id as string), { [FAULT]: 'commit-then-timeout' }),
  );
  assert.equal(await slotStatus(slot.id as string), 'busy');
  const [stored] = await appointmentsOn(slot.id as string);
  assert.equal(stored.participant[0].actor?.reference, `Patient/${patientId()}`);
  assert.equal(stored.status, 'booked');
});

test('commit-then-timeout: an Epic $book is stored but never answered; $find is still answered', async () => {
  const proposal = await proposalFor();
  await abandoned(
    `${stu3}/Appointment/$book`,
    fhirJson('POST', bookBody(proposal.id as string), { [FAULT]: 'commit-then-timeout' }),
  );
  assert.equal(await slotStatus(slotIdOf(proposal)), 'busy');
  assert.equal(
    (await appointmentsOn(slotIdOf(proposal)))[0].participant[0].actor?.reference,
    `Patient/${patientId()}`,
  );
  const find = await call<Bundle>(
    `${stu3}/Appointment/$find`,
    fhirJson('POST', { resourceType: 'Parameters', parameter: [] }, { [FAULT]: 'commit-then-timeout' }),
  );
  assert.equal(find.status, 200, 'a search is not a write');
});

test('commit-then-timeout: a generic R4 create is stored but never answered; a refused write is answered', async () => {
  const slot = await freeSlot();
  await abandoned(
    `${r4}/Appointment`,
    fhirJson('POST', r4Appointment(slot), { [FAULT]: 'commit-then-timeout' }),
  );
  assert.equal((await appointmentsOn(slot.id as string)).length, 1);
  const refused = await call(
    `${r4}/Appointment`,
    fhirJson('POST', { resourceType: 'Appointment' }, { [FAULT]: 'commit-then-timeout' }),
  );
  assert.equal(refused.status, 400);
  assert.ok(isOperationOutcome(refused.body));
});

test('commit-then-timeout by control-API rule holds the gateway-style request it matches', async () => {
  await call(`${sandbox.url}/_sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      match: { method: 'POST', path: '/Appointment/$book' },
      fault: { commitThenTimeout: true },
      times: 1,
    }),
  });
  const proposal = await proposalFor();
  await abandoned(`${stu3}/Appointment/$book`, fhirJson('POST', bookBody(proposal.id as string)));
  assert.equal(await slotStatus(slotIdOf(proposal)), 'busy');
});
