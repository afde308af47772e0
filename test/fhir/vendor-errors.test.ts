// Error parsing against the vendors' own OperationOutcomes and challenges (DESIGN.md section 5).
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { createFhirClient, FhirError } from '../../src/fhir/index.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { type Reply, startScriptedServer } from './support/scripted-server.ts';

async function failureFor(t: TestContext, reply: Reply, method: 'GET' | 'POST' = 'GET'): Promise<FhirError> {
  const server = await startScriptedServer([reply]);
  const client = createFhirClient({ baseUrl: `${server.origin}/api/FHIR/R4`, sleep: async () => {} });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  try {
    await client.request(method, 'Appointment', { retry: false });
  } catch (err) {
    assert.ok(err instanceof FhirError);
    return err;
  }
  assert.fail('expected the request to fail');
}

test('keeps the Argonaut OperationOutcome unchanged and reads its issue details', async (t) => {
  // fixtures/vendor/argonaut/OperationOutcome-example.json (argonautproject/scheduling @b498744)
  const fixture = readVendorFixture<OperationOutcome>('argonaut/OperationOutcome-example.json');
  for (const status of [400, 404, 409, 412, 422, 500]) {
    const err = await failureFor(t, { status, body: fixture });
    assert.deepEqual(err.outcome, fixture);
    assert.deepEqual(err.issues, [
      {
        severity: 'information',
        code: 'informational',
        details: 'the appointment availability operation was successful',
      },
    ]);
    assert.match(
      err.message,
      new RegExp(`HTTP ${status} .*: the appointment availability operation was successful$`),
    );
    assert.equal(err.insufficientScope, false);
  }
});

test('detects a missing scope from an empty Epic-style 403 with only the WWW-Authenticate header', async (t) => {
  // DESIGN.md section 5, "missing scope", Epic: 403 with WWW-Authenticate: Bearer
  // error="insufficient_scope" (sometimes an empty 403).
  const err = await failureFor(t, {
    status: 403,
    headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="system/Appointment.write"' },
  });
  assert.equal(err.code, 'ERR_FHIR_FORBIDDEN');
  assert.equal(err.insufficientScope, true);
  assert.equal(err.scope, 'system/Appointment.write');
  assert.equal(err.authError, 'insufficient_scope');
  assert.equal(err.outcome, undefined);
  assert.match(
    err.message,
    /HTTP 403 \(forbidden\): insufficient_scope \(requires system\/Appointment\.write\)/,
  );
});

test('detects a missing scope from a Cerner-style 403 OperationOutcome', async (t) => {
  // Cerner's fixtures ship no standalone OperationOutcome (fixtures/vendor/cerner/*.json have
  // none), so this one is built exactly as DESIGN.md section 5 describes Cerner's answer: a 403
  // OperationOutcome with code forbidden and diagnostics containing insufficient_scope.
  const withChallenge: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'forbidden',
        diagnostics:
          'Bearer realm="fhir-ehr.cerner.com", error="insufficient_scope", scope="system/Coverage.c"',
      },
    ],
  };
  const plain: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'forbidden',
        diagnostics: 'The token has insufficient_scope for this request',
      },
    ],
  };

  const a = await failureFor(t, { status: 403, body: withChallenge }, 'POST');
  assert.equal(a.code, 'ERR_FHIR_FORBIDDEN');
  assert.equal(a.insufficientScope, true);
  assert.equal(a.scope, 'system/Coverage.c');
  assert.deepEqual(a.outcome, withChallenge);

  const b = await failureFor(t, { status: 403, body: plain }, 'POST');
  assert.equal(b.insufficientScope, true);
  assert.equal(b.scope, undefined);
});

test('a 403 that names no scope problem is forbidden without insufficientScope', async (t) => {
  const err = await failureFor(t, {
    status: 403,
    body: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'patient is restricted' }],
    },
  });
  assert.equal(err.code, 'ERR_FHIR_FORBIDDEN');
  assert.equal(err.insufficientScope, false);
});

test('reads the error of a 401 challenge such as invalid_token', async (t) => {
  const err = await failureFor(t, {
    status: 401,
    headers: { 'www-authenticate': 'Bearer realm="ehr", error="invalid_token", error_description="expired"' },
  });
  assert.equal(err.code, 'ERR_FHIR_UNAUTHORIZED');
  assert.equal(err.authError, 'invalid_token');
  assert.match(err.message, /invalid_token: expired/);
});
