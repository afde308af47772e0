import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  baseForResolving,
  encodeSearchParams,
  idFromLocation,
  isFhirId,
  resolveRequestUrl,
  toEtag,
  versionFromEtag,
} from './url.ts';

test('resolves paths under the FHIR base whether or not it ends in a slash', () => {
  for (const base of ['https://ehr.example.org/api/FHIR/R4', 'https://ehr.example.org/api/FHIR/R4/']) {
    const url = resolveRequestUrl(baseForResolving(base), '/Patient/123');
    assert.equal(url.href, 'https://ehr.example.org/api/FHIR/R4/Patient/123');
  }
});

test('repeats a parameter given as an array, as Cerner Slot search needs', () => {
  const qs = encodeSearchParams({
    'service-type': 'sys|1',
    start: ['ge2026-01-01', 'lt2026-01-02'],
    x: undefined,
  });
  assert.equal(qs.toString(), 'service-type=sys%7C1&start=ge2026-01-01&start=lt2026-01-02');
});

test('accepts only FHIR ids as path segments', () => {
  assert.equal(isFhirId('eRbpMH7S.Abc-1'), true);
  for (const bad of ['', '..', '.', 'a/b', 'a?b', 'x'.repeat(65)]) assert.equal(isFhirId(bad), false, bad);
});

test('turns a bare versionId into the weak ETag FHIR uses and keeps a real ETag as sent', () => {
  assert.equal(toEtag('3'), 'W/"3"');
  assert.equal(toEtag('W/"3"'), 'W/"3"');
  assert.equal(toEtag('"abc"'), '"abc"');
  assert.equal(versionFromEtag('W/"0"'), '0');
  assert.equal(versionFromEtag(undefined), undefined);
});

test('reads id and version from a Location header', () => {
  assert.deepEqual(idFromLocation('https://ehr/r4/t/Appointment/123/_history/1', 'Appointment'), {
    id: '123',
    versionId: '1',
  });
  assert.deepEqual(idFromLocation('https://ehr/r4/t/Appointment/123', 'Appointment'), { id: '123' });
  assert.deepEqual(idFromLocation('https://ehr/r4/t/Patient/9', 'Appointment'), {});
  assert.deepEqual(idFromLocation(undefined, 'Appointment'), {});
});
