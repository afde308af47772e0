// The Cerner-like personality behind the sandbox authorization server: the tenant-specific token
// URL is discovered from [base]/.well-known/smart-configuration (shape of
// cerner/cerner-smart-configuration.json), a client-secret token works for what its v2 scopes
// grant, and a missing scope is a 403 OperationOutcome `forbidden` (DESIGN.md section 5).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../src/sandbox/personalities/cerner.ts';
import { VISIT_TYPE_SYSTEM } from '../../src/sandbox/scheduling/visit-types.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, fhirJson, REFERENCE_DATE } from './support.ts';

const SECRET = 'cerner-test-secret';
const CLIENT_ID = 'cerner-scheduler';

let sandbox: SandboxHandle;
let base: string;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE });
  base = `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  sandbox.auth?.clients.register({
    clientId: CLIENT_ID,
    personality: 'cerner',
    auth: { secret: SECRET },
    allowedScopes: ['system/Slot.rs', 'system/Schedule.rs', 'system/Appointment.rs'],
    scopeStyle: 'v2',
  });
});

after(async () => {
  await sandbox.close();
});

async function token(): Promise<{ status: number; body: Record<string, unknown> }> {
  const config = await call<{ token_endpoint: string }>(`${base}/.well-known/smart-configuration`);
  const basic = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
  return call<Record<string, unknown>>(config.body.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'system/Slot.rs system/Appointment.rs',
    }),
  });
}

test('advertises the tenant-specific token URL in the shape of Cerner smart-configuration', async () => {
  const cerner = readVendorFixture<Record<string, unknown>>('cerner/cerner-smart-configuration.json');
  const answer = await call<Record<string, unknown>>(`${base}/.well-known/smart-configuration`);
  assert.equal(answer.status, 200);
  assert.equal(
    answer.body.token_endpoint,
    `${sandbox.url}/tenants/${CERNER_SANDBOX_TENANT}/protocols/oauth2/profiles/smart-v1/token`,
  );
  assert.deepEqual(
    answer.body.token_endpoint_auth_methods_supported,
    cerner.token_endpoint_auth_methods_supported,
  );
  const scopes = answer.body.scopes_supported as string[];
  assert.ok(scopes.includes('system/Appointment.crus'), 'the v2 scope Cerner advertises for Appointment');
  assert.ok(!scopes.some((s) => s.endsWith('.read') || s.endsWith('.write')), 'v2 scopes only');
  const metadata = await call<{
    rest: { security: { extension: { extension: { valueUri: string }[] }[] } }[];
  }>(`${base}/metadata`);
  assert.equal(metadata.body.rest[0].security.extension[0].extension[0].valueUri, answer.body.token_endpoint);
});

test('issues a 570-second token at the discovered URL that searches slots', async () => {
  const issued = await token();
  assert.equal(issued.status, 200, JSON.stringify(issued.body));
  assert.equal(issued.body.expires_in, 570);
  const slots = await call<Bundle>(
    `${base}/Slot?service-type=${encodeURIComponent(`${VISIT_TYPE_SYSTEM}|new-patient`)}&_count=5`,
    { headers: { authorization: `Bearer ${issued.body.access_token}` } },
  );
  assert.equal(slots.status, 200);
  assert.equal(slots.body.entry?.length, 5);
});

test('answers an Appointment create without the create scope with 403 OperationOutcome forbidden', async () => {
  const issued = await token();
  const example = readVendorFixture('cerner/R4_APPOINTMENT_CREATE.json');
  const answer = await call<OperationOutcome>(
    `${base}/Appointment`,
    fhirJson('POST', example, { authorization: `Bearer ${issued.body.access_token}` }),
  );
  assert.equal(answer.status, 403);
  assert.equal(answer.body.resourceType, 'OperationOutcome');
  assert.equal(answer.body.issue[0].code, 'forbidden');
  assert.match(answer.body.issue[0].diagnostics ?? '', /insufficient_scope/);
});

test('refuses a request without a token with 401', async () => {
  const answer = await call(
    `${base}/Slot?service-type=${encodeURIComponent(`${VISIT_TYPE_SYSTEM}|new-patient`)}`,
  );
  assert.equal(answer.status, 401);
});
