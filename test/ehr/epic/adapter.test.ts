// The Epic adapter against the sandbox's Epic-like personality (/api/FHIR/R4 and /api/FHIR/STU3)
// over real HTTP (DESIGN.md section 5, Epic column; STYLE.md rule 11).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { createTenantAuth, generateKey, publicJwks } from '../../../src/auth/index.ts';
import {
  createEhrAdapter,
  type EhrAdapter,
  epicStu3BaseUrl,
  type VisitType,
} from '../../../src/ehr/index.ts';
import type { FhirClient } from '../../../src/fhir/index.ts';
import { EPIC_R4_PREFIX } from '../../../src/sandbox/personalities/epic.ts';
import { EPIC_VISIT_TYPE_SYSTEM } from '../../../src/sandbox/scheduling/visit-types.ts';
import type { SandboxHandle } from '../../../src/sandbox/server.ts';
import { clientFor, DAY_MS, REFERENCE_DATE, startEhrSandbox } from '../support.ts';

const ZONE = 'America/New_York';
const from = REFERENCE_DATE;
const to = new Date(REFERENCE_DATE.getTime() + 2 * DAY_MS);

/** The follow-up visit as Epic knows it (src/sandbox/scheduling/visit-types.ts). */
const EPIC_FOLLOW_UP: VisitType = {
  id: 'follow-up',
  say: 'follow-up visit',
  minutes: 20,
  coding: { system: EPIC_VISIT_TYPE_SYSTEM, code: '1002' },
};

let sandbox: SandboxHandle;
let r4: FhirClient;
let stu3: FhirClient;
let adapter: EhrAdapter;

before(async () => {
  sandbox = await startEhrSandbox();
  const r4Base = `${sandbox.url}${EPIC_R4_PREFIX}`;
  r4 = clientFor(r4Base);
  stu3 = clientFor(epicStu3BaseUrl(r4Base));
  adapter = createEhrAdapter({ vendor: 'epic', fhir: r4, stu3 });
});
after(async () => {
  await r4.close();
  await stu3.close();
  await sandbox.close();
});

const practitioner = (index: number) => sandbox.seed.practitioners[index];
let patientCursor = 30;
const nextPatientId = () => sandbox.seed.patients[patientCursor++].id;

async function proposal(patientId: string, practitionerIndex: number, skip = 0) {
  const { candidates } = await adapter.findSlots({
    visitType: EPIC_FOLLOW_UP,
    practitionerIds: [practitioner(practitionerIndex).id],
    from,
    to,
    timeZone: ZONE,
    limit: skip + 1,
    patientId,
  });
  const candidate = candidates[skip];
  assert.ok(candidate, 'the seeded clinic has openings in the next two days');
  return candidate;
}

