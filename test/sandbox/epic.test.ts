// The Epic-like personalities over real HTTP (auth off; epic-auth.test.ts covers the token
// endpoint and the 403): STU3 $find and $book (DESIGN.md section 5; output shaped like
// argonaut/Bundle-hal-dr-y-appts.json and argonaut/Appointment-proposed-appt1.json), R4 read
// back and search, read-only Slot/Schedule/Coverage and no Appointment writes, metadata modelled
// on epic/epic-fhir-r4-capabilitystatement.json and epic/epic-fhir-stu3-capabilitystatement.json.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  Appointment,
  Bundle,
  BundleEntry,
  CapabilityStatement,
  OperationOutcome,
  Parameters,
  ParametersParameter,
  Slot,
} from '@medplum/fhirtypes';
import {
  EPIC_NO_RESULTS,
  EPIC_NO_VISIT_TYPE,
  EPIC_OUTCOME_SYSTEM,
  EPIC_R4_PREFIX,
  EPIC_STU3_PREFIX,
  EPIC_VISIT_TYPE_SYSTEM,
  SANDBOX_OUTCOME_SYSTEM,
  SLOT_UNAVAILABLE,
} from '../../src/sandbox/personalities/epic.ts';
import { EPIC_PROPOSAL_TTL_MS, proposalBookOf } from '../../src/sandbox/personalities/epic-proposals.ts';
import { MRN_SYSTEM } from '../../src/sandbox/seed.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, isOperationOutcome, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let r4: string;
let stu3: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  r4 = `${sandbox.url}${EPIC_R4_PREFIX}`;
  stu3 = `${sandbox.url}${EPIC_STU3_PREFIX}`;
});

after(async () => {
  await sandbox.close();
});

const NEW_PATIENT = { system: EPIC_VISIT_TYPE_SYSTEM, code: '1001' };
const FOLLOW_UP = { system: EPIC_VISIT_TYPE_SYSTEM, code: '1002' };

let day = 9;
/** A different one-day window per test (weekdays after the reference date), so bookings never collide. */
function nextWindow(): ParametersParameter[] {
  day += 1;
  const date = new Date(Date.UTC(2025, 2, day));
  if (date.getUTCDay() === 0 || date.getUTCDay() === 6) return nextWindow();
  const end = new Date(date.getTime() + 86_400_000);
  return [
    { name: 'startTime', valueDateTime: date.toISOString() },
    { name: 'endTime', valueDateTime: end.toISOString() },
  ];
}

function parameters(...parameter: ParametersParameter[]): Parameters {
  return { resourceType: 'Parameters', parameter };
}

function serviceType(coding: { system: string; code: string }): ParametersParameter {
  return { name: 'serviceType', valueCodeableConcept: { coding: [coding] } };
}

async function find(...parameter: ParametersParameter[]) {
  return call<Bundle>(`${stu3}/Appointment/$find`, fhirJson('POST', parameters(...parameter)));
}

function proposals(bundle: Bundle): Appointment[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Appointment);
}

function outcomes(bundle: Bundle): OperationOutcome[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === 'outcome')
    .map((e) => e.resource as OperationOutcome);
}

function epicCodes(bundle: Bundle): string[] {
  return outcomes(bundle).flatMap((o) =>
    o.issue.flatMap(
      (i) =>
        i.details?.coding?.filter((c) => c.system === EPIC_OUTCOME_SYSTEM).map((c) => c.code ?? '') ?? [],
    ),
  );
}

function patientId(index = 6): string {
  return sandbox.seed.patients[index].id;
}

function bookParameters(proposalId: string, patient = patientId(), note?: string): Parameters {
  return parameters(
    { name: 'patient', valueIdentifier: { value: patient } },
    { name: 'appointment', valueIdentifier: { value: proposalId } },
    ...(note === undefined ? [] : [{ name: 'appointmentNote', valueString: note }]),
  );
}

async function book(body: Parameters) {
  return call<Bundle | OperationOutcome>(`${stu3}/Appointment/$book`, fhirJson('POST', body));
}

