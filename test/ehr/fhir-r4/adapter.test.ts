// The fhir-r4 adapter against the sandbox's generic R4 personality (/fhir/R4) over real HTTP
// (DESIGN.md section 5, "fhir-r4"; STYLE.md rule 11).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Slot } from '@medplum/fhirtypes';
import { fhirR4SlotParams } from '../../../src/ehr/fhir-r4/find-slots.ts';
import { createEhrAdapter, type EhrAdapter, IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../../../src/ehr/index.ts';
import { sortCandidates } from '../../../src/ehr/lib/slot-candidates.ts';
import { searchSlotCandidates } from '../../../src/ehr/lib/slot-pages.ts';
import type { FhirClient } from '../../../src/fhir/index.ts';
import type { SandboxHandle } from '../../../src/sandbox/server.ts';
import {
  clientFor,
  DAY_MS,
  FOLLOW_UP,
  REFERENCE_DATE,
  secretClient,
  startEhrSandbox,
  stealSlot,
} from '../support.ts';

const ZONE = 'America/New_York';
const from = REFERENCE_DATE;
const to = new Date(REFERENCE_DATE.getTime() + 2 * DAY_MS);

let sandbox: SandboxHandle;
let fhir: FhirClient;
let adapter: EhrAdapter;

before(async () => {
  sandbox = await startEhrSandbox();
  fhir = clientFor(sandbox.r4BaseUrl);
  adapter = createEhrAdapter({ vendor: 'fhir-r4', fhir });
});
after(async () => {
  await fhir.close();
  await sandbox.close();
});

function practitioner(index: number) {
  return sandbox.seed.practitioners[index];
}

let patientCursor = 10;
function nextPatientId(): string {
  return sandbox.seed.patients[patientCursor++].id;
}

async function firstFreeCandidate(practitionerIndex: number, skip = 0) {
  const { candidates } = await adapter.findSlots({
    visitType: FOLLOW_UP,
    practitionerIds: [practitioner(practitionerIndex).id],
    from,
    to,
    timeZone: ZONE,
    limit: skip + 1,
  });
  const candidate = candidates[skip];
  assert.ok(candidate, 'the seeded clinic has free slots in the next two days');
  return candidate;
}

describe('fhir-r4 findSlots', () => {
  it('returns free slots of the visit type sorted by start, within [from, to), at most limit', async () => {
    const result = await adapter.findSlots({ visitType: FOLLOW_UP, from, to, timeZone: ZONE, limit: 25 });
    assert.equal(result.candidates.length, 25);
    const starts = result.candidates.map((c) => Date.parse(c.start));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
    for (const c of result.candidates) {
      assert.ok(Date.parse(c.start) >= from.getTime() && Date.parse(c.start) < to.getTime());
      assert.equal(sandbox.store.read<Slot>('Slot', c.handle).status, 'free');
      assert.equal(c.visitTypeId, 'follow-up');
      assert.ok(c.practitioner?.display?.startsWith('Dr. '), 'the practitioner is named for the agent');
      assert.ok(c.location?.display?.endsWith('Clinic'), 'the location is named for the agent');
    }
  });

  it('asks for a page of twice the offers, or a day of slots when it filters the time of day itself', () => {
    const count = (query: Partial<Parameters<typeof fhirR4SlotParams>[0]>) =>
      fhirR4SlotParams({ visitType: FOLLOW_UP, from, to, timeZone: ZONE, limit: 3, ...query })._count;
    assert.equal(count({}), '6');
    assert.equal(count({ limit: 10 }), '20');
    assert.equal(count({ timeOfDay: 'evening' }), '100');
  });

  it("follows the EHR's next links while a page holds fewer offers than asked", async () => {
    const query = { visitType: FOLLOW_UP, from, to, timeZone: ZONE, limit: 3 };
    const onePage = await adapter.findSlots(query);
    // A page of one slot: the three offers take three pages, each with its own included resources.
    const paged = await searchSlotCandidates(fhir, { ...fhirR4SlotParams(query), _count: '1' }, query);
    assert.deepEqual(
      sortCandidates([paged], query.limit).map((c) => c.handle),
      onePage.candidates.map((c) => c.handle),
    );
    for (const c of paged) {
      assert.ok(c.practitioner?.display?.startsWith('Dr. '), 'each page named its own practitioner');
      assert.ok(c.location?.display?.endsWith('Clinic'), 'each page named its own location');
    }
  });

  it('searches only the practitioners asked for, several in one query', async () => {
    const ids = [practitioner(0).id, practitioner(3).id];
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      practitionerIds: ids,
      from,
      to,
      timeZone: ZONE,
      limit: 200,
    });
    const seen = new Set(result.candidates.map((c) => c.practitioner?.id));
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  it('searches only the locations asked for', async () => {
    const location = sandbox.seed.locations[1];
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      locationIds: [location.id],
      from,
      to,
      timeZone: ZONE,
      limit: 50,
    });
    assert.ok(result.candidates.length > 0);
    assert.ok(result.candidates.every((c) => c.location?.id === location.id));
  });

  it('filters on time of day in the location’s own zone, not the query’s', async () => {
    // Practitioner 1 works at Riverside, Nashville (America/Chicago); the query's zone is New York.
    const riverside = practitioner(1);
    assert.equal(
      sandbox.seed.locations.find((l) => l.id === riverside.locationId)?.timeZone,
      'America/Chicago',
    );
    const afternoon = await adapter.findSlots({
      visitType: FOLLOW_UP,
      practitionerIds: [riverside.id],
      from,
      to,
      timeOfDay: 'afternoon',
      timeZone: ZONE,
      limit: 100,
    });
    const chicagoHours = afternoon.candidates.map((c) =>
      Number(
        new Intl.DateTimeFormat('en-US', {
          timeZone: 'America/Chicago',
          hour: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(c.start)),
      ),
    );
    assert.ok(chicagoHours.length > 0);
    // The clinic's afternoon session is 13:00-17:00 local; in New York time the 16:xx slots would be 17:xx.
    assert.ok(
      chicagoHours.every((h) => h >= 12 && h < 17),
      `hours ${chicagoHours.join(',')}`,
    );
    assert.ok(chicagoHours.includes(16), 'the last local afternoon hour is kept');
    const morning = await adapter.findSlots({
      visitType: FOLLOW_UP,
      practitionerIds: [riverside.id],
      from,
      to,
      timeOfDay: 'morning',
      timeZone: ZONE,
      limit: 100,
    });
    assert.ok(morning.candidates.length > 0);
    const morningHandles = new Set(morning.candidates.map((c) => c.handle));
    assert.ok(afternoon.candidates.every((c) => !morningHandles.has(c.handle)));
  });

  it('says no-results when nothing is free in the range', async () => {
    const past = new Date(REFERENCE_DATE.getTime() - 3 * DAY_MS);
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      from: past,
      to: new Date(past.getTime() + DAY_MS),
      timeZone: ZONE,
      limit: 5,
    });
    assert.deepEqual(result.candidates, []);
    assert.equal(result.notes[0]?.kind, 'no-results');
  });
});

