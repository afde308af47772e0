// Contract test: the Patient the Cerner adapter sends is built the way Oracle Health documents its
// Patient create (cerner/R4_PATIENT_CREATE.json): an identifier carrying only `assigner`, an
// `official` name with family and given, phone digits only, and no element the example lacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateResource } from '@medplum/core';
import type { Patient } from '@medplum/fhirtypes';
import { buildCernerPatient } from '../../../src/ehr/cerner/patient-create.ts';
import type { CreatePatientRequest } from '../../../src/ehr/patient-adapter.ts';
import { loadFhirDefinitions } from '../../../src/sandbox/fhir-definitions.ts';
import { readVendorFixture } from '../../support/fixtures.ts';

const example = readVendorFixture<Patient>('cerner/R4_PATIENT_CREATE.json');

const request: CreatePatientRequest = {
  idempotencyKey: 'contract-1',
  patient: {
    family: 'Wolf',
    given: ['Person', 'Name'],
    birthDate: '1990-09-15',
    gender: 'male',
    phone: '+18168229121',
    address: { line: ['121212 Metcalf Drive'], city: 'Kansas City', state: 'KS', postalCode: '64199' },
  },
};

const keys = (value: object | undefined) => Object.keys(value ?? {}).sort();

test('the identifier carries only the assigner, as in the documented example', () => {
  const body = buildCernerPatient(request, { mrnAssignerId: '675844' });
  assert.deepEqual(body.identifier, example.identifier);
});

test('the name is an official name with family and given, like the example official name', () => {
  const body = buildCernerPatient(request, { mrnAssignerId: '675844' });
  const official = example.name?.find((n) => n.use === 'official');
  assert.deepEqual(body.name, [{ use: 'official', family: official?.family, given: official?.given }]);
});

test('phone, birth date, gender and address use the example shapes, and nothing the example lacks', () => {
  const body = buildCernerPatient(request, { mrnAssignerId: '675844' });
  for (const key of keys(body)) assert.ok(key in example, `Patient.${key} is not in Cerner's example`);
  assert.equal(body.telecom?.[0]?.value, example.telecom?.[0]?.value, 'digits only, as documented');
  for (const key of keys(body.telecom?.[0])) assert.ok(key in (example.telecom?.[0] ?? {}), `telecom.${key}`);
  for (const key of keys(body.address?.[0])) assert.ok(key in (example.address?.[0] ?? {}), `address.${key}`);
  assert.equal(body.birthDate, example.birthDate);
  assert.equal(body.gender, example.gender);
});

test('the body is a valid FHIR R4 Patient (@medplum/core validateResource)', async () => {
  await loadFhirDefinitions();
  assert.doesNotThrow(() => validateResource(buildCernerPatient(request, { mrnAssignerId: '675844' })));
});

test('no idempotency identifier is sent: Cerner keeps no identifier a client sets', () => {
  const body = buildCernerPatient(request);
  assert.equal(body.identifier, undefined);
});
