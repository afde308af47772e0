import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { FhirStore, VersionConflictError } from './fhir-store.ts';
import { FhirOutcomeError } from './lib/outcome.ts';

before(async () => {
  await loadFhirDefinitions();
});

const patient = (family: string): Patient => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:test', value: family }],
  name: [{ family }],
});

test('lets exactly one of two concurrent patches with the same If-Match through', async () => {
  const store = new FhirStore();
  const { resource } = await store.create(patient('Race'));
  const results = await Promise.allSettled([
    store.patch('Patient', resource.id, [{ op: 'add', path: '/active', value: true }], { ifMatch: '1' }),
    store.patch('Patient', resource.id, [{ op: 'add', path: '/active', value: false }], { ifMatch: '1' }),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected'],
  );
  assert.ok((results[1] as PromiseRejectedResult).reason instanceof VersionConflictError);
  assert.equal(store.read('Patient', resource.id).meta.versionId, '2');
});

test('creates one resource for concurrent conditional creates with the same If-None-Exist', async () => {
  const store = new FhirStore();
  const results = await Promise.all(
    Array.from({ length: 5 }, () =>
      store.create(patient('Once'), { ifNoneExist: 'identifier=urn:test|Once' }),
    ),
  );
  assert.equal(results.filter((r) => r.created).length, 1);
  assert.equal(new Set(results.map((r) => r.resource.id)).size, 1);
  assert.equal(store.count('Patient'), 1);
});

test('hands out frozen resources, so a caller cannot change the store by accident', async () => {
  const store = new FhirStore();
  const { resource } = await store.create(patient('Frozen'));
  assert.throws(() => {
    (resource.name as { family: string }[])[0].family = 'Changed';
  }, TypeError);
  assert.equal(store.read<Patient>('Patient', resource.id).name?.[0]?.family, 'Frozen');
});

test('stamps versions and lastUpdated from the injected clock', async () => {
  const store = new FhirStore({ now: () => new Date('2030-01-02T03:04:05Z') });
  const { resource } = await store.create(patient('Clock'));
  assert.equal(resource.meta.lastUpdated, '2030-01-02T03:04:05.000Z');
  const updated = await store.update('Patient', resource.id, { ...resource, active: true });
  assert.equal(updated.resource.meta.versionId, '2');
  assert.equal((await store.vread<Patient>('Patient', resource.id, '1')).active, undefined);
});

test('refuses a resource type that is not FHIR R4', async () => {
  const store = new FhirStore();
  await assert.rejects(
    store.create({ resourceType: 'Spaceship' } as unknown as Patient),
    (error: unknown) => error instanceof FhirOutcomeError && error.status === 404,
  );
});

test('reports the writes since a generation, and nothing once they are not all known', async () => {
  const store = new FhirStore();
  const start = store.generation('Patient');
  assert.deepEqual(store.changesSince('Patient', start), []);
  const { resource } = await store.create(patient('Log'));
  const updated = (await store.update('Patient', resource.id, { ...resource, active: true })).resource;
  await store.delete('Patient', resource.id);
  const changes = store.changesSince('Patient', start);
  assert.deepEqual(changes, [
    { after: resource, generation: start + 1 },
    { before: resource, after: updated, generation: start + 2 },
    { before: updated, generation: start + 3 },
  ]);
  assert.equal(store.changesSince('Patient', start + 2)?.length, 1);

  for (let i = 0; i < 70; i++) await store.create(patient(`Many${i}`));
  assert.equal(store.changesSince('Patient', start), undefined, 'older than the log');
  const recent = store.generation('Patient');
  store.clear();
  assert.equal(store.changesSince('Patient', recent), undefined, 'a reset is not a list of writes');
  assert.deepEqual(store.changesSince('Patient', store.generation('Patient')), []);
});