describe('fhir-r4 book', () => {
  it('books a slot and the read-back matches patient, start, practitioner and status', async () => {
    const candidate = await firstFreeCandidate(0);
    const patientId = nextPatientId();
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId,
      reason: 'cough for two weeks',
      note: 'prefers morning',
      idempotencyKey: 'book-read-back-1',
    });
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'booked');
    assert.equal(read.patientId, patientId);
    assert.equal(Date.parse(read.start ?? ''), Date.parse(candidate.start));
    assert.equal(read.practitionerId, practitioner(0).id);
    assert.equal(read.locationId, practitioner(0).locationId);
    assert.deepEqual(read.slotIds, [candidate.handle]);
    assert.equal(read.reasonText, 'cough for two weeks');
    assert.equal(read.note, 'prefers morning');
    assert.ok(read.identifiers.includes(`${IDEMPOTENCY_IDENTIFIER_SYSTEM}|book-read-back-1`));
    assert.deepEqual(written.warnings, []);
    assert.equal(sandbox.store.read<Slot>('Slot', candidate.handle).status, 'busy');
  });

  it('answers ERR_SLOT_TAKEN when the slot was taken after discovery, and writes nothing', async () => {
    const candidate = await firstFreeCandidate(2);
    await stealSlot(sandbox, candidate.handle);
    await assert.rejects(
      adapter.book({
        candidate,
        visitType: FOLLOW_UP,
        patientId: nextPatientId(),
        idempotencyKey: 'stolen-1',
      }),
      { code: 'ERR_SLOT_TAKEN' },
    );
    const found = await adapter.findBooked({
      candidate,
      visitType: FOLLOW_UP,
      patientId: 'x',
      idempotencyKey: 'stolen-1',
    });
    assert.equal(found, undefined);
  });

  it('answers ERR_SLOT_TAKEN when a portal booking takes the slot during the claim (slot-taken fault)', async () => {
    const candidate = await firstFreeCandidate(2, 3);
    sandbox.faults.addRule({
      match: { method: 'PUT', path: `/fhir/R4/Slot/${candidate.handle}` },
      fault: { slotTaken: true },
      times: 1,
    });
    const patientId = nextPatientId();
    await assert.rejects(
      adapter.book({ candidate, visitType: FOLLOW_UP, patientId, idempotencyKey: 'portal-1' }),
      { code: 'ERR_SLOT_TAKEN' },
    );
    const mine = await adapter.listAppointments(patientId, REFERENCE_DATE);
    assert.deepEqual(mine, [], 'nothing was booked for our patient');
  });

  it('lets exactly one of two simultaneous bookings of one slot win', async () => {
    const candidate = await firstFreeCandidate(4);
    const results = await Promise.allSettled(
      ['race-a', 'race-b'].map((key) =>
        adapter.book({ candidate, visitType: FOLLOW_UP, patientId: nextPatientId(), idempotencyKey: key }),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const loser = results.find((r) => r.status === 'rejected');
    assert.equal((loser?.reason as { code?: string } | undefined)?.code, 'ERR_SLOT_TAKEN');
  });

  it('findBooked finds the appointment a booking made by its idempotency key', async () => {
    const candidate = await firstFreeCandidate(5);
    const request = {
      candidate,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'find-me-1',
    };
    assert.equal(await adapter.findBooked(request), undefined);
    const written = await adapter.book(request);
    const found = await adapter.findBooked(request);
    assert.equal(found?.id, written.appointment.id);
    assert.equal(await adapter.findBooked({ ...request, idempotencyKey: 'someone-else' }), undefined);
  });
});