describe('epic findSlots ($find)', () => {
  it('returns proposed appointments sorted by start within [from, to), at most limit', async () => {
    const result = await adapter.findSlots({
      visitType: EPIC_FOLLOW_UP,
      from,
      to,
      timeZone: ZONE,
      limit: 20,
      patientId: nextPatientId(),
    });
    assert.equal(result.candidates.length, 20);
    const starts = result.candidates.map((c) => Date.parse(c.start));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );
    for (const c of result.candidates) {
      assert.ok(Date.parse(c.start) >= from.getTime() && Date.parse(c.start) < to.getTime());
      assert.ok(c.practitioner?.id, 'a proposal names its practitioner');
    }
  });

  it('keeps only the practitioners asked for', async () => {
    const ids = [practitioner(1).id, practitioner(4).id];
    const result = await adapter.findSlots({
      visitType: EPIC_FOLLOW_UP,
      practitionerIds: ids,
      from,
      to,
      timeZone: ZONE,
      limit: 200,
    });
    assert.ok(result.candidates.length > 0);
    assert.ok(result.candidates.every((c) => ids.includes(c.practitioner?.id ?? '')));
  });

  it('searches several locations in parallel and merges them in start order', async () => {
    const [a, b] = sandbox.seed.locations;
    const result = await adapter.findSlots({
      visitType: EPIC_FOLLOW_UP,
      locationIds: [a.id, b.id],
      from,
      to,
      timeZone: ZONE,
      limit: 60,
    });
    const locations = new Set(result.candidates.map((c) => c.location?.id));
    assert.deepEqual([...locations].sort(), [a.id, b.id].sort());
    const starts = result.candidates.map((c) => Date.parse(c.start));
    assert.deepEqual(
      starts,
      [...starts].sort((x, y) => x - y),
    );
  });

  it('filters on the afternoon in the zone it is given', async () => {
    const result = await adapter.findSlots({
      visitType: EPIC_FOLLOW_UP,
      practitionerIds: [practitioner(0).id],
      from,
      to,
      timeOfDay: 'afternoon',
      timeZone: ZONE,
      limit: 100,
    });
    const hour = new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' });
    const hours = result.candidates.map((c) => Number(hour.format(new Date(c.start))));
    assert.ok(hours.length > 0);
    assert.ok(
      hours.every((h) => h >= 12 && h < 17),
      hours.join(','),
    );
  });

  it('says unknown-visit-type, in Epic’s words, for a visit type Epic does not know', async () => {
    const result = await adapter.findSlots({
      visitType: { ...EPIC_FOLLOW_UP, coding: { system: EPIC_VISIT_TYPE_SYSTEM, code: '999999' } },
      from,
      to,
      timeZone: ZONE,
      limit: 5,
    });
    assert.deepEqual(result.candidates, []);
    assert.ok(result.notes.some((n) => n.kind === 'unknown-visit-type' && n.code === '59200'));
  });
});

describe('epic book ($book)', () => {
  it('books a proposal and the R4 read-back matches patient, start, practitioner and status', async () => {
    const patientId = nextPatientId();
    const candidate = await proposal(patientId, 0);
    const written = await adapter.book({
      candidate,
      visitType: EPIC_FOLLOW_UP,
      patientId,
      reason: 'knee pain',
      note: 'needs an interpreter',
      idempotencyKey: 'e-book-1',
    });
    const read = await adapter.readAppointment(written.appointment.id);
    assert.equal(read.status, 'booked');
    assert.equal(read.patientId, patientId);
    assert.equal(Date.parse(read.start ?? ''), Date.parse(candidate.start));
    assert.equal(read.practitionerId, candidate.practitioner?.id);
  });

  it('answers ERR_SLOT_TAKEN when the proposal was taken before $book (slot-taken fault)', async () => {
    const patientId = nextPatientId();
    const candidate = await proposal(patientId, 2);
    sandbox.faults.addRule({
      match: { method: 'POST', path: '/$book' },
      fault: { slotTaken: true },
      times: 1,
    });
    await assert.rejects(
      adapter.book({ candidate, visitType: EPIC_FOLLOW_UP, patientId, idempotencyKey: 'e-taken' }),
      { code: 'ERR_SLOT_TAKEN' },
    );
  });

  it('answers ERR_SLOT_TAKEN for a proposal already booked by someone else', async () => {
    const first = nextPatientId();
    const candidate = await proposal(first, 3);
    await adapter.book({ candidate, visitType: EPIC_FOLLOW_UP, patientId: first, idempotencyKey: 'e-first' });
    await assert.rejects(
      adapter.book({
        candidate,
        visitType: EPIC_FOLLOW_UP,
        patientId: nextPatientId(),
        idempotencyKey: 'e-second',
      }),
      { code: 'ERR_SLOT_TAKEN' },
    );
  });

  it('findBooked finds a booking by its natural key over R4', async () => {
    const patientId = nextPatientId();
    const candidate = await proposal(patientId, 5);
    const request = { candidate, visitType: EPIC_FOLLOW_UP, patientId, idempotencyKey: 'e-find' };
    assert.equal(await adapter.findBooked(request), undefined);
    const written = await adapter.book(request);
    assert.equal((await adapter.findBooked(request))?.id, written.appointment.id);
  });
});

