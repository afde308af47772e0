import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FhirError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, isRepeatable, retryDelayMs } from './retry-policy.ts';

const url = (path: string) => new URL(`https://ehr.example.org/r4/${path}`);
const err = (init: Partial<ConstructorParameters<typeof FhirError>[0]>) =>
  new FhirError({ kind: 'server', method: 'GET', path: '/r4/Patient', ...init });

test('repeats GET, HEAD and POST _search only', () => {
  const p = DEFAULT_RETRY_POLICY;
  assert.equal(isRepeatable(p, 'GET', url('Patient/1')), true);
  assert.equal(isRepeatable(p, 'HEAD', url('Patient/1')), true);
  assert.equal(isRepeatable(p, 'POST', url('Patient/_search')), true);
  assert.equal(isRepeatable(p, 'POST', url('_search')), true);
  assert.equal(isRepeatable(p, 'POST', url('Patient')), false);
  assert.equal(isRepeatable(p, 'POST', url('Appointment/$find')), false);
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const)
    assert.equal(isRepeatable(p, method, url('Patient/1')), false);
});

test('never retries an abort, an invalid response or a status outside the list', () => {
  const p = DEFAULT_RETRY_POLICY;
  assert.equal(
    retryDelayMs(p, err({ kind: 'aborted', ehrStatus: undefined }), 1, () => 0),
    undefined,
  );
  assert.equal(
    retryDelayMs(p, err({ kind: 'invalid-response', ehrStatus: 200 }), 1, () => 0),
    undefined,
  );
  assert.equal(
    retryDelayMs(p, err({ kind: 'server', ehrStatus: 501 }), 1, () => 0),
    undefined,
  );
  assert.equal(
    retryDelayMs(p, err({ kind: 'not-found', ehrStatus: 404 }), 1, () => 0),
    undefined,
  );
});

test('stops once the retry budget is spent', () => {
  const p = { ...DEFAULT_RETRY_POLICY, limit: 2 };
  const e = err({ ehrStatus: 503 });
  assert.notEqual(
    retryDelayMs(p, e, 2, () => 0),
    undefined,
  );
  assert.equal(
    retryDelayMs(p, e, 3, () => 0),
    undefined,
  );
});

test('picks a full-jitter delay below a doubling ceiling capped by backoffLimitMs', () => {
  const p = { ...DEFAULT_RETRY_POLICY, limit: 10, backoffBaseMs: 100, backoffLimitMs: 500 };
  const e = err({ kind: 'network' });
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => retryDelayMs(p, e, n, () => 0.5)),
    [50, 100, 200, 250, 250],
  );
  assert.equal(
    retryDelayMs(p, e, 1, () => 0),
    0,
  );
});