describe('fhir-r4 cancel and reschedule', () => {
  it('cancels with a reason, frees the slot, and a repeated cancel changes nothing', async () => {
    const candidate = await firstFreeCandidate(0, 1);
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'to-cancel-1',
    });
    const cancelled = await adapter.cancel({
      appointmentId: written.appointment.id,
      reason: 'feeling better',
      idempotencyKey: 'cancel-1',
    });
    assert.equal(cancelled.appointment.status, 'cancelled');
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'cancelled');
    assert.equal(
      sandbox.store.read<Appointment>('Appointment', read.id).cancelationReason?.text,
      'feeling better',
    );
    assert.equal(sandbox.store.read<Slot>('Slot', candidate.handle).status, 'free');
    const again = await adapter.cancel({
      appointmentId: written.appointment.id,
      reason: 'feeling better',
      idempotencyKey: 'cancel-1',
    });
    assert.equal(again.appointment.etag, read.etag, 'no new version for a repeated cancel');
  });

  it('reschedules onto a new slot: slot, start and end replaced, old slot freed, new slot busy', async () => {
    const first = await firstFreeCandidate(3);
    const patientId = nextPatientId();
    const written = await adapter.book({
      candidate: first,
      visitType: FOLLOW_UP,
      patientId,
      idempotencyKey: 'move-1',
    });
    const second = await firstFreeCandidate(1);
    const moved = await adapter.reschedule({
      appointmentId: written.appointment.id,
      candidate: second,
      visitType: FOLLOW_UP,
      idempotencyKey: 'move-1-r',
    });
    assert.deepEqual(moved.warnings, []);
    const read = await adapter.readAppointment(written.appointment.id);
    assert.deepEqual(read.slotIds, [second.handle]);
    assert.equal(Date.parse(read.start ?? ''), Date.parse(second.start));
    assert.equal(Date.parse(read.end ?? ''), Date.parse(second.end));
    assert.equal(read.practitionerId, practitioner(1).id, 'the practitioner of the new slot');
    assert.equal(read.patientId, patientId);
    assert.equal(read.status, 'booked');
    assert.equal(sandbox.store.read<Slot>('Slot', first.handle).status, 'free');
    assert.equal(sandbox.store.read<Slot>('Slot', second.handle).status, 'busy');
  });

  it('refuses to reschedule onto a taken slot and leaves the appointment as it was', async () => {
    const first = await firstFreeCandidate(2, 1);
    const written = await adapter.book({
      candidate: first,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'move-2',
    });
    const target = await firstFreeCandidate(2, 2);
    await stealSlot(sandbox, target.handle);
    await assert.rejects(
      adapter.reschedule({
        appointmentId: written.appointment.id,
        candidate: target,
        visitType: FOLLOW_UP,
        idempotencyKey: 'move-2-r',
      }),
      { code: 'ERR_SLOT_TAKEN' },
    );
    const read = await adapter.readAppointment(written.appointment.id);
    assert.deepEqual(read.slotIds, [first.handle]);
  });
});

