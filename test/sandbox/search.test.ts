// Search on the generic R4 personality: strict parameter handling, paging with absolute next
// links, _include, chaining, string and date semantics (FHIR R4 search.html).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, OperationOutcome, Patient, Schedule, Slot } from '@medplum/fhirtypes';
import { VISIT_TYPES } from '../../src/sandbox/seed.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { call, fhirJson, isOperationOutcome, REFERENCE_DATE, searchAll } from './support.ts';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  base = sandbox.r4BaseUrl;
});

after(async () => {
  await sandbox.close();
});

test('answers an unknown search parameter with 400 and an OperationOutcome naming it', async () => {
  const answer = await call<OperationOutcome>(`${base}/Patient?family=Smith&favourite-colour=blue`);
  assert.equal(answer.status, 400);
  assert.ok(isOperationOutcome(answer.body));
  assert.match(answer.body.issue[0].diagnostics ?? '', /favourite-colour/);
  assert.deepEqual(answer.body.issue[0].expression, ['favourite-colour']);
});

test('answers an unsupported modifier and an unsupported result parameter with 400', async () => {
  assert.equal((await call(`${base}/Patient?family:fuzzy=Smith`)).status, 400);
  assert.equal((await call(`${base}/Patient?_revinclude=Appointment:patient`)).status, 400);
});

