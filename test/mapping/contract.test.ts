// Contract tests: the Condition and Observation bodies the mapping builds have the shape Oracle
// Health documents for its creates (cerner/R4_CONDITION_CREATE.json, cerner/R4_OBSERVATION_CREATE.json),
// and every built resource is valid FHIR R4 (@medplum/core validateResource) before it is sent.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Condition, Observation } from '@medplum/fhirtypes';
import { isEhrgateError } from '../../src/errors.ts';
import {
  buildIntakeCondition,
  buildIntakeObservation,
  loadFhirSchema,
  ResourceInvalidError,
} from '../../src/mapping/index.ts';
import { readVendorFixture } from '../support/fixtures.ts';

const conditionFixture = readVendorFixture<Condition>('cerner/R4_CONDITION_CREATE.json');
const observationFixture = readVendorFixture<Observation>('cerner/R4_OBSERVATION_CREATE.json');

const input = {
  patientId: '12724066',
  text: 'Headache behind the eyes',
  onset: '2030-03-01',
  symptoms: ['nausea'],
  recordedAt: '2030-03-04T12:00:00.000Z',
};

/** Top-level elements, with value[x] and onset[x] choices folded to their base name. */
function elements(resource: object): string[] {
  return Object.keys(resource).map((k) => k.replace(/^(value|onset|effective)[A-Z].*$/, '$1[x]'));
}

before(() => loadFhirSchema());

describe('the Condition built for a chief complaint', () => {
  it("uses only elements of Cerner's documented Condition create", () => {
    const built = buildIntakeCondition({ category: 'problem-list-item' }, input);
    const documented = new Set(elements(conditionFixture));
    assert.deepEqual(
      elements(built).filter((k) => !documented.has(k)),
      [],
    );
    for (const required of [
      'resourceType',
      'subject',
      'code',
      'category',
      'clinicalStatus',
      'verificationStatus',
    ]) {
      assert.ok(Object.keys(built).includes(required), `has ${required}`);
    }
  });

  it('codes the category, clinical and verification status in the systems of the fixture', () => {
    const built = buildIntakeCondition({ category: 'problem-list-item' }, input);
    assert.equal(
      built.category?.[0]?.coding?.[0]?.system,
      conditionFixture.category?.[0]?.coding?.[0]?.system,
    );
    assert.equal(built.category?.[0]?.coding?.[0]?.code, 'problem-list-item');
    assert.equal(
      built.clinicalStatus?.coding?.[0]?.system,
      conditionFixture.clinicalStatus?.coding?.[0]?.system,
    );
    assert.equal(
      built.verificationStatus?.coding?.[0]?.system,
      conditionFixture.verificationStatus?.coding?.[0]?.system,
    );
    assert.equal(built.subject.reference, 'Patient/12724066');
    assert.equal(built.code?.text, 'Headache behind the eyes');
    assert.equal(built.onsetDateTime, '2030-03-01');
    // A free-text note with a string author, as the fixture's first note.
    assert.deepEqual(
      Object.keys(built.note?.[0] ?? {}).sort(),
      Object.keys(conditionFixture.note?.[0] ?? {}).sort(),
    );
  });
});

describe('the Observation built for a chief complaint', () => {
  it("uses only elements of Cerner's documented Observation create", () => {
    const built = buildIntakeObservation(
      {
        code: { system: 'http://loinc.org', code: '8661-1', display: 'Chief complaint' },
        category: 'survey',
      },
      { ...input, encounterId: '97845408' },
    );
    const documented = new Set(elements(observationFixture));
    assert.deepEqual(
      elements(built).filter((k) => !documented.has(k)),
      [],
    );
    assert.equal(
      built.category?.[0]?.coding?.[0]?.system,
      observationFixture.category?.[0]?.coding?.[0]?.system,
    );
    assert.equal(built.code.coding?.[0]?.system, observationFixture.code.coding?.[0]?.system);
    assert.equal(built.encounter?.reference, 'Encounter/97845408');
    assert.equal(built.status, observationFixture.status);
    assert.equal(built.valueString, 'Headache behind the eyes');
  });

  it('is refused with a typed error naming the element when the configured code is not valid FHIR', () => {
    assert.throws(
      () => buildIntakeObservation({ code: { system: 'not a uri', code: ' ' } }, input),
      (error: unknown) => {
        assert.ok(isEhrgateError(error, 'ERR_RESOURCE_INVALID'));
        assert.ok(error instanceof ResourceInvalidError);
        assert.ok(
          error.elements.some((e) => e.startsWith('Observation.code.coding')),
          `elements: ${error.elements.join(', ')}`,
        );
        return true;
      },
    );
  });
});