describe('fhir-r4 listAppointments', () => {
  it('lists a patient’s upcoming appointments sorted by start, without cancelled ones', async () => {
    const patientId = nextPatientId();
    const a = await firstFreeCandidate(5, 3);
    const b = await firstFreeCandidate(5, 1);
    const c = await firstFreeCandidate(5, 2);
    const booked = [];
    for (const [i, candidate] of [a, b, c].entries()) {
      booked.push(
        await adapter.book({ candidate, visitType: FOLLOW_UP, patientId, idempotencyKey: `list-${i}` }),
      );
    }
    await adapter.cancel({
      appointmentId: booked[2].appointment.id,
      reason: 'no longer needed',
      idempotencyKey: 'x',
    });
    const list = await adapter.listAppointments(patientId, REFERENCE_DATE);
    assert.deepEqual(
      list.map((r) => r.id),
      [booked[1].appointment.id, booked[0].appointment.id],
    );
  });
});

describe('fhir-r4 through SMART Backend Services', () => {
  it('finds and books with a token from the sandbox authorization server', async () => {
    const authed = await startEhrSandbox({ auth: {} });
    const tokenManager = secretClient(authed, 'r4', authed.r4BaseUrl, [
      'system/Slot.rus',
      'system/Schedule.rs',
      'system/Practitioner.rs',
      'system/Location.rs',
      'system/Appointment.crus',
    ]);
    const client = clientFor(authed.r4BaseUrl, tokenManager);
    try {
      const secured = createEhrAdapter({ vendor: 'fhir-r4', fhir: client });
      const { candidates } = await secured.findSlots({
        visitType: FOLLOW_UP,
        from,
        to,
        timeZone: ZONE,
        limit: 1,
      });
      const patientId = authed.seed.patients[3].id;
      const written = await secured.book({
        candidate: candidates[0],
        visitType: FOLLOW_UP,
        patientId,
        idempotencyKey: 'authed-1',
      });
      const read = await secured.readAppointment(written.appointment.id);
      assert.equal(read.patientId, patientId);
      assert.equal(read.status, 'booked');
    } finally {
      await client.close();
      await authed.close();
    }
  });
});
