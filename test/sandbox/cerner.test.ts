// The Cerner-like personality over real HTTP (auth off: FHIR behaviour only; cerner-auth.test.ts
// covers the token endpoint and the 403). Rules from DESIGN.md section 5; bodies and bundle
// shapes from cerner/R4_SLOT_BUNDLE.json, cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json,
// cerner/R4_SLOT_BUNDLE_INCLUDE_PRACTITIONER.json, cerner/R4_APPOINTMENT_CREATE.json and
// cerner/cerner-capability-statement-r4-secure.json.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Appointment, Bundle, CapabilityStatement, OperationOutcome, Slot } from '@medplum/fhirtypes';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import { VISIT_TYPE_SYSTEM } from '../../src/sandbox/scheduling/visit-types.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, isOperationOutcome, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  base = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
});

after(async () => {
  await sandbox.close();
});

const NEW_PATIENT = `${VISIT_TYPE_SYSTEM}|new-patient`;
const FOLLOW_UP = `${VISIT_TYPE_SYSTEM}|follow-up`;
const WINDOW = 'start=ge2025-03-10T00:00:00Z&start=lt2025-03-15T00:00:00Z';

function slotUrl(query: string): string {
  return `${base}/Slot?${query}`;
}

function matches<T>(bundle: Bundle): T[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
}

async function freeSlots(
  query = `service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}`,
): Promise<Slot[]> {
  const answer = await call<Bundle>(slotUrl(query));
  assert.equal(answer.status, 200);
  return matches<Slot>(answer.body);
}

let nextSlot = 0;
/** A different free slot for each booking test, so tests do not depend on each other. */
async function takeFreeSlot(): Promise<Slot> {
  const slots = await freeSlots(`service-type=${encodeURIComponent(FOLLOW_UP)}&${WINDOW}&_count=200`);
  nextSlot += 7;
  return slots[nextSlot % slots.length];
}

function patientId(index = 5): string {
  return sandbox.seed.patients[index].id;
}

/** Cerner's documented create body (cerner/R4_APPOINTMENT_CREATE.json) pointed at sandbox ids. */
function createBody(slotId: string, patient = patientId()): Appointment {
  const example = readVendorFixture<Appointment>('cerner/R4_APPOINTMENT_CREATE.json');
  return {
    ...example,
    slot: [{ reference: `Slot/${slotId}` }],
    participant: [{ ...example.participant[0], actor: { reference: `Patient/${patient}` } }],
  };
}

function expectOutcome(
  answer: { status: number; body: unknown },
  status: number,
  code: string,
): OperationOutcome {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.ok(isOperationOutcome(answer.body), 'the body is an OperationOutcome');
  assert.equal(answer.body.issue[0].code, code);
  return answer.body;
}

async function book(slotId: string): Promise<{ location: string; id: string }> {
  const created = await call(`${base}/Appointment`, fhirJson('POST', createBody(slotId)));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const location = created.headers.get('location') ?? '';
  return { location, id: location.split('/').pop() ?? '' };
}

function jsonPatch(operations: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json', ...headers },
    body: JSON.stringify(operations),
  };
}

// --- Slot search

test('returns only free slots for a service type, sorted by start, shaped like Cerner R4_SLOT_BUNDLE', async () => {
  const example = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE.json');
  const answer = await call<Bundle>(slotUrl(`service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}`));
  assert.equal(answer.status, 200);
  assert.equal(answer.body.type, example.type);
  assert.equal(answer.body.total, example.total, 'Cerner sends no total');
  const slots = matches<Slot>(answer.body);
  assert.ok(slots.length > 0);
  const starts = slots.map((s) => s.start as string);
  assert.deepEqual([...starts].sort(), starts);
  for (const slot of slots) {
    assert.equal(slot.status, 'free');
    assert.ok(slot.start >= '2025-03-10T00:00:00Z' && slot.start < '2025-03-15T00:00:00Z');
    assert.ok(slot.serviceType?.some((t) => t.coding?.some((c) => `${c.system}|${c.code}` === NEW_PATIENT)));
  }
  assert.equal(answer.body.link?.[0].relation, 'self');
});

