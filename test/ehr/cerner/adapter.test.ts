// The Cerner adapter against the sandbox's Cerner-like personality (/r4/{tenant}) over real HTTP
// (DESIGN.md section 5, Cerner column; STYLE.md rule 11).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Slot } from '@medplum/fhirtypes';
import { createEhrAdapter, type EhrAdapter } from '../../../src/ehr/index.ts';
import type { FhirClient } from '../../../src/fhir/index.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../../src/sandbox/personalities/cerner.ts';
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
let baseUrl: string;
let fhir: FhirClient;
let adapter: EhrAdapter;
const requests: string[] = [];

before(async () => {
  sandbox = await startEhrSandbox();
  baseUrl = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  fhir = clientFor(baseUrl, undefined, (event) => requests.push(`${event.method} ${event.url}`));
  adapter = createEhrAdapter({ vendor: 'cerner', fhir });
});
after(async () => {
  await fhir.close();
  await sandbox.close();
});

const practitioner = (index: number) => sandbox.seed.practitioners[index];
let patientCursor = 20;
const nextPatientId = () => sandbox.seed.patients[patientCursor++].id;

async function freeCandidate(practitionerIndex: number, skip = 0) {
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

describe('cerner findSlots', () => {
  it('returns free slots sorted by start within [from, to), following next links past page one', async () => {
    const result = await adapter.findSlots({ visitType: FOLLOW_UP, from, to, timeZone: ZONE, limit: 120 });
    assert.equal(result.candidates.length, 120, 'more than one 50-slot page');
    const starts = result.candidates.map((c) => Date.parse(c.start));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
    for (const c of result.candidates) {
      assert.ok(Date.parse(c.start) >= from.getTime() && Date.parse(c.start) < to.getTime());
      assert.equal(sandbox.store.read<Slot>('Slot', c.handle).status, 'free');
      assert.ok(c.practitioner?.display?.startsWith('Dr. '));
    }
    assert.equal(new Set(result.candidates.map((c) => c.handle)).size, 120);
  });

  it('asks for several practitioners in ONE request with a comma list', async () => {
    const ids = [practitioner(0).id, practitioner(2).id, practitioner(4).id];
    const before = requests.length;
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      practitionerIds: ids,
      from,
      to,
      timeZone: ZONE,
      limit: 30,
    });
    const sent = requests.slice(before);
    assert.equal(sent.length, 1, sent.join('\n'));
    const url = new URL(sent[0].split(' ')[1]);
    assert.deepEqual(url.searchParams.getAll('schedule.actor'), [
      ids.map((id) => `Practitioner/${id}`).join(','),
    ]);
    assert.ok(result.candidates.every((c) => ids.includes(c.practitioner?.id ?? '')));
    assert.ok(new Set(result.candidates.map((c) => c.practitioner?.id)).size > 1);
  });

  it('filters on the morning in the zone it is given', async () => {
    // Practitioner 1 works in Nashville; Cerner gives no location zone, so the query's zone is used.
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      practitionerIds: [practitioner(1).id],
      from,
      to,
      timeOfDay: 'morning',
      timeZone: 'America/Chicago',
      limit: 100,
    });
    const hour = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/Chicago',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    const hours = result.candidates.map((c) => Number(hour.format(new Date(c.start))));
    assert.ok(hours.length >= 9);
    assert.ok(
      hours.every((h) => h >= 9 && h < 12),
      hours.join(','),
    );
  });

  it('searches a location with -location', async () => {
    const location = sandbox.seed.locations[0];
    const result = await adapter.findSlots({
      visitType: FOLLOW_UP,
      locationIds: [location.id],
      from,
      to,
      timeZone: ZONE,
      limit: 40,
    });
    assert.ok(result.candidates.length > 0);
    assert.ok(result.candidates.every((c) => c.location?.id === location.id));
  });
});

