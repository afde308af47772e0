// The seeded clinic, as seen over HTTP: counts, slot calendar in each location's time zone,
// patients with MRNs, payors; plus determinism and validity of the seed itself.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  Bundle,
  Location,
  Organization,
  Patient,
  PractitionerRole,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../../src/sandbox/fhir-definitions.ts';
import { toLocalDateTime, weekday } from '../../src/sandbox/lib/time-zone.ts';
import {
  buildSeed,
  CLINIC_SESSIONS,
  MRN_SYSTEM,
  SEED_HORIZON_DAYS,
  SLOT_MINUTES,
  TIMEZONE_EXTENSION_URL,
} from '../../src/sandbox/seed.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { assertValidResource } from '../../src/sandbox/validate.ts';
import { call, REFERENCE_DATE, searchAll } from './support.ts';

let sandbox: SandboxHandle;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
});

after(async () => {
  await sandbox.close();
});

async function total(query: string): Promise<number> {
  const answer = await call<Bundle>(
    `${sandbox.r4BaseUrl}/${query}${query.includes('?') ? '&' : '?'}_summary=count`,
  );
  assert.equal(answer.status, 200);
  return answer.body.total as number;
}

test('seeds one clinic organization and the payor organizations', async () => {
  assert.equal(await total('Organization?type=prov'), 1);
  const payors = await searchAll<Organization>(`${sandbox.r4BaseUrl}/Organization?type=pay`);
  const names = payors.resources.map((o) => o.name).sort();
  assert.deepEqual(names, [
    'Aetna',
    'Blue Cross Blue Shield',
    'Cigna Healthcare',
    'Medicare',
    'UnitedHealthcare',
  ]);
  assert.equal(sandbox.seed.counts.payors, 5);
});

test('seeds two locations, each with an address and an IANA time zone', async () => {
  const { resources } = await searchAll<Location>(`${sandbox.r4BaseUrl}/Location`);
  assert.deepEqual(resources.map((l) => l.name).sort(), ['Main Street Clinic', 'Riverside Clinic']);
  for (const location of resources) {
    assert.ok(location.address?.city, `${location.name} has an address`);
    const zone = location.extension?.find((e) => e.url === TIMEZONE_EXTENSION_URL)?.valueCode;
    assert.ok(
      zone !== undefined && Intl.supportedValuesOf('timeZone').includes(zone),
      `${location.name} zone ${zone}`,
    );
  }
});

test('seeds six practitioners across three specialties, each with a role and a schedule', async () => {
  assert.equal(await total('Practitioner'), 6);
  const roles = await searchAll<PractitionerRole>(`${sandbox.r4BaseUrl}/PractitionerRole`);
  assert.equal(roles.resources.length, 6);
  const specialties = new Set(roles.resources.map((r) => r.specialty?.[0]?.coding?.[0]?.code));
  assert.equal(specialties.size, 3);
  for (const code of specialties) {
    assert.equal(roles.resources.filter((r) => r.specialty?.[0]?.coding?.[0]?.code === code).length, 2);
  }
  const schedules = await searchAll<Schedule>(`${sandbox.r4BaseUrl}/Schedule`);
  assert.equal(schedules.resources.length, 6);
  const actors = new Set(schedules.resources.flatMap((s) => s.actor.map((a) => a.reference?.split('/')[0])));
  assert.deepEqual([...actors].sort(), ['Location', 'Practitioner']);
  assert.ok(
    schedules.resources.every((s) => (s.serviceType?.length ?? 0) > 0 && (s.specialty?.length ?? 0) > 0),
  );
});