test('never returns a busy slot', async () => {
  const busy = sandbox.seed.appointments[0].slotId;
  const answer = await call<Bundle>(slotUrl(`service-type=${encodeURIComponent(FOLLOW_UP)}&_id=${busy}`));
  assert.equal(answer.status, 200);
  assert.deepEqual(matches(answer.body), []);
  const read = await call<Slot>(`${base}/Slot/${busy}`);
  assert.equal(read.body.status, 'busy');
});

test('refuses a Slot search without service-type with 400 and an OperationOutcome', async () => {
  const outcome = expectOutcome(await call(slotUrl(WINDOW)), 400, 'invalid');
  assert.deepEqual(outcome.issue[0].expression, ['service-type']);
});

test('refuses start without both ge and lt prefixes with 400', async () => {
  const st = `service-type=${encodeURIComponent(NEW_PATIENT)}`;
  expectOutcome(await call(slotUrl(`${st}&start=ge2025-03-10T00:00:00Z`)), 400, 'invalid');
  expectOutcome(
    await call(slotUrl(`${st}&start=ge2025-03-10T00:00:00Z&start=ge2025-03-11T00:00:00Z`)),
    400,
    'invalid',
  );
  expectOutcome(await call(slotUrl(`${st}&start=2025-03-10`)), 400, 'invalid');
  assert.equal((await call(slotUrl(`${st}&${WINDOW}`))).status, 200);
});

test('refuses a parameter given twice with 400', async () => {
  const st = `service-type=${encodeURIComponent(NEW_PATIENT)}`;
  const outcome = expectOutcome(await call(slotUrl(`${st}&${st}&${WINDOW}`)), 400, 'invalid');
  assert.deepEqual(outcome.issue[0].expression, ['service-type']);
});

test('refuses a parameter Cerner does not support for Slot with 400', async () => {
  const st = `service-type=${encodeURIComponent(NEW_PATIENT)}`;
  expectOutcome(await call(slotUrl(`${st}&status=busy`)), 400, 'invalid');
});

test('takes comma lists for service-type, schedule.actor and -location', async () => {
  const [alvarez, okafor] = sandbox.seed.practitioners;
  const both = await freeSlots(
    `service-type=${encodeURIComponent(`${NEW_PATIENT},${FOLLOW_UP}`)}&${WINDOW}` +
      `&schedule.actor=Practitioner/${alvarez.id},Practitioner/${okafor.id}&_count=200`,
  );
  const schedules = new Set(both.map((s) => s.schedule.reference));
  assert.deepEqual(schedules, new Set([`Schedule/${alvarez.scheduleId}`, `Schedule/${okafor.scheduleId}`]));

  const atRiverside = await freeSlots(
    `service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}&-location=${okafor.locationId}&_count=200`,
  );
  const riverside = sandbox.seed.practitioners.filter((p) => p.locationId === okafor.locationId);
  assert.ok(atRiverside.length > 0);
  for (const slot of atRiverside) {
    assert.ok(riverside.some((p) => slot.schedule.reference === `Schedule/${p.scheduleId}`));
  }
  const narrowed = await freeSlots(
    `service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}&schedule.actor=Practitioner/${alvarez.id}` +
      `&-location=${okafor.locationId}`,
  );
  assert.deepEqual(narrowed, [], 'Dr Alvarez does not work at Riverside');
});

test('honours _count and pages with an opaque -pageContext next link', async () => {
  const first = await call<Bundle>(
    slotUrl(`service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}&_count=5`),
  );
  assert.equal(matches(first.body).length, 5);
  const next = first.body.link?.find((l) => l.relation === 'next')?.url ?? '';
  assert.match(next, /-pageContext=/);
  const second = await call<Bundle>(next);
  assert.equal(second.status, 200);
  const page2 = matches<Slot>(second.body);
  assert.equal(page2.length, 5);
  const page1 = matches<Slot>(first.body);
  assert.ok(page2[0].start >= page1[4].start);
  assert.ok(!page2.some((s) => page1.some((p) => p.id === s.id)));
});

