import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EhrgateError, ERROR_STATUS } from '../errors.ts';
import {
  FHIR_ERROR_CODES,
  FhirError,
  type FhirErrorInit,
  isAmbiguousWriteFailure,
  isFhirError,
} from './errors.ts';

const at = { method: 'POST', path: '/r4/Appointment' } as const;

test('every kind maps to a code in the error catalog', () => {
  for (const code of Object.values(FHIR_ERROR_CODES)) assert.ok(code in ERROR_STATUS, code);
});

test('is an EhrgateError whose status is the gateway answer, with the EHR status kept apart', () => {
  const err = new FhirError({ ...at, kind: 'unauthorized', ehrStatus: 401 });
  assert.ok(err instanceof EhrgateError);
  assert.equal(err.name, 'FhirError');
  assert.equal(err.code, 'ERR_FHIR_UNAUTHORIZED');
  assert.equal(err.status, 502);
  assert.equal(err.ehrStatus, 401);
  assert.ok(isFhirError(err, 'unauthorized'));
  assert.equal(isFhirError(err, 'forbidden'), false);
});

test('says a write may have been applied only when the EHR may have acted on it', () => {
  const cases: [Omit<FhirErrorInit, 'method' | 'path'>, boolean][] = [
    [{ kind: 'timeout' }, true],
    [{ kind: 'timeout', ehrStatus: 408 }, false],
    [{ kind: 'network', networkCode: 'ECONNRESET' }, true],
    [{ kind: 'network', networkCode: 'UND_ERR_SOCKET' }, true],
    [{ kind: 'network' }, true],
    [{ kind: 'network', networkCode: 'ECONNREFUSED' }, false],
    [{ kind: 'network', networkCode: 'ENOTFOUND' }, false],
    [{ kind: 'server', ehrStatus: 500 }, true],
    [{ kind: 'server', ehrStatus: 503 }, true],
    [{ kind: 'aborted' }, true],
    [{ kind: 'aborted', neverSent: true }, false],
    [{ kind: 'invalid-response', ehrStatus: 201 }, true],
    [{ kind: 'invalid-response', ehrStatus: 302 }, false],
    [{ kind: 'invalid-response', neverSent: true }, false],
    [{ kind: 'business-rule', ehrStatus: 422 }, false],
    [{ kind: 'conflict', ehrStatus: 409 }, false],
    [{ kind: 'rate-limited', ehrStatus: 429 }, false],
    [{ kind: 'unauthorized', ehrStatus: 401 }, false],
  ];
  for (const [init, ambiguous] of cases) {
    assert.equal(isAmbiguousWriteFailure(new FhirError({ ...at, ...init })), ambiguous, JSON.stringify(init));
  }
  assert.equal(isAmbiguousWriteFailure(new Error('x')), false);
});

test('writes one line: method, path, status and the first issue, without line breaks', () => {
  const err = new FhirError({
    ...at,
    kind: 'conflict',
    ehrStatus: 409,
    issues: [{ severity: 'error', code: 'conflict', diagnostics: 'version\n  mismatch' }],
  });
  assert.equal(err.message, 'FHIR POST /r4/Appointment failed: HTTP 409 (conflict): version mismatch');
  const timeout = new FhirError({ ...at, kind: 'timeout', detail: 'no response within 50 ms' });
  assert.equal(timeout.message, 'FHIR POST /r4/Appointment failed: timeout: no response within 50 ms');
});