describe('epic cancel, reschedule and listAppointments', () => {
  it('refuses cancel and reschedule with ERR_EHR_UNSUPPORTED, so the workflow queues them for staff', async () => {
    await assert.rejects(adapter.cancel({ appointmentId: 'a1', reason: 'r', idempotencyKey: 'k' }), {
      code: 'ERR_EHR_UNSUPPORTED',
    });
    const candidate = { handle: 'p', start: from.toISOString(), end: to.toISOString(), visitTypeId: 'x' };
    await assert.rejects(
      adapter.reschedule({ appointmentId: 'a1', candidate, visitType: EPIC_FOLLOW_UP, idempotencyKey: 'k' }),
      { code: 'ERR_EHR_UNSUPPORTED' },
    );
  });

  it('lists a patient’s upcoming appointments over R4, sorted by start', async () => {
    const patientId = nextPatientId();
    const later = await proposal(patientId, 1, 3);
    const sooner = await proposal(patientId, 1, 1);
    const a = await adapter.book({
      candidate: later,
      visitType: EPIC_FOLLOW_UP,
      patientId,
      idempotencyKey: 'el1',
    });
    const b = await adapter.book({
      candidate: sooner,
      visitType: EPIC_FOLLOW_UP,
      patientId,
      idempotencyKey: 'el2',
    });
    const list = await adapter.listAppointments(patientId, REFERENCE_DATE);
    assert.deepEqual(
      list.map((r) => r.id),
      [b.appointment.id, a.appointment.id],
    );
  });
});

describe('epic through SMART Backend Services', () => {
  it('finds and books with a private_key_jwt token, the key published at a JWK Set URL', async () => {
    const authed = await startEhrSandbox({ auth: {} });
    const keysDir = await mkdtemp(join(tmpdir(), 'ehrgate-epic-adapter-'));
    const jwksServer = Fastify();
    const r4Base = `${authed.url}${EPIC_R4_PREFIX}`;
    let client: FhirClient | undefined;
    let stu3Client: FhirClient | undefined;
    try {
      await generateKey({ dir: keysDir, alg: 'RS384', now: Date.now() });
      jwksServer.get('/jwks.json', async () => publicJwks([keysDir], Date.now()));
      const jwksUrl = `${await jwksServer.listen({ port: 0, host: '127.0.0.1' })}/jwks.json`;
      const scopes = ['system/Appointment.read', 'system/Appointment.write', 'system/Patient.read'];
      authed.auth?.clients.register({
        clientId: 'epic-adapter-test',
        personality: 'epic',
        auth: { jwksUrl },
        allowedScopes: scopes,
        scopeStyle: 'v1',
      });
      const { tokenManager } = createTenantAuth({
        baseUrl: r4Base,
        auth: { method: 'private_key_jwt', clientId: 'epic-adapter-test', keysDir, alg: 'RS384' },
        scopes,
      });
      client = clientFor(r4Base, tokenManager);
      stu3Client = clientFor(epicStu3BaseUrl(r4Base), tokenManager);
      const secured = createEhrAdapter({ vendor: 'epic', fhir: client, stu3: stu3Client });
      const patientId = authed.seed.patients[7].id;
      const { candidates } = await secured.findSlots({
        visitType: EPIC_FOLLOW_UP,
        from,
        to,
        timeZone: ZONE,
        limit: 1,
        patientId,
      });
      const written = await secured.book({
        candidate: candidates[0],
        visitType: EPIC_FOLLOW_UP,
        patientId,
        idempotencyKey: 'e-authed',
      });
      const read = await secured.readAppointment(written.appointment.id);
      assert.equal(read.patientId, patientId);
      assert.equal(read.status, 'booked');
    } finally {
      await client?.close();
      await stu3Client?.close();
      await jwksServer.close();
      await authed.close();
      await rm(keysDir, { recursive: true, force: true });
    }
  });
});