test('includes the schedule with _include=Slot:schedule and the practitioner with _include=Schedule:actor', async () => {
  const withSchedule = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json');
  const withPractitioner = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE_INCLUDE_PRACTITIONER.json');
  const q = `service-type=${encodeURIComponent(NEW_PATIENT)}&${WINDOW}&_count=2`;
  const schedules = await call<Bundle>(slotUrl(`${q}&_include=Slot:schedule`));
  const included = (schedules.body.entry ?? []).filter((e) => e.search?.mode === 'include');
  assert.deepEqual(
    [...new Set(included.map((e) => e.resource?.resourceType))],
    [
      ...new Set(
        withSchedule.entry?.filter((e) => e.search?.mode === 'include').map((e) => e.resource?.resourceType),
      ),
    ],
  );
  const practitioners = await call<Bundle>(slotUrl(`${q}&_include=Schedule:actor`));
  const includedTypes = (practitioners.body.entry ?? [])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => e.resource?.resourceType);
  assert.ok(includedTypes.length > 0);
  assert.deepEqual(
    [...new Set(includedTypes)],
    [
      ...new Set(
        withPractitioner.entry
          ?.filter((e) => e.search?.mode === 'include')
          .map((e) => e.resource?.resourceType),
      ),
    ],
  );
});

// --- Appointment create

test('books Cerner\'s documented create body: 201, Location, ETag W/"0", start and end from the slot, slot busy', async () => {
  const slot = await takeFreeSlot();
  const created = await call(`${base}/Appointment`, fhirJson('POST', createBody(slot.id as string)));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.headers.get('etag'), 'W/"0"');
  const location = created.headers.get('location') ?? '';
  assert.match(location, new RegExp(`^${base}/Appointment/[A-Za-z0-9-]+$`));
  const read = await call<Appointment>(location);
  assert.equal(read.status, 200);
  assert.equal(read.headers.get('etag'), 'W/"0"');
  assert.equal(read.body.meta?.versionId, '0');
  assert.equal(read.body.status, 'booked');
  assert.equal(read.body.start, slot.start);
  assert.equal(read.body.end, slot.end);
  assert.equal(read.body.reasonCode?.[0].text, 'I have a cramp');
  const actors = read.body.participant.map((p) => p.actor?.reference?.split('/')[0]);
  assert.deepEqual(actors, ['Patient', 'Practitioner', 'Location']);
  const after = await call<Slot>(`${base}/Slot/${slot.id}`);
  assert.equal(after.body.status, 'busy');
});

test('answers a busy slot with 422 and an OperationOutcome', async () => {
  const slot = await takeFreeSlot();
  await book(slot.id as string);
  const again = await call(
    `${base}/Appointment`,
    fhirJson('POST', createBody(slot.id as string, patientId(9))),
  );
  expectOutcome(again, 422, 'business-rule');
  const seededBusy = sandbox.seed.appointments[1].slotId;
  expectOutcome(
    await call(`${base}/Appointment`, fhirJson('POST', createBody(seededBusy))),
    422,
    'business-rule',
  );
});

test('refuses an appointment that is not booked, has no slot or two, or no accepted Patient, with 422', async () => {
  const slot = await takeFreeSlot();
  const good = createBody(slot.id as string);
  const cases: Appointment[] = [
    { ...good, status: 'proposed' },
    { ...good, slot: [] },
    { ...good, slot: [good.slot?.[0] ?? {}, { reference: `Slot/${(await takeFreeSlot()).id}` }] },
    { ...good, participant: [{ ...good.participant[0], status: 'tentative' }] },
    {
      ...good,
      participant: [
        { actor: { reference: `Practitioner/${sandbox.seed.practitioners[0].id}` }, status: 'accepted' },
      ],
    },
    {
      ...good,
      participant: [
        good.participant[0],
        { actor: { reference: `Patient/${patientId(8)}` }, status: 'accepted' },
      ],
    },
  ];
  for (const body of cases) {
    expectOutcome(await call(`${base}/Appointment`, fhirJson('POST', body)), 422, 'business-rule');
  }
  const still = await call<Slot>(`${base}/Slot/${slot.id}`);
  assert.equal(still.body.status, 'free', 'a refused booking leaves the slot free');
});