test('seeds slots only on weekdays within 30 days, in clinic hours of the location time zone', async () => {
  const { resources: slots } = await searchAll<Slot>(`${sandbox.r4BaseUrl}/Slot?_count=500`);
  assert.equal(slots.length, sandbox.seed.counts.slots);
  assert.ok(slots.length > 2_000, `${slots.length} slots`);
  const zoneBySchedule = new Map(
    sandbox.seed.practitioners.map((p) => [
      p.scheduleId,
      sandbox.seed.locations.find((l) => l.id === p.locationId)?.timeZone as string,
    ]),
  );
  const horizonEnd = REFERENCE_DATE.getTime() + SEED_HORIZON_DAYS * 86_400_000;
  for (const slot of slots) {
    const start = new Date(slot.start);
    const zone = zoneBySchedule.get(slot.schedule.reference?.split('/')[1] as string) as string;
    const local = toLocalDateTime(start, zone);
    assert.ok(start.getTime() > REFERENCE_DATE.getTime() && start.getTime() < horizonEnd, slot.start);
    assert.ok(![0, 6].includes(weekday(local)), `${slot.start} falls on a weekend in ${zone}`);
    const minutes = local.hour * 60 + local.minute;
    assert.ok(
      CLINIC_SESSIONS.some(([from, to]) => minutes >= from * 60 && minutes + SLOT_MINUTES <= to * 60),
      `${slot.start} is ${local.hour}:${local.minute} in ${zone}`,
    );
    assert.equal(new Date(slot.end).getTime() - start.getTime(), SLOT_MINUTES * 60_000);
  }
  // Across the 9 March 2025 switch to daylight time, 9:00 in Knoxville moves from 14:00Z to 13:00Z.
  const mainStreet = sandbox.seed.practitioners.find((p) => p.locationId === sandbox.seed.locations[0].id);
  const starts = new Set(
    slots.filter((s) => s.schedule.reference === `Schedule/${mainStreet?.scheduleId}`).map((s) => s.start),
  );
  assert.ok(starts.has('2025-03-07T14:00:00Z'));
  assert.ok(starts.has('2025-03-10T13:00:00Z'));
  assert.ok(!starts.has('2025-03-08T14:00:00Z'), 'Saturday has no slots');
});

test('seeds fifty patients, each with a distinct MRN, phone in the fictional 555-01xx block and an address', async () => {
  const { resources: patients } = await searchAll<Patient>(`${sandbox.r4BaseUrl}/Patient`);
  assert.equal(patients.length, 50);
  const mrns = patients.map((p) => p.identifier?.find((i) => i.system === MRN_SYSTEM)?.value);
  assert.ok(mrns.every((m) => m !== undefined && /^\d{7}$/.test(m)));
  assert.equal(new Set(mrns).size, 50);
  for (const patient of patients) {
    assert.match(patient.telecom?.find((t) => t.system === 'phone')?.value ?? '', /^\d{3}-555-01\d\d$/);
    assert.ok(patient.birthDate && patient.name?.[0]?.family && patient.address?.[0]?.postalCode);
  }
  const mrn = mrns[7] as string;
  const byMrn = await call<Bundle<Patient>>(
    `${sandbox.r4BaseUrl}/Patient?identifier=${encodeURIComponent(`${MRN_SYSTEM}|${mrn}`)}`,
  );
  assert.equal(byMrn.body.total, 1);
});

test('seeds two patients with the same name and different birth dates', async () => {
  const [a, b] = await Promise.all(
    sandbox.seed.sameNamePatientIds.map(
      async (id) => (await call<Patient>(`${sandbox.r4BaseUrl}/Patient/${id}`)).body,
    ),
  );
  assert.deepEqual(a.name?.[0]?.family, b.name?.[0]?.family);
  assert.deepEqual(a.name?.[0]?.given?.[0], b.name?.[0]?.given?.[0]);
  assert.notEqual(a.birthDate, b.birthDate);
});

test('seeds booked appointments whose slots are busy', async () => {
  assert.equal(await total('Appointment?status=booked'), sandbox.seed.counts.appointments);
  for (const appointment of sandbox.seed.appointments) {
    const slot = await call<Slot>(`${sandbox.r4BaseUrl}/Slot/${appointment.slotId}`);
    assert.equal(slot.body.status, 'busy');
  }
  assert.equal(await total('Slot?status=busy'), sandbox.seed.counts.appointments);
});

test('gives the same clinic for the same seed and reference date, and another for another seed', () => {
  const first = buildSeed({ seed: 7, referenceDate: REFERENCE_DATE });
  const again = buildSeed({ seed: 7, referenceDate: REFERENCE_DATE });
  const other = buildSeed({ seed: 8, referenceDate: REFERENCE_DATE });
  assert.deepEqual(again.resources, first.resources);
  assert.notDeepEqual(other.summary.patients, first.summary.patients);
});

test('seeds only resources that pass FHIR R4 validation', async () => {
  await loadFhirDefinitions();
  for (const resource of buildSeed({ referenceDate: REFERENCE_DATE }).resources) {
    assert.doesNotThrow(() => assertValidResource(resource), `${resource.resourceType}/${resource.id}`);
  }
});