function assertSlotUnavailable(answer: { status: number; body: unknown }): void {
  assert.equal(answer.status, 409, JSON.stringify(answer.body));
  assert.ok(isOperationOutcome(answer.body));
  const coding = answer.body.issue[0].details?.coding?.[0];
  assert.equal(coding?.system, SANDBOX_OUTCOME_SYSTEM);
  assert.equal(coding?.code, SLOT_UNAVAILABLE);
}

// --- $find

test('proposes appointments for a visit type as a searchset of proposed Appointments with temporary ids', async () => {
  const example = readVendorFixture<Bundle>('argonaut/Bundle-hal-dr-y-appts.json');
  const proposedExample = readVendorFixture<Appointment>('argonaut/Appointment-proposed-appt1.json');
  const window = nextWindow();
  const answer = await find(serviceType(NEW_PATIENT), ...window);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.type, example.type);
  const found = proposals(answer.body);
  assert.ok(found.length > 0);
  assert.equal(answer.body.total, found.length);
  const windowStart = window[0].valueDateTime as string;
  const windowEnd = window[1].valueDateTime as string;
  for (const appointment of found) {
    assert.equal(appointment.status, proposedExample.status);
    assert.match(appointment.id ?? '', /^tmp-/);
    assert.ok(appointment.start && appointment.start >= windowStart && appointment.start < windowEnd);
    assert.ok(
      appointment.serviceType?.[0].coding?.some(
        (c) => c.system === NEW_PATIENT.system && c.code === NEW_PATIENT.code,
      ),
    );
    assert.deepEqual(
      appointment.participant.map((p) => p.actor?.reference?.split('/')[0]),
      ['Practitioner', 'Location'],
    );
    assert.ok(appointment.requestedPeriod?.length === 1);
  }
  const entry = answer.body.entry?.[0] as BundleEntry;
  assert.equal(entry.fullUrl, `${stu3}/Appointment/${found[0].id}`);
  const starts = found.map((a) => a.start as string);
  assert.deepEqual([...starts].sort(), starts);
});

test('answers a $find without serviceType, or with an unknown one, with an outcome entry coded 59200', async () => {
  const missing = await find(...nextWindow());
  assert.equal(missing.status, 200);
  assert.deepEqual(proposals(missing.body), []);
  assert.deepEqual(epicCodes(missing.body), [EPIC_NO_VISIT_TYPE]);
  const unknown = await find(serviceType({ system: EPIC_VISIT_TYPE_SYSTEM, code: '9999' }), ...nextWindow());
  assert.deepEqual(epicCodes(unknown.body), [EPIC_NO_VISIT_TYPE]);
});