test('takes reasonCode[0].text up to 255 characters and refuses longer text or a coding with 422', async () => {
  const slot = await takeFreeSlot();
  const tooLong = { ...createBody(slot.id as string), reasonCode: [{ text: 'x'.repeat(256) }] };
  const outcome = expectOutcome(
    await call(`${base}/Appointment`, fhirJson('POST', tooLong)),
    422,
    'business-rule',
  );
  assert.deepEqual(outcome.issue[0].expression, ['Appointment.reasonCode[0].text']);
  const coded = {
    ...createBody(slot.id as string),
    reasonCode: [{ coding: [{ system: 'http://snomed.info/sct', code: '55300003' }], text: 'cramp' }],
  };
  expectOutcome(await call(`${base}/Appointment`, fhirJson('POST', coded)), 422, 'business-rule');
  const exact = {
    ...createBody(slot.id as string),
    reasonCode: [{ text: 'y'.repeat(255) }],
    comment: 'call back',
  };
  const created = await call(
    `${base}/Appointment`,
    fhirJson('POST', exact, { prefer: 'return=representation' }),
  );
  assert.equal(created.status, 201);
  assert.equal((created.body as Appointment).comment, 'call back');
  assert.equal((created.body as Appointment).reasonCode?.[0].text?.length, 255);
});

// --- PATCH

test("cancels with Cerner's PATCH shape (replace /status, add /cancelationReason) and frees the slot", async () => {
  const slot = await takeFreeSlot();
  const { location } = await book(slot.id as string);
  const cancelled = await call<Appointment>(
    location,
    jsonPatch(
      [
        { op: 'replace', path: '/status', value: 'cancelled' },
        { op: 'add', path: '/cancelationReason', value: { text: 'Patient called to cancel' } },
      ],
      { 'if-match': 'W/"0"' },
    ),
  );
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
  assert.equal(cancelled.headers.get('etag'), 'W/"1"');
  const read = await call<Appointment>(location);
  assert.equal(read.body.status, 'cancelled');
  assert.equal(read.body.cancelationReason?.text, 'Patient called to cancel');
  assert.equal((await call<Slot>(`${base}/Slot/${slot.id}`)).body.status, 'free');
});

