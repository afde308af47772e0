// The sandbox control routes over real HTTP: registering and removing clients at runtime, and
// the validation of control requests.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exportJWK } from 'jose';
import { generateSigningKey, type Harness, type SigningKey, startHarness } from './support.ts';

let harness: Harness;
let key: SigningKey;

before(async () => {
  [harness, key] = await Promise.all([startHarness(), generateSigningKey('RS384')]);
});

after(() => harness.close());

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${harness.baseUrl}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

test('registers a client over HTTP, then removes it and its tokens', async () => {
  const registration = {
    clientId: 'registered-at-runtime',
    personality: 'epic',
    auth: { jwks: { keys: [key.publicJwk] } },
    allowedScopes: ['system/Patient.read'],
    scopeStyle: 'v1',
  };
  const created = await control('POST', '/clients', registration);
  assert.equal(created.status, 201);
  assert.deepEqual(await created.json(), { clientId: 'registered-at-runtime' });
  assert.equal((await control('POST', '/clients', registration)).status, 200);

  const grant = await harness.requestWithAssertion(harness.epicTokenUrl, {
    key,
    clientId: 'registered-at-runtime',
  });
  assert.equal(grant.status, 200);
  const token = grant.body.access_token as string;
  assert.equal((await harness.probe('epic', 'read', 'Patient/1', token)).status, 200);

  assert.equal((await control('DELETE', '/clients/registered-at-runtime')).status, 204);
  assert.equal((await harness.probe('epic', 'read', 'Patient/1', token)).status, 401);
  const refused = await harness.requestWithAssertion(harness.epicTokenUrl, {
    key,
    clientId: 'registered-at-runtime',
  });
  assert.equal(refused.body.error, 'invalid_client');
  assert.equal((await control('DELETE', '/clients/registered-at-runtime')).status, 404);
});

test('refuses to register a JWK Set that holds a private key', async () => {
  const privateJwk = await exportJWK(key.privateKey);
  const response = await control('POST', '/clients', {
    clientId: 'leaky',
    personality: 'cerner',
    auth: { jwks: { keys: [{ ...privateJwk, kid: key.kid }] } },
    allowedScopes: [],
    scopeStyle: 'v2',
  });
  assert.equal(response.status, 400);
  assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  assert.equal(harness.auth.clients.get('leaky'), undefined);
});

test('refuses a registration without any credential', async () => {
  const response = await control('POST', '/clients', {
    clientId: 'no-credential',
    personality: 'r4',
    auth: {},
    allowedScopes: [],
    scopeStyle: 'both',
  });
  assert.equal(response.status, 400);
});

test('refuses a clock offset that is not an integer number of milliseconds', async () => {
  const response = await control('POST', '/clock', { offsetMs: 'soon' });
  assert.equal(response.status, 400);
  assert.equal(harness.auth.clock.offsetMs, 0);
  const state = (await (await control('GET', '/clock')).json()) as { offsetMs: number };
  assert.equal(state.offsetMs, 0);
});
