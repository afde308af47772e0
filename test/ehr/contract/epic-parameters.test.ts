// Contract: the Epic $find/$book Parameters use the names DESIGN.md section 5 gives for Epic, and
// where Epic shares a name with Argonaut Scheduling (argonaut/OperationDefinition-appointment-find.json,
// argonaut/OperationDefinition-appointment-book.json), it is that operation's name and type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationDefinition } from '@medplum/fhirtypes';
import type { BookRequest, SlotQuery } from '../../../src/ehr/adapter.ts';
import { epicBookParameters } from '../../../src/ehr/epic/book.ts';
import { epicFindParameters } from '../../../src/ehr/epic/find-slots.ts';
import { epicStu3BaseUrl } from '../../../src/ehr/epic/stu3-base-url.ts';
import { readVendorFixture } from '../../support/fixtures.ts';

const findDefinition = readVendorFixture<OperationDefinition>(
  'argonaut/OperationDefinition-appointment-find.json',
);
const bookDefinition = readVendorFixture<OperationDefinition>(
  'argonaut/OperationDefinition-appointment-book.json',
);

/** Epic's parameter names (DESIGN.md section 5). */
const EPIC_FIND_NAMES = [
  'patient',
  'startTime',
  'endTime',
  'serviceType',
  'indications',
  'specialties',
  'location-reference',
  'time-of-day',
];
const EPIC_BOOK_NAMES = ['patient', 'appointment', 'appointmentNote'];

const query: SlotQuery = {
  visitType: {
    id: 'new-patient',
    say: 'new patient visit',
    minutes: 40,
    coding: { system: 'urn:oid:1.2.840.114350.1.13.0.1.7.10.686980', code: '1001' },
  },
  from: new Date('2030-03-04T12:00:00Z'),
  to: new Date('2030-03-06T12:00:00Z'),
  timeOfDay: 'morning',
  timeZone: 'America/New_York',
  limit: 5,
  patientId: 'eXYZ123',
};

describe('Epic $find Parameters', () => {
  const parameters = epicFindParameters(query, 'L1').parameter ?? [];

  it('uses only Epic’s parameter names, each once', () => {
    const names = parameters.map((p) => p.name ?? '');
    assert.ok(
      names.every((n) => EPIC_FIND_NAMES.includes(n)),
      names.join(','),
    );
    assert.equal(new Set(names).size, names.length);
  });

  it('matches the Argonaut $find definition where Epic uses the same name (location-reference)', () => {
    const shared = parameters.filter((p) => findDefinition.parameter?.some((d) => d.name === p.name));
    assert.deepEqual(
      shared.map((p) => p.name),
      ['location-reference'],
    );
    const definition = findDefinition.parameter?.find((d) => d.name === 'location-reference');
    assert.equal(definition?.use, 'in');
    assert.equal(
      parameters.find((p) => p.name === 'location-reference')?.valueReference?.reference,
      'Location/L1',
    );
  });

  it('sends the patient as a resource with an identifier, the range as dateTimes, the visit type as its Epic coding', () => {
    const by = (name: string) => parameters.find((p) => p.name === name);
    assert.deepEqual(by('patient')?.resource, {
      resourceType: 'Patient',
      identifier: [{ value: 'eXYZ123' }],
    });
    assert.equal(by('startTime')?.valueDateTime, '2030-03-04T12:00:00Z');
    assert.equal(by('endTime')?.valueDateTime, '2030-03-06T12:00:00Z');
    assert.deepEqual(by('serviceType')?.valueCodeableConcept?.coding, [query.visitType.coding]);
    assert.equal(by('time-of-day')?.valueString, 'morning');
  });

  it('leaves out patient and location when they are not known', () => {
    const names = (epicFindParameters({ ...query, patientId: undefined }).parameter ?? []).map((p) => p.name);
    assert.ok(!names.includes('patient'));
    assert.ok(!names.includes('location-reference'));
  });
});

describe('Epic $book Parameters', () => {
  const request: BookRequest = {
    candidate: {
      handle: 'proposed-1',
      start: '2030-03-04T15:00:00Z',
      end: '2030-03-04T15:40:00Z',
      visitTypeId: 'x',
    },
    visitType: query.visitType,
    patientId: 'eXYZ123',
    note: 'needs interpreter',
    reason: 'knee pain',
    idempotencyKey: 'k',
  };
  const parameters = epicBookParameters(request).parameter ?? [];

  it('uses Epic’s names: patient and appointment as valueIdentifier, appointmentNote as valueString', () => {
    assert.deepEqual(
      parameters.map((p) => p.name),
      EPIC_BOOK_NAMES,
    );
    assert.deepEqual(parameters[0].valueIdentifier, { value: 'eXYZ123' });
    assert.deepEqual(parameters[1].valueIdentifier, { value: 'proposed-1' });
    assert.match(parameters[2].valueString ?? '', /knee pain/);
    assert.match(parameters[2].valueString ?? '', /needs interpreter/);
  });

  it('carries what Argonaut $book carries (patient-id, appt-id, comment) under Epic’s names', () => {
    const argonaut = new Set(bookDefinition.parameter?.map((p) => p.name));
    for (const name of ['patient-id', 'appt-id', 'comment']) assert.ok(argonaut.has(name));
    assert.equal(parameters.length, 3);
  });
});

describe('the Epic STU3 base', () => {
  it('is derived from the configured R4 base', () => {
    assert.equal(
      epicStu3BaseUrl('https://fhir.example.org/interconnect-prd/api/FHIR/R4/'),
      'https://fhir.example.org/interconnect-prd/api/FHIR/STU3',
    );
  });

  it('refuses a base that is not an Epic R4 base', () => {
    assert.throws(() => epicStu3BaseUrl('https://fhir.example.org/fhir'), { code: 'ERR_CONFIG_INVALID' });
  });
});