test('answers a $find that matches nothing with an outcome entry coded 4101', async () => {
  const answer = await find(
    serviceType(NEW_PATIENT),
    { name: 'startTime', valueDateTime: '2025-03-15T00:00:00Z' },
    { name: 'endTime', valueDateTime: '2025-03-17T00:00:00Z' },
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(proposals(answer.body), [], 'a weekend has no clinic hours');
  assert.deepEqual(epicCodes(answer.body), [EPIC_NO_RESULTS]);
  assert.equal(outcomes(answer.body)[0].issue[0].severity, 'warning');
});

test('narrows $find by specialty, location and time of day, and accepts the sandbox visit-type coding', async () => {
  const cardiology = { system: 'http://snomed.info/sct', code: '394579002' };
  const riverside = sandbox.seed.locations.find((l) => l.name === 'Riverside Clinic');
  const washington = sandbox.seed.practitioners.find(
    (p) => p.specialty === 'cardiology' && p.locationId === riverside?.id,
  );
  const answer = await find(
    serviceType({ system: 'urn:ehrgate:sandbox:visit-type', code: 'follow-up' }),
    ...nextWindow(),
    { name: 'specialties', valueCodeableConcept: { coding: [cardiology] } },
    { name: 'location-reference', valueReference: { reference: `Location/${riverside?.id}` } },
    { name: 'time-of-day', valueString: 'afternoon' },
  );
  const found = proposals(answer.body);
  assert.ok(found.length > 0);
  for (const appointment of found) {
    assert.equal(appointment.participant[0].actor?.reference, `Practitioner/${washington?.id}`);
    // Riverside is in America/Chicago; afternoon clinic hours are 13:00-17:00 local (UTC-5 in March after DST).
    const hour = new Date(appointment.start as string).getUTCHours();
    assert.ok(hour >= 18 || hour < 1, `starts at ${appointment.start}`);
  }
});

test('adds the patient named by identifier to the proposals', async () => {
  const seeded = sandbox.seed.patients[3];
  const answer = await find(serviceType(FOLLOW_UP), ...nextWindow(), {
    name: 'patient',
    resource: { resourceType: 'Patient', identifier: [{ system: MRN_SYSTEM, value: seeded.mrn }] },
  });
  assert.equal(proposals(answer.body)[0].participant[0].actor?.reference, `Patient/${seeded.id}`);
});

// --- $book

test('books a proposal once: the slot turns busy, a booked Appointment is readable at R4, a second $book is refused', async () => {
  const [proposal] = proposals((await find(serviceType(NEW_PATIENT), ...nextWindow())).body);
  const slotRef = proposal.slot?.[0].reference as string;
  const answer = await book(
    bookParameters(proposal.id as string, patientId(), 'Chest pain when climbing stairs'),
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const bundle = answer.body as Bundle;
  const booked = bundle.entry?.[0].resource as Appointment;
  assert.equal(booked.status, 'booked');
  assert.equal(booked.start, proposal.start);
  assert.equal(booked.comment, 'Chest pain when climbing stairs');
  assert.equal(bundle.entry?.[0].fullUrl, `${r4}/Appointment/${booked.id}`);
  const read = await call<Appointment>(`${r4}/Appointment/${booked.id}`);
  assert.equal(read.status, 200);
  assert.equal(read.body.participant[0].actor?.reference, `Patient/${patientId()}`);
  assert.equal((await call<Slot>(`${r4}/${slotRef}`)).body.status, 'busy');
  assertSlotUnavailable(await book(bookParameters(proposal.id as string, patientId(7))));
});

test('refuses an unknown proposal, an expired one and one whose slot was booked meanwhile as slot no longer available', async () => {
  assertSlotUnavailable(await book(bookParameters('tmp-00000000-0000-0000-0000-000000000000')));
  const found = proposals((await find(serviceType(FOLLOW_UP), ...nextWindow())).body);
  const proposalBook = proposalBookOf(sandbox.store);
  const realNow = proposalBook.now;
  proposalBook.now = () => realNow() + EPIC_PROPOSAL_TTL_MS + 1;
  try {
    assertSlotUnavailable(await book(bookParameters(found[0].id as string)));
  } finally {
    proposalBook.now = realNow;
  }
  // Two proposals of one slot (two $find calls): booking one makes the other unavailable.
  const window = nextWindow();
  const again = proposals((await find(serviceType(NEW_PATIENT), ...window)).body);
  const twin = proposals((await find(serviceType(FOLLOW_UP), ...window)).body);
  const pair = twin.find((t) => t.slot?.[0].reference === again[0].slot?.[0].reference);
  assert.ok(pair, 'the same slot is proposed for both visit types');
  assert.equal((await book(bookParameters(again[0].id as string))).status, 200);
  assertSlotUnavailable(await book(bookParameters(pair.id as string, patientId(8))));
});

test('refuses a $book without patient or appointment with 400, and an unknown patient with 404', async () => {
  const [proposal] = proposals((await find(serviceType(NEW_PATIENT), ...nextWindow())).body);
  const noPatient = await book(parameters({ name: 'appointment', valueIdentifier: { value: proposal.id } }));
  assert.equal(noPatient.status, 400);
  const noAppointment = await book(parameters({ name: 'patient', valueIdentifier: { value: patientId() } }));
  assert.equal(noAppointment.status, 400);
  const unknown = await book(bookParameters(proposal.id as string, 'no-such-patient'));
  assert.equal(unknown.status, 404);
  assert.equal(
    (await book(bookParameters(proposal.id as string))).status,
    200,
    'the proposal is still bookable',
  );
});

// --- R4 endpoint

test('lists booked appointments by patient and date at R4', async () => {
  const [proposal] = proposals((await find(serviceType(NEW_PATIENT), ...nextWindow())).body);
  const patient = patientId(11);
  await book(bookParameters(proposal.id as string, patient));
  const answer = await call<Bundle>(`${r4}/Appointment?patient=${patient}&date=ge2025-03-06`);
  assert.equal(answer.status, 200);
  const listed = proposals(answer.body);
  assert.ok(listed.some((a) => a.start === proposal.start && a.status === 'booked'));
});

test('keeps Slot, Schedule and Coverage read-only and has no Appointment create, PUT or PATCH (405)', async () => {
  const slotId = sandbox.seed.appointments[0].slotId;
  const slot = await call<Slot>(`${r4}/Slot/${slotId}`);
  assert.equal(slot.status, 200);
  assert.equal((await call(`${r4}/Slot/${slotId}`, fhirJson('PUT', slot.body))).status, 405);
  assert.equal((await call(`${r4}/Slot`, fhirJson('POST', { ...slot.body, id: undefined }))).status, 405);
  assert.equal((await call(`${r4}/Slot?status=free`)).status, 405, 'no R4 Slot search');
  const schedule = sandbox.seed.practitioners[0].scheduleId;
  assert.equal((await call(`${r4}/Schedule/${schedule}`)).status, 200);
  assert.equal((await call(`${r4}/Coverage`, fhirJson('POST', { resourceType: 'Coverage' }))).status, 405);
  const appointmentId = sandbox.seed.appointments[0].id;
  const appointment = await call<Appointment>(`${r4}/Appointment/${appointmentId}`);
  const put = await call<OperationOutcome>(
    `${r4}/Appointment/${appointmentId}`,
    fhirJson('PUT', { ...appointment.body, status: 'cancelled' }),
  );
  assert.equal(put.status, 405);
  assert.equal(put.body.issue[0].code, 'not-supported');
  const patch = await call(`${r4}/Appointment/${appointmentId}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json' },
    body: JSON.stringify([{ op: 'replace', path: '/status', value: 'cancelled' }]),
  });
  assert.equal(patch.status, 405);
  assert.equal((await call(`${r4}/Appointment`, fhirJson('POST', appointment.body))).status, 405);
  assert.equal((await call<Appointment>(`${r4}/Appointment/${appointmentId}`)).body.status, 'booked');
});

test('serves CapabilityStatements with conditionalCreate false, read-only Slot and Schedule, and the STU3 operations', async () => {
  const epicR4 = readVendorFixture<CapabilityStatement>('epic/epic-fhir-r4-capabilitystatement.json');
  const epicStu3 = readVendorFixture<CapabilityStatement>('epic/epic-fhir-stu3-capabilitystatement.json');
  const answer = await call<CapabilityStatement>(`${r4}/metadata`);
  assert.equal(answer.body.fhirVersion, epicR4.fhirVersion);
  const resources = answer.body.rest?.[0].resource ?? [];
  assert.ok(resources.every((r) => r.conditionalCreate === false));
  const codes = (type: string, cs: CapabilityStatement) =>
    cs.rest?.[0].resource
      ?.find((r) => r.type === type)
      ?.interaction?.map((i) => i.code)
      .sort();
  assert.deepEqual(codes('Appointment', answer.body), codes('Appointment', epicR4));
  assert.deepEqual(codes('Coverage', answer.body), codes('Coverage', epicR4));
  const stu3Answer = await call<CapabilityStatement>(`${stu3}/metadata`);
  assert.equal(stu3Answer.body.fhirVersion, epicStu3.fhirVersion);
  assert.deepEqual(codes('Slot', stu3Answer.body), codes('Slot', epicStu3));
  assert.deepEqual(codes('Schedule', stu3Answer.body), codes('Schedule', epicStu3));
  assert.deepEqual(
    stu3Answer.body.rest?.[0].operation?.map((o) => o.name),
    ['find', 'book'],
  );
});

test('ignores If-None-Exist on create, as Epic has no conditional create', async () => {
  const body = { resourceType: 'Patient', name: [{ family: 'Conditional', given: ['Nora'] }] };
  const headers = { 'if-none-exist': `identifier=${MRN_SYSTEM}|${sandbox.seed.patients[0].mrn}` };
  const created = await call(`${r4}/Patient`, fhirJson('POST', body, headers));
  assert.equal(created.status, 201, 'a new patient, not the existing match');
});
