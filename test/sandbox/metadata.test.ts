// Discovery documents of the generic R4 personality: the CapabilityStatement describes what the
// routes really do, the SMART configuration what a backend client needs.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, CapabilityStatement } from '@medplum/fhirtypes';
import { R4_RESOURCE_TYPES } from '../../src/sandbox/personalities/r4.ts';
import { ALL_INTERACTIONS } from '../../src/sandbox/personality.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { assertValidResource } from '../../src/sandbox/validate.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { call, REFERENCE_DATE } from './support.ts';

let sandbox: SandboxHandle;

before(async () => {
  sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
});

after(async () => {
  await sandbox.close();
});

test('serves a valid R4 CapabilityStatement that declares conditional create and every served type', async () => {
  const answer = await call<CapabilityStatement>(`${sandbox.r4BaseUrl}/metadata`);
  assert.equal(answer.status, 200);
  const statement = answer.body;
  assert.doesNotThrow(() => assertValidResource(statement));
  assert.equal(statement.fhirVersion, '4.0.1');
  assert.equal(statement.kind, 'instance');
  assert.equal(statement.implementation?.url, sandbox.r4BaseUrl);
  const rest = statement.rest?.[0];
  assert.equal(rest?.mode, 'server');
  assert.deepEqual(
    rest?.resource?.map((r) => r.type),
    [...R4_RESOURCE_TYPES].sort(),
  );
  const appointment = rest?.resource?.find((r) => r.type === 'Appointment');
  assert.equal(appointment?.conditionalCreate, true);
  assert.equal(appointment?.versioning, 'versioned-update');
  assert.equal(appointment?.interaction?.length, ALL_INTERACTIONS.length);
  assert.ok(appointment?.interaction?.some((i) => i.code === 'search-type'));
});

test('lists exactly the search parameters the server accepts', async () => {
  const statement = (await call<CapabilityStatement>(`${sandbox.r4BaseUrl}/metadata`)).body;
  const slot = statement.rest?.[0]?.resource?.find((r) => r.type === 'Slot');
  const names = slot?.searchParam?.map((p) => p.name) ?? [];
  for (const name of ['schedule', 'start', 'status', 'service-type', '_id', '_lastUpdated']) {
    assert.ok(names.includes(name), `Slot lists ${name}`);
  }
  assert.ok(slot?.searchInclude?.includes('Slot:schedule'));
  for (const name of names) {
    const answer = await call<Bundle>(`${sandbox.r4BaseUrl}/Slot?${name}:missing=false&_summary=count`);
    assert.equal(answer.status, 200, `Slot?${name}: ${JSON.stringify(answer.body)}`);
  }
  // Observation's value-quantity is a quantity parameter the server cannot match: neither listed
  // nor accepted.
  const observation = statement.rest?.[0]?.resource?.find((r) => r.type === 'Observation');
  assert.ok(!observation?.searchParam?.some((p) => p.name === 'value-quantity'));
  assert.equal((await call(`${sandbox.r4BaseUrl}/Observation?value-quantity=5`)).status, 400);
});

test('declares the SMART token endpoint in the CapabilityStatement security section', async () => {
  const statement = (await call<CapabilityStatement>(`${sandbox.r4BaseUrl}/metadata`)).body;
  const oauth = statement.rest?.[0]?.security?.extension?.find(
    (e) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
  );
  assert.equal(oauth?.extension?.find((e) => e.url === 'token')?.valueUri, `${sandbox.r4BaseUrl}/auth/token`);
});

test('serves a SMART configuration for backend services with JWT and secret client authentication', async () => {
  const answer = await call<Record<string, unknown>>(`${sandbox.r4BaseUrl}/.well-known/smart-configuration`);
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
  const config = answer.body;
  assert.equal(config.token_endpoint, `${sandbox.r4BaseUrl}/auth/token`);
  assert.deepEqual(config.token_endpoint_auth_methods_supported, ['private_key_jwt', 'client_secret_basic']);
  assert.deepEqual(config.token_endpoint_auth_signing_alg_values_supported, ['RS384', 'ES384']);
  assert.deepEqual(config.capabilities, [
    'client-confidential-asymmetric',
    'client-confidential-symmetric',
    'permission-v1',
    'permission-v2',
  ]);
  const scopes = config.scopes_supported as string[];
  assert.ok(scopes.includes('system/Appointment.cruds'));
  assert.ok(scopes.includes('system/Slot.read'));
  // Same field names and value shapes as a vendor's document (Cerner's R4 .well-known example).
  const cerner = readVendorFixture<Record<string, unknown>>('cerner/R4_WELL_KNOWN.json');
  for (const field of [
    'token_endpoint',
    'token_endpoint_auth_methods_supported',
    'scopes_supported',
    'capabilities',
  ]) {
    assert.equal(typeof config[field], typeof cerner[field], field);
    assert.equal(Array.isArray(config[field]), Array.isArray(cerner[field]), field);
  }
});