describe('cerner book', () => {
  it('books with POST Appointment and the read-back matches patient, start, practitioner and status', async () => {
    const candidate = await freeCandidate(0);
    const patientId = nextPatientId();
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId,
      reason: 'follow-up on blood pressure',
      note: 'call back on mobile',
      idempotencyKey: 'c-book-1',
    });
    assert.deepEqual(written.warnings, []);
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'booked');
    assert.equal(read.patientId, patientId);
    assert.equal(Date.parse(read.start ?? ''), Date.parse(candidate.start));
    assert.equal(read.practitionerId, practitioner(0).id);
    assert.equal(read.reasonText, 'follow-up on blood pressure');
    assert.equal(read.etag, 'W/"0"', 'Cerner numbers versions from 0');
    assert.equal(sandbox.store.read<Slot>('Slot', candidate.handle).status, 'busy');
  });

  it('cuts a reason over 255 characters, books anyway, and warns', async () => {
    const candidate = await freeCandidate(0, 1);
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      reason: 'x'.repeat(300),
      idempotencyKey: 'c-book-long',
    });
    assert.equal(written.appointment.reasonText?.length, 255);
    assert.equal(written.warnings.length, 1);
  });

  it('answers ERR_SLOT_TAKEN when Cerner refuses a busy slot with 422', async () => {
    const candidate = await freeCandidate(2);
    await stealSlot(sandbox, candidate.handle);
    await assert.rejects(
      adapter.book({
        candidate,
        visitType: FOLLOW_UP,
        patientId: nextPatientId(),
        idempotencyKey: 'c-stolen',
      }),
      (err: { code?: string; cause?: { ehrStatus?: number } }) => {
        assert.equal(err.code, 'ERR_SLOT_TAKEN');
        assert.equal(err.cause?.ehrStatus, 422, 'the EHR’s own answer is kept as the cause');
        return true;
      },
    );
  });

  it('answers ERR_SLOT_TAKEN when a portal booking takes the slot at the last moment (slot-taken fault)', async () => {
    const candidate = await freeCandidate(2, 1);
    sandbox.faults.addRule({
      match: { method: 'POST', path: '/Appointment' },
      fault: { slotTaken: true },
      times: 1,
    });
    await assert.rejects(
      adapter.book({
        candidate,
        visitType: FOLLOW_UP,
        patientId: nextPatientId(),
        idempotencyKey: 'c-portal',
      }),
      { code: 'ERR_SLOT_TAKEN' },
    );
  });

  it('findBooked finds a booking by its natural key, and not another patient’s', async () => {
    const candidate = await freeCandidate(4);
    const request = { candidate, visitType: FOLLOW_UP, patientId: nextPatientId(), idempotencyKey: 'c-find' };
    assert.equal(await adapter.findBooked(request), undefined);
    const written = await adapter.book(request);
    assert.equal((await adapter.findBooked(request))?.id, written.appointment.id);
    assert.equal(await adapter.findBooked({ ...request, patientId: nextPatientId() }), undefined);
  });
});