test("takes Cerner's documented patch path without a leading slash (r4_examples_appointment.rb)", async () => {
  const slot = await takeFreeSlot();
  const { location } = await book(slot.id as string);
  const answer = await call(
    location,
    jsonPatch([{ op: 'replace', path: 'status', value: 'cancelled' }], { 'if-match': 'W/"0"' }),
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal((await call<Appointment>(location)).body.status, 'cancelled');
});

test('refuses a PATCH without If-Match with 412 and a stale one with 409', async () => {
  const slot = await takeFreeSlot();
  const { location } = await book(slot.id as string);
  const cancel = [{ op: 'replace', path: '/status', value: 'cancelled' }];
  expectOutcome(await call(location, jsonPatch(cancel)), 412, 'invalid');
  expectOutcome(await call(location, jsonPatch(cancel, { 'if-match': 'W/"3"' })), 409, 'conflict');
  assert.equal((await call<Appointment>(location)).body.status, 'booked');
});

test('reschedules by replacing /slot: start and end follow, the old slot is freed, the new one busy', async () => {
  const from = await takeFreeSlot();
  const to = await takeFreeSlot();
  const { location } = await book(from.id as string);
  const moved = await call<Appointment>(
    location,
    jsonPatch([{ op: 'replace', path: '/slot', value: [{ reference: `Slot/${to.id}` }] }], {
      'if-match': 'W/"0"',
      prefer: 'return=representation',
    }),
  );
  assert.equal(moved.status, 200, JSON.stringify(moved.body));
  assert.equal(moved.body.start, to.start);
  assert.equal(moved.body.end, to.end);
  assert.equal(moved.body.meta?.versionId, '1');
  assert.equal((await call<Slot>(`${base}/Slot/${from.id}`)).body.status, 'free');
  assert.equal((await call<Slot>(`${base}/Slot/${to.id}`)).body.status, 'busy');
});

test('refuses a reschedule onto a busy slot, a patch it does not support, and a change to a cancelled appointment with 422', async () => {
  const slot = await takeFreeSlot();
  const { location } = await book(slot.id as string);
  const busy = sandbox.seed.appointments[2].slotId;
  const ifMatch = { 'if-match': 'W/"0"' };
  expectOutcome(
    await call(
      location,
      jsonPatch([{ op: 'replace', path: '/slot', value: [{ reference: `Slot/${busy}` }] }], ifMatch),
    ),
    422,
    'business-rule',
  );
  expectOutcome(
    await call(location, jsonPatch([{ op: 'replace', path: '/comment', value: 'x' }], ifMatch)),
    422,
    'business-rule',
  );
  expectOutcome(
    await call(
      location,
      jsonPatch([{ op: 'add', path: '/cancelationReason', value: { text: 'x' } }], ifMatch),
    ),
    422,
    'business-rule',
  );
  assert.equal((await call<Slot>(`${base}/Slot/${slot.id}`)).body.status, 'busy');
  await call(location, jsonPatch([{ op: 'replace', path: '/status', value: 'cancelled' }], ifMatch));
  expectOutcome(
    await call(
      location,
      jsonPatch([{ op: 'replace', path: '/status', value: 'booked' }], { 'if-match': 'W/"1"' }),
    ),
    422,
    'business-rule',
  );
});

// --- metadata and the rest

test('serves a CapabilityStatement with Cerner Slot search parameters and includes, and no conditional create', async () => {
  const cerner = readVendorFixture<CapabilityStatement>('cerner/cerner-capability-statement-r4-secure.json');
  const answer = await call<CapabilityStatement>(`${base}/metadata`);
  assert.equal(answer.status, 200);
  const slot = answer.body.rest?.[0].resource?.find((r) => r.type === 'Slot');
  const cernerSlot = cerner.rest?.[0].resource?.find((r) => r.type === 'Slot');
  assert.deepEqual(
    slot?.searchParam?.map((p) => p.name),
    cernerSlot?.searchParam?.map((p) => p.name),
  );
  assert.deepEqual(slot?.searchInclude, cernerSlot?.searchInclude);
  const appointment = answer.body.rest?.[0].resource?.find((r) => r.type === 'Appointment');
  assert.deepEqual(
    appointment?.interaction?.map((i) => i.code),
    cerner.rest?.[0].resource?.find((r) => r.type === 'Appointment')?.interaction?.map((i) => i.code),
  );
  assert.ok(answer.body.rest?.[0].resource?.every((r) => r.conditionalCreate === false));
});

test('serves any tenant id and refuses an Appointment PUT with 405', async () => {
  const other = `${sandbox.url}${cernerBasePath('another-tenant')}`;
  const read = await call<Slot>(`${other}/Slot/${sandbox.seed.appointments[0].slotId}`);
  assert.equal(read.status, 200);
  const id = sandbox.seed.appointments[0].id;
  const appointment = await call<Appointment>(`${other}/Appointment/${id}`);
  expectOutcome(
    await call(`${other}/Appointment/${id}`, fhirJson('PUT', appointment.body)),
    405,
    'not-supported',
  );
});

test('lists a booked appointment when searching by patient and date', async () => {
  const slot = await takeFreeSlot();
  await book(slot.id as string);
  const answer = await call<Bundle>(`${base}/Appointment?patient=${patientId()}&date=ge2025-03-10T00:00:00Z`);
  assert.equal(answer.status, 200);
  assert.ok(matches<Appointment>(answer.body).some((a) => a.slot?.[0].reference === `Slot/${slot.id}`));
});
