// The Epic-like personalities behind the sandbox authorization server: the token URL comes from
// [base]/.well-known/smart-configuration (shape of epic/epic-fhir-r4-smart-configuration.json),
// a signed JWT assertion buys a 3600 s token that runs $find on STU3 and reads at R4, and a
// missing scope is a 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (DESIGN.md
// section 5). Keys are generated at test time and never written to disk.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { CLIENT_ASSERTION_TYPE } from '../../src/sandbox/auth/index.ts';
import {
  EPIC_R4_PREFIX,
  EPIC_STU3_PREFIX,
  EPIC_VISIT_TYPE_SYSTEM,
} from '../../src/sandbox/personalities/epic.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { generateSigningKey, type SigningKey, signAssertion } from '../sandbox-auth/support.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, REFERENCE_DATE } from './support.ts';

const CLIENT_ID = 'epic-scheduler';

let sandbox: SandboxHandle;
let key: SigningKey;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE });
  key = await generateSigningKey('RS384');
  sandbox.auth?.clients.register({
    clientId: CLIENT_ID,
    personality: 'epic',
    auth: { jwks: { keys: [key.publicJwk] } },
    allowedScopes: ['system/Appointment.read', 'system/Slot.read', 'system/Patient.read'],
    scopeStyle: 'v1',
  });
});

after(async () => {
  await sandbox.close();
});

async function accessToken(): Promise<{ status: number; body: Record<string, unknown> }> {
  const config = await call<{ token_endpoint: string }>(
    `${sandbox.url}${EPIC_R4_PREFIX}/.well-known/smart-configuration`,
  );
  const assertion = await signAssertion(
    { key, clientId: CLIENT_ID, aud: config.body.token_endpoint },
    Math.floor(Date.now() / 1_000),
  );
  return call<Record<string, unknown>>(config.body.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }),
  });
}

const findBody = {
  resourceType: 'Parameters',
  parameter: [
    { name: 'startTime', valueDateTime: '2025-03-10T00:00:00Z' },
    { name: 'endTime', valueDateTime: '2025-03-11T00:00:00Z' },
    {
      name: 'serviceType',
      valueCodeableConcept: { coding: [{ system: EPIC_VISIT_TYPE_SYSTEM, code: '1001' }] },
    },
  ],
};

test('advertises /oauth2/token with private_key_jwt only, from both the R4 and the STU3 base', async () => {
  const epic = readVendorFixture<Record<string, unknown>>('epic/epic-fhir-r4-smart-configuration.json');
  for (const prefix of [EPIC_R4_PREFIX, EPIC_STU3_PREFIX]) {
    const answer = await call<Record<string, unknown>>(
      `${sandbox.url}${prefix}/.well-known/smart-configuration`,
    );
    assert.equal(answer.status, 200);
    assert.equal(answer.body.token_endpoint, `${sandbox.url}/oauth2/token`);
    assert.ok(
      (epic.token_endpoint as string).endsWith('/oauth2/token'),
      'Epic serves its token endpoint at /oauth2/token',
    );
    assert.deepEqual(answer.body.token_endpoint_auth_methods_supported, ['private_key_jwt']);
  }
});

test('issues a 3600-second token for a signed assertion, good for $find at STU3 and reads at R4', async () => {
  const issued = await accessToken();
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  assert.equal(issued.body.expires_in, 3600);
  const authorization = `Bearer ${issued.body.access_token}`;
  const found = await call<Bundle>(
    `${sandbox.url}${EPIC_STU3_PREFIX}/Appointment/$find`,
    fhirJson('POST', findBody, { authorization }),
  );
  assert.equal(found.status, 200);
  assert.ok((found.body.entry?.length ?? 0) > 0);
  const appointment = await call(
    `${sandbox.url}${EPIC_R4_PREFIX}/Appointment/${sandbox.seed.appointments[0].id}`,
    {
      headers: { authorization },
    },
  );
  assert.equal(appointment.status, 200);
});

test('answers $book without a write scope with 403 and WWW-Authenticate insufficient_scope', async () => {
  const issued = await accessToken();
  const answer = await call(
    `${sandbox.url}${EPIC_STU3_PREFIX}/Appointment/$book`,
    fhirJson(
      'POST',
      {
        resourceType: 'Parameters',
        parameter: [
          { name: 'patient', valueIdentifier: { value: sandbox.seed.patients[0].id } },
          { name: 'appointment', valueIdentifier: { value: 'tmp-x' } },
        ],
      },
      { authorization: `Bearer ${issued.body.access_token}` },
    ),
  );
  assert.equal(answer.status, 403);
  assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer error="insufficient_scope"/);
});

test('refuses a client secret at the Epic token endpoint', async () => {
  const answer = await call<Record<string, unknown>>(`${sandbox.url}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:secret`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  assert.equal(answer.status, 401);
  assert.equal(answer.body.error, 'invalid_client');
});