test('drops an unknown parameter with a warning under Prefer: handling=lenient', async () => {
  const answer = await call<Bundle>(`${base}/Patient?favourite-colour=blue&_count=1`, {
    headers: { prefer: 'handling=lenient' },
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body.total, 50);
  const outcome = answer.body.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
  assert.equal(outcome.issue[0].severity, 'warning');
  assert.match(outcome.issue[0].diagnostics ?? '', /favourite-colour/);
});

test('pages with _count and absolute next links until every match is returned once', async () => {
  const first = await call<Bundle>(`${base}/Patient?_count=7`);
  const next = first.body.link?.find((l) => l.relation === 'next')?.url as string;
  assert.equal(new URL(next).origin, sandbox.url, 'next link is absolute and points back at the sandbox');
  assert.equal(first.body.entry?.length, 7);

  const all = await searchAll<Patient>(`${base}/Patient?_count=7`);
  assert.equal(all.total, 50);
  assert.equal(all.pages, 8);
  assert.equal(new Set(all.resources.map((p) => p.id)).size, 50);

  const last = await call<Bundle>(`${base}/Patient?_count=7&_offset=49`);
  assert.equal(
    last.body.link?.some((l) => l.relation === 'next'),
    false,
  );
  assert.equal(
    last.body.link?.some((l) => l.relation === 'previous'),
    true,
  );
});

test('keeps the search parameters in next links', async () => {
  const { resources, total } = await searchAll<Slot>(`${base}/Slot?status=busy&_count=5`);
  assert.equal(total, sandbox.seed.counts.busySlots);
  assert.equal(resources.length, total);
  assert.ok(resources.every((s) => s.status === 'busy'));
});

test('finds a practitioner slots in a date range by schedule, free, sorted by start', async () => {
  const practitioner = sandbox.seed.practitioners[0];
  const url =
    `${base}/Slot?schedule=Schedule/${practitioner.scheduleId}&status=free` +
    '&start=ge2025-03-10T00:00:00Z&start=lt2025-03-11T00:00:00Z&_sort=-start';
  const answer = await call<Bundle<Slot>>(url);
  assert.equal(answer.status, 200);
  const starts = answer.body.entry?.map((e) => e.resource?.start as string) ?? [];
  assert.ok(starts.length > 0 && starts.length <= 21, `${starts.length} slots that Monday`);
  assert.deepEqual(starts, [...starts].sort().reverse());
  assert.ok(starts.every((s) => s >= '2025-03-10T00:00:00Z' && s < '2025-03-11T00:00:00Z'));
});

test('accepts a bare id for a reference parameter', async () => {
  const practitioner = sandbox.seed.practitioners[1];
  const bare = await call<Bundle>(`${base}/Slot?schedule=${practitioner.scheduleId}&_summary=count`);
  const typed = await call<Bundle>(
    `${base}/Slot?schedule=Schedule/${practitioner.scheduleId}&_summary=count`,
  );
  assert.ok((bare.body.total as number) > 0);
  assert.equal(bare.body.total, typed.body.total);
});

test('includes the referenced schedule once with _include=Slot:schedule', async () => {
  const practitioner = sandbox.seed.practitioners[2];
  const answer = await call<Bundle>(
    `${base}/Slot?schedule=${practitioner.scheduleId}&_count=10&_include=Slot:schedule`,
  );
  const modes = answer.body.entry?.map((e) => `${e.search?.mode}:${e.resource?.resourceType}`) ?? [];
  assert.equal(modes.filter((m) => m === 'match:Slot').length, 10);
  assert.deepEqual(
    modes.filter((m) => m.startsWith('include')),
    ['include:Schedule'],
  );
  const schedule = answer.body.entry?.find((e) => e.search?.mode === 'include')?.resource as Schedule;
  assert.equal(schedule.id, practitioner.scheduleId);
  const next = answer.body.link?.find((l) => l.relation === 'next')?.url as string;
  assert.ok(new URL(next).searchParams.getAll('_include').includes('Slot:schedule'));
});

test('follows an _include:iterate from slots through schedules to practitioners', async () => {
  const practitioner = sandbox.seed.practitioners[3];
  const answer = await call<Bundle>(
    `${base}/Slot?schedule=${practitioner.scheduleId}&_count=2&_include=Slot:schedule&_include:iterate=Schedule:actor:Practitioner`,
  );
  const included = answer.body.entry
    ?.filter((e) => e.search?.mode === 'include')
    .map((e) => e.resource?.resourceType);
  assert.deepEqual(included?.sort(), ['Practitioner', 'Schedule']);
});

test('resolves a chained parameter: slots of a practitioner through schedule.actor', async () => {
  const practitioner = sandbox.seed.practitioners[4];
  const chained = await call<Bundle>(
    `${base}/Slot?schedule.actor=Practitioner/${practitioner.id}&_summary=count`,
  );
  const direct = await call<Bundle>(`${base}/Slot?schedule=${practitioner.scheduleId}&_summary=count`);
  assert.equal(chained.status, 200);
  assert.ok((chained.body.total as number) > 0);
  assert.equal(chained.body.total, direct.body.total);
  const none = await call<Bundle>(`${base}/Slot?schedule.actor=Practitioner/nobody&_summary=count`);
  assert.equal(none.body.total, 0);
  assert.equal((await call(`${base}/Slot?schedule.actor.name=Kim`)).status, 400);
});

test('matches strings by case- and accent-insensitive prefix, and exactly with :exact', async () => {
  const [twin] = sandbox.seed.sameNamePatientIds;
  const patient = (await call<Patient>(`${base}/Patient/${twin}`)).body;
  const family = patient.name?.[0]?.family as string;
  const prefix = family.slice(0, 3).toUpperCase();
  const byPrefix = await searchAll<Patient>(`${base}/Patient?family=${encodeURIComponent(prefix)}`);
  assert.ok(byPrefix.resources.some((p) => p.id === twin));
  assert.ok(byPrefix.resources.every((p) => p.name?.[0]?.family?.toUpperCase().startsWith(prefix)));

  const exactWrongCase = await call<Bundle>(
    `${base}/Patient?family:exact=${encodeURIComponent(family.toLowerCase())}`,
  );
  assert.equal(exactWrongCase.body.total, 0);
  const exact = await call<Bundle>(`${base}/Patient?family:exact=${encodeURIComponent(family)}`);
  assert.ok((exact.body.total as number) >= 2);

  const bergstrom = await call<Patient>(
    `${base}/Patient`,
    fhirJson('POST', { resourceType: 'Patient', name: [{ family: 'Bergstrom' }] }),
  );
  await call(`${base}/Patient`, fhirJson('POST', { resourceType: 'Patient', name: [{ family: 'Ahlberg' }] }));
  const startsWith = await call<Bundle<Patient>>(`${base}/Patient?family=berg`);
  assert.deepEqual(
    startsWith.body.entry?.map((e) => e.resource?.id),
    [bergstrom.body.id],
    'a string parameter matches the start of the value, not the middle',
  );
  const contains = await call<Bundle>(`${base}/Patient?family:contains=berg&_summary=count`);
  assert.equal(contains.body.total, 2);

  const created = await call<Patient>(
    `${base}/Patient`,
    fhirJson('POST', { resourceType: 'Patient', name: [{ family: 'Muñoz', given: ['José'] }] }),
  );
  const accentless = await call<Bundle<Patient>>(`${base}/Patient?name=munoz`);
  assert.deepEqual(
    accentless.body.entry?.map((e) => e.resource?.id),
    [created.body.id],
  );
});

test('matches a birth date and a date range on patients', async () => {
  const [twin] = sandbox.seed.sameNamePatientIds;
  const patient = (await call<Patient>(`${base}/Patient/${twin}`)).body;
  const exact = await searchAll<Patient>(`${base}/Patient?birthdate=${patient.birthDate}`);
  assert.ok(exact.resources.some((p) => p.id === twin));
  assert.ok(exact.resources.every((p) => p.birthDate === patient.birthDate));
  const bad = await call<OperationOutcome>(`${base}/Patient?birthdate=yesterday`);
  assert.equal(bad.status, 400);
});

test('searches with POST _search and form parameters', async () => {
  const practitioner = sandbox.seed.practitioners[5];
  const answer = await call<Bundle>(`${base}/Slot/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      schedule: `Schedule/${practitioner.scheduleId}`,
      _summary: 'count',
    }).toString(),
  });
  const get = await call<Bundle>(`${base}/Slot?schedule=${practitioner.scheduleId}&_summary=count`);
  assert.equal(answer.status, 200);
  assert.equal(answer.body.total, get.body.total);
});

test('finds a patient by token: MRN with system, phone, gender', async () => {
  const seeded = sandbox.seed.patients[3];
  const patient = (await call<Patient>(`${base}/Patient/${seeded.id}`)).body;
  const phone = patient.telecom?.find((t) => t.system === 'phone')?.value as string;
  const answer = await call<Bundle<Patient>>(
    `${base}/Patient?identifier=urn:oid:2.16.840.1.113883.3.ehrgate.mrn|${seeded.mrn}&phone=${phone}&gender=${patient.gender}`,
  );
  assert.deepEqual(
    answer.body.entry?.map((e) => e.resource?.id),
    [seeded.id],
  );
  const wrongSystem = await call<Bundle>(`${base}/Patient?identifier=urn:other|${seeded.mrn}`);
  assert.equal(wrongSystem.body.total, 0);
});

test('sees a write in the next search (the index follows updates)', async () => {
  const appointment = sandbox.seed.appointments[2];
  const before = await call<Bundle>(`${base}/Slot?status=busy&_summary=count`);
  const slot = (await call<Slot>(`${base}/Slot/${appointment.slotId}`)).body;
  const freed = await call<Slot>(`${base}/Slot/${slot.id}`, fhirJson('PUT', { ...slot, status: 'free' }));
  assert.equal(freed.status, 200);
  const after = await call<Bundle>(`${base}/Slot?status=busy&_summary=count`);
  assert.equal(after.body.total, (before.body.total as number) - 1);
  const bySchedule = await call<Bundle<Slot>>(
    `${base}/Slot?${slot.schedule.reference?.replace('Schedule/', 'schedule=')}&status=free&_id=${slot.id}`,
  );
  assert.equal(bySchedule.body.entry?.[0]?.resource?.status, 'free');
});

/** The gateway's find_slots search (src/ehr/fhir-r4/find-slots.ts): one request, two days. */
function findSlotsUrl(from: string, to: string): string {
  const params = new URLSearchParams([
    ['status', 'free'],
    ['service-type', `${VISIT_TYPES.followUp.system}|${VISIT_TYPES.followUp.code}`],
    ['start', `ge${from}`],
    ['start', `lt${to}`],
    ['_include', 'Slot:schedule'],
    ['_include:iterate', 'Schedule:actor'],
    ['_sort', 'start'],
    ['_count', '100'],
  ]);
  return `${base}/Slot?${params}`;
}

function matchedSlots(bundle: Bundle): Slot[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as Slot);
}

test('stops offering a slot the moment it is booked, and offers it again once freed (P4)', async () => {
  const url = findSlotsUrl('2025-03-10T04:00:00Z', '2025-03-12T04:00:00Z');
  const before = (await call<Bundle>(url)).body;
  const offered = matchedSlots(before);
  assert.ok(offered.length > 10);
  const starts = offered.map((s) => s.start);
  assert.deepEqual(starts, [...starts].sort(), 'sorted by start');
  const slot = offered[3];

  // The fhir-r4 adapter books by marking the Slot busy under If-Match (src/ehr/fhir-r4/slot-claim.ts).
  const claimed = await call<Slot>(
    `${base}/Slot/${slot.id}`,
    fhirJson('PUT', { ...slot, status: 'busy' }, { 'if-match': `W/"${slot.meta?.versionId}"` }),
  );
  assert.equal(claimed.status, 200);
  const during = (await call<Bundle>(url)).body;
  assert.equal(during.total, (before.total as number) - 1);
  assert.ok(!matchedSlots(during).some((s) => s.id === slot.id), 'the booked slot is not offered');
  assert.deepEqual(
    matchedSlots(during)
      .slice(0, offered.length - 1)
      .map((s) => s.id),
    offered.filter((s) => s.id !== slot.id).map((s) => s.id),
    'the others are offered in the same order (a page of 100: the next slot moves up into it)',
  );

  const freed = await call<Slot>(
    `${base}/Slot/${slot.id}`,
    fhirJson('PUT', { ...claimed.body, status: 'free' }),
  );
  assert.equal(freed.status, 200);
  const after = (await call<Bundle>(url)).body;
  assert.equal(after.total, before.total);
  assert.deepEqual(
    matchedSlots(after).map((s) => s.id),
    offered.map((s) => s.id),
  );
  assert.equal(
    matchedSlots(after)[3].meta?.versionId,
    freed.body.meta?.versionId,
    'the current version is sent',
  );
});

test('answers the find_slots search with the same bundle whether or not its entries were cached', async () => {
  const url = findSlotsUrl('2025-03-17T04:00:00Z', '2025-03-19T04:00:00Z');
  const strip = (bundle: Bundle): Bundle => ({ ...bundle, id: 'x', meta: {} });
  const first = strip((await call<Bundle>(url)).body);
  const second = strip((await call<Bundle>(url)).body);
  assert.deepEqual(second, first);
  assert.deepEqual([...new Set((first.entry ?? []).map((e) => e.search?.mode))], ['match', 'include']);
  const included = (first.entry ?? [])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => e.resource?.resourceType);
  assert.deepEqual([...new Set(included)].sort(), ['Location', 'Practitioner', 'Schedule']);
  for (const entry of first.entry ?? []) {
    assert.equal(entry.fullUrl, `${base}/${entry.resource?.resourceType}/${entry.resource?.id}`);
  }
});