describe('cerner cancel and reschedule', () => {
  it('cancels by JSON Patch with If-Match; the read shows cancelled and the slot is free again', async () => {
    const candidate = await freeCandidate(5);
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'c-cancel',
    });
    await adapter.cancel({
      appointmentId: written.appointment.id,
      reason: 'feeling better',
      idempotencyKey: 'k',
    });
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'cancelled');
    assert.equal(
      sandbox.store.read<Appointment>('Appointment', read.id).cancelationReason?.text,
      'feeling better',
    );
    assert.equal(sandbox.store.read<Slot>('Slot', candidate.handle).status, 'free');
  });

  it('retries once after a 409 when someone else changed the appointment in between', async () => {
    const candidate = await freeCandidate(5, 1);
    const written = await adapter.book({
      candidate,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'c-stale',
    });
    // Another writer bumps the version between our read and our PATCH, once.
    let bumped = false;
    const racing = clientFor(baseUrl, undefined, undefined, async (input, init) => {
      if (!bumped && init?.method === 'PATCH') {
        bumped = true;
        const current = sandbox.store.read<Appointment>('Appointment', written.appointment.id);
        await sandbox.store.update('Appointment', current.id, { ...current, comment: 'front desk note' });
      }
      return fetch(input, init);
    });
    try {
      const racingAdapter = createEhrAdapter({ vendor: 'cerner', fhir: racing });
      await racingAdapter.cancel({
        appointmentId: written.appointment.id,
        reason: 'conflict',
        idempotencyKey: 'k',
      });
    } finally {
      await racing.close();
    }
    assert.ok(bumped);
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'cancelled');
    assert.equal(read.note, 'front desk note', 'the other writer’s change survived');
  });

  it('reschedules by replacing the slot; start and end follow, the old slot is freed', async () => {
    const first = await freeCandidate(3);
    const patientId = nextPatientId();
    const written = await adapter.book({
      candidate: first,
      visitType: FOLLOW_UP,
      patientId,
      idempotencyKey: 'c-move',
    });
    const second = await freeCandidate(3, 2);
    await adapter.reschedule({
      appointmentId: written.appointment.id,
      candidate: second,
      visitType: FOLLOW_UP,
      idempotencyKey: 'c-move-r',
    });
    const read = await adapter.readAppointment(written.appointment.id);
    assert.deepEqual(read.slotIds, [second.handle]);
    assert.equal(Date.parse(read.start ?? ''), Date.parse(second.start));
    assert.equal(read.patientId, patientId);
    assert.equal(read.status, 'booked');
    assert.equal(sandbox.store.read<Slot>('Slot', first.handle).status, 'free');
    assert.equal(sandbox.store.read<Slot>('Slot', second.handle).status, 'busy');
  });

  it('answers ERR_SLOT_TAKEN when the new slot is busy, and keeps the old booking', async () => {
    const first = await freeCandidate(1);
    const written = await adapter.book({
      candidate: first,
      visitType: FOLLOW_UP,
      patientId: nextPatientId(),
      idempotencyKey: 'c-move-2',
    });
    const target = await freeCandidate(1, 1);
    await stealSlot(sandbox, target.handle);
    await assert.rejects(
      adapter.reschedule({
        appointmentId: written.appointment.id,
        candidate: target,
        visitType: FOLLOW_UP,
        idempotencyKey: 'c-move-2-r',
      }),
      { code: 'ERR_SLOT_TAKEN' },
    );
    assert.deepEqual((await adapter.readAppointment(written.appointment.id)).slotIds, [first.handle]);
  });
});

describe('cerner listAppointments', () => {
  it('lists upcoming appointments sorted by start, without cancelled ones', async () => {
    const patientId = nextPatientId();
    const later = await freeCandidate(4, 4);
    const sooner = await freeCandidate(4, 2);
    const gone = await freeCandidate(4, 3);
    const a = await adapter.book({ candidate: later, visitType: FOLLOW_UP, patientId, idempotencyKey: 'l1' });
    const b = await adapter.book({
      candidate: sooner,
      visitType: FOLLOW_UP,
      patientId,
      idempotencyKey: 'l2',
    });
    const c = await adapter.book({ candidate: gone, visitType: FOLLOW_UP, patientId, idempotencyKey: 'l3' });
    await adapter.cancel({ appointmentId: c.appointment.id, reason: 'not needed', idempotencyKey: 'k' });
    const list = await adapter.listAppointments(patientId, REFERENCE_DATE);
    assert.deepEqual(
      list.map((r) => r.id),
      [b.appointment.id, a.appointment.id],
    );
  });
});

describe('cerner through SMART Backend Services', () => {
  it('finds and books with a client_secret_basic token from the tenant’s token endpoint', async () => {
    const authed = await startEhrSandbox({ auth: {} });
    const securedBase = `${authed.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
    const tokenManager = secretClient(authed, 'cerner', securedBase, [
      'system/Slot.rs',
      'system/Schedule.rs',
      'system/Appointment.crus',
    ]);
    const client = clientFor(securedBase, tokenManager);
    try {
      const secured = createEhrAdapter({ vendor: 'cerner', fhir: client });
      const { candidates } = await secured.findSlots({
        visitType: FOLLOW_UP,
        from,
        to,
        timeZone: ZONE,
        limit: 1,
      });
      const patientId = authed.seed.patients[5].id;
      const written = await secured.book({
        candidate: candidates[0],
        visitType: FOLLOW_UP,
        patientId,
        idempotencyKey: 'c-authed',
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
