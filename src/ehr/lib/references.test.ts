import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referenceId } from './references.ts';

describe('referenceId', () => {
  it('reads relative, absolute and versioned literal references (R4 references.html#literal)', () => {
    const id = (reference: string, type = 'Practitioner') => referenceId({ reference }, type);
    // Cerner's fixtures use relative references, Argonaut's absolute ones.
    assert.equal(id('Practitioner/593923'), '593923');
    assert.equal(id('https://fhir-ehr.cerner.com/r4/ec2458f2/Practitioner/593923'), '593923');
    assert.equal(id('https://ehr.example/r4/Practitioner/p-1.a/_history/3'), 'p-1.a');
    assert.equal(id('Practitioner/593923/'), '593923');
    assert.equal(id('Location/21304876', 'Location'), '21304876');
  });

  it('answers nothing for another type, a malformed id or no literal at all', () => {
    const id = (reference: string) => referenceId({ reference }, 'Practitioner');
    assert.equal(id('Location/1'), undefined);
    assert.equal(id('Practitioner'), undefined);
    assert.equal(id('Practitioner/'), undefined);
    assert.equal(id('Practitioner/a b'), undefined);
    assert.equal(id(`Practitioner/${'x'.repeat(65)}`), undefined);
    assert.equal(id('Practitioner/1/_history/'), undefined);
    assert.equal(id('Practitioner/1/_history'), undefined);
    assert.equal(id('#contained-1'), undefined);
    assert.equal(id('urn:uuid:6a1e7f3e-0000-4000-8000-000000000001'), undefined);
    assert.equal(referenceId({ display: 'Dr. Rivera' }, 'Practitioner'), undefined);
    assert.equal(referenceId(undefined, 'Practitioner'), undefined);
  });
});
