// The sandbox token endpoint over real HTTP: what each personality accepts, and the exact
// `error` it answers for each bad client assertion (RFC 6749 section 5.2, RFC 7523 section 3.2,
// SMART Backend Services; DESIGN.md section 5).
// Fixture: cerner/cerner-smart-configuration.json (Cerner's advertised algorithms and scopes).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UnsecuredJWT } from 'jose';
import { CLIENT_ASSERTION_TYPE } from '../../src/sandbox/auth/index.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import {
  basicAuthorization,
  generateSigningKey,
  type Harness,
  type JwksHost,
  type SigningKey,
  signAssertion,
  startHarness,
  startJwksHost,
} from './support.ts';

interface SmartConfiguration {
  token_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  scopes_supported: string[];
}

const cernerConfig = readVendorFixture<SmartConfiguration>('cerner/cerner-smart-configuration.json');

function cernerScope(scope: string): string {
  assert.ok(cernerConfig.scopes_supported.includes(scope), `${scope} is a scope Cerner advertises`);
  return scope;
}

const CERNER_SECRET = 'correct horse: battery staple';

let harness: Harness;
let jwksHost: JwksHost;
let rsKey: SigningKey;
let esKey: SigningKey;

before(async () => {
  [harness, jwksHost, rsKey, esKey] = await Promise.all([
    startHarness(),
    startJwksHost(),
    generateSigningKey('RS384'),
    generateSigningKey('ES384'),
  ]);
  const { clients } = harness.auth;
  clients.register({
    clientId: 'epic-app',
    personality: 'epic',
    auth: { jwksUrl: jwksHost.publish('epic-app', [rsKey, esKey]) },
    allowedScopes: ['system/Patient.read', 'system/Appointment.read', 'system/Appointment.write'],
    scopeStyle: 'v1',
  });
  clients.register({
    clientId: 'cerner-jwt',
    personality: 'cerner',
    auth: { jwks: { keys: [rsKey.publicJwk, esKey.publicJwk] } },
    allowedScopes: [cernerScope('system/Appointment.crus'), cernerScope('system/Patient.crus')],
    scopeStyle: 'v2',
  });
  clients.register({
    clientId: 'cerner-secret',
    personality: 'cerner',
    auth: { secret: CERNER_SECRET },
    allowedScopes: [cernerScope('system/Appointment.crus')],
    scopeStyle: 'v2',
  });
  clients.register({
    clientId: 'r4-app',
    personality: 'r4',
    auth: { jwks: { keys: [rsKey.publicJwk] } },
    allowedScopes: ['system/*.read', 'system/Appointment.write'],
    scopeStyle: 'both',
  });
});

after(async () => {
  await Promise.all([harness.close(), jwksHost.close()]);
});

function assertOAuthError(
  response: { status: number; body: Record<string, unknown> },
  error: string,
  status = 400,
) {
  assert.equal(response.body.error, error, `error_description: ${String(response.body.error_description)}`);
  assert.equal(response.status, status);
  assert.equal(typeof response.body.error_description, 'string');
}

describe('accepted client authentication', () => {
  test('issues an Epic-like token for an RS384 assertion checked against the JWK Set URL', async () => {
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.token_type, 'Bearer');
    assert.equal(typeof response.body.access_token, 'string');
    assert.equal(response.body.expires_in, 3600);
    assert.equal(response.body.scope, 'system/Patient.read system/Appointment.read system/Appointment.write');
    // RFC 6749 section 5.1: token responses must not be cached.
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const token = harness.auth.tokens.find(response.body.access_token as string);
    assert.equal(token?.clientId, 'epic-app');
  });

  test('accepts an ES384 assertion and picks the key named by kid', async () => {
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: esKey,
      clientId: 'epic-app',
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  test('accepts every signing algorithm Cerner advertises and issues 570 s tokens', async () => {
    const keys: Record<string, SigningKey> = { RS384: rsKey, ES384: esKey };
    assert.deepEqual(cernerConfig.token_endpoint_auth_signing_alg_values_supported, ['RS384', 'ES384']);
    for (const alg of cernerConfig.token_endpoint_auth_signing_alg_values_supported) {
      const response = await harness.requestWithAssertion(harness.cernerTokenUrl, {
        key: keys[alg],
        clientId: 'cerner-jwt',
      });
      assert.equal(response.status, 200, `${alg}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.expires_in, 570);
    }
  });

  test('fetches the JWK Set URL again when an assertion names a kid it has not seen', async () => {
    const [oldKey, newKey] = await Promise.all([generateSigningKey('RS384'), generateSigningKey('RS384')]);
    harness.auth.clients.register({
      clientId: 'epic-rotating',
      personality: 'epic',
      auth: { jwksUrl: jwksHost.publish('epic-rotating', [oldKey]) },
      allowedScopes: ['system/Patient.read'],
      scopeStyle: 'v1',
    });
    const first = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: oldKey,
      clientId: 'epic-rotating',
    });
    assert.equal(first.status, 200);
    jwksHost.publish('epic-rotating', [newKey]);
    const rotated = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: newKey,
      clientId: 'epic-rotating',
    });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.equal(jwksHost.fetchCount('epic-rotating'), 2);
  });

  test('accepts client_secret_basic on the Cerner-like server', async () => {
    assert.ok(cernerConfig.token_endpoint_auth_methods_supported.includes('client_secret_basic'));
    const response = await harness.postForm(
      harness.cernerTokenUrl,
      { grant_type: 'client_credentials', scope: 'system/Appointment.crus' },
      { authorization: basicAuthorization('cerner-secret', CERNER_SECRET) },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.scope, 'system/Appointment.crus');
  });

  test('refuses client_secret_basic on the Epic-like server with 401 invalid_client and a Basic challenge', async () => {
    const response = await harness.postForm(
      harness.epicTokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization('epic-app', 'any secret') },
    );
    assertOAuthError(response, 'invalid_client', 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  test('refuses a wrong client secret with 401 invalid_client', async () => {
    const response = await harness.postForm(
      harness.cernerTokenUrl,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization('cerner-secret', 'wrong') },
    );
    assertOAuthError(response, 'invalid_client', 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
  });
});

describe('refused client assertions', () => {
  test('refuses an expired assertion with invalid_client', async () => {
    const now = harness.nowSeconds();
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      iat: now - 600,
      exp: now - 300,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion issued in the future beyond the leeway with invalid_client', async () => {
    const now = harness.nowSeconds();
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      iat: now + 180,
      exp: now + 290,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion that is not yet valid (nbf in the future) with invalid_client', async () => {
    const now = harness.nowSeconds();
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      nbf: now + 180,
      exp: now + 290,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion whose exp is more than five minutes ahead with invalid_client', async () => {
    const now = harness.nowSeconds();
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      exp: now + 3600,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion addressed to another audience with invalid_client', async () => {
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      aud: `${harness.baseUrl}/api/FHIR/R4`,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion whose iss is not its sub, or names an unknown client, with invalid_client', async () => {
    const mismatched = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      sub: 'another-app',
    });
    assertOAuthError(mismatched, 'invalid_client');
    const unknown = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'nobody',
    });
    assertOAuthError(unknown, 'invalid_client');
    const otherServer = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'cerner-jwt',
    });
    assertOAuthError(otherServer, 'invalid_client');
  });

  test('refuses a replayed assertion (same jti within its lifetime) with invalid_client', async () => {
    const jti = 'replay-me';
    const first = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      jti,
    });
    assert.equal(first.status, 200);
    const replay = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
      jti,
    });
    assertOAuthError(replay, 'invalid_client');
  });

  test('refuses an unsigned assertion (alg none) with invalid_client', async () => {
    const now = harness.nowSeconds();
    const unsigned = new UnsecuredJWT({ jti: 'unsigned' })
      .setIssuer('epic-app')
      .setSubject('epic-app')
      .setAudience(harness.epicTokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + 240)
      .encode();
    const response = await harness.postForm(harness.epicTokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: unsigned,
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion signed with a key other than the registered one with invalid_client', async () => {
    const impostor = await generateSigningKey('RS384', rsKey.kid);
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: impostor,
      clientId: 'epic-app',
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses a malformed assertion with invalid_client', async () => {
    const response = await harness.postForm(harness.epicTokenUrl, {
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: 'not-a.jwt',
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion from a client whose JWK Set URL answers with HTML with invalid_client', async () => {
    harness.auth.clients.register({
      clientId: 'epic-html-jwks',
      personality: 'epic',
      auth: { jwksUrl: jwksHost.htmlUrl },
      allowedScopes: ['system/Patient.read'],
      scopeStyle: 'v1',
    });
    const response = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-html-jwks',
    });
    assertOAuthError(response, 'invalid_client');
  });

  test('refuses an assertion without the jwt-bearer client_assertion_type with invalid_request', async () => {
    const assertion = await signAssertion(
      { key: rsKey, clientId: 'epic-app', aud: harness.epicTokenUrl },
      harness.nowSeconds(),
    );
    const response = await harness.postForm(harness.epicTokenUrl, {
      grant_type: 'client_credentials',
      client_assertion: assertion,
    });
    assertOAuthError(response, 'invalid_request');
  });
});

describe('scopes', () => {
  test('grants the intersection of the requested scopes with the registered ones', async () => {
    const response = await harness.requestWithAssertion(
      harness.epicTokenUrl,
      { key: rsKey, clientId: 'epic-app' },
      { scope: 'system/Patient.* system/Appointment.read' },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.scope, 'system/Patient.read system/Appointment.read');
  });

  test('drops v1 scopes asked for by a v2 client on the Cerner-like server', async () => {
    const mixed = await harness.requestWithAssertion(
      harness.cernerTokenUrl,
      { key: rsKey, clientId: 'cerner-jwt' },
      { scope: 'system/Appointment.read system/Appointment.write system/Patient.crus' },
    );
    assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
    assert.equal(mixed.body.scope, 'system/Patient.crus');
    const onlyV1 = await harness.requestWithAssertion(
      harness.cernerTokenUrl,
      { key: rsKey, clientId: 'cerner-jwt' },
      { scope: 'system/Appointment.read system/Appointment.write' },
    );
    assert.equal(onlyV1.status, 200, JSON.stringify(onlyV1.body));
    assert.equal(onlyV1.body.scope, '');
  });

  test('answers unauthorized_client on the Cerner-like server for a scope never registered', async () => {
    const response = await harness.requestWithAssertion(
      harness.cernerTokenUrl,
      { key: rsKey, clientId: 'cerner-jwt' },
      { scope: `system/Appointment.crus ${cernerScope('system/Coverage.cruds')}` },
    );
    assertOAuthError(response, 'unauthorized_client');
  });

  test('answers invalid_scope on the Epic-like server for a scope never registered', async () => {
    const response = await harness.requestWithAssertion(
      harness.epicTokenUrl,
      { key: rsKey, clientId: 'epic-app' },
      { scope: 'system/Coverage.read' },
    );
    assertOAuthError(response, 'invalid_scope');
  });
});

describe('token lifetimes', () => {
  test('issues 3600 s tokens on the Epic-like and plain R4 servers', async () => {
    const epic = await harness.requestWithAssertion(harness.epicTokenUrl, {
      key: rsKey,
      clientId: 'epic-app',
    });
    const r4 = await harness.requestWithAssertion(harness.r4TokenUrl, { key: rsKey, clientId: 'r4-app' });
    assert.equal(epic.body.expires_in, 3600);
    assert.equal(r4.body.expires_in, 3600);
    const stored = harness.auth.tokens.find(r4.body.access_token as string);
    assert.equal(stored?.expiresAtMs, harness.auth.clock.now() + 3_600_000);
  });

  test('honours a lifetime override per personality and per client', async () => {
    const overridden = await startHarness({ lifetimesSeconds: { cerner: 30 } });
    try {
      overridden.auth.clients.register({
        clientId: 'cerner-short',
        personality: 'cerner',
        auth: { secret: CERNER_SECRET },
        allowedScopes: ['system/Appointment.crus'],
        scopeStyle: 'v2',
      });
      overridden.auth.clients.register({
        clientId: 'cerner-shorter',
        personality: 'cerner',
        auth: { secret: CERNER_SECRET },
        allowedScopes: ['system/Appointment.crus'],
        scopeStyle: 'v2',
        tokenLifetimeSeconds: 5,
      });
      const grant = (clientId: string) =>
        overridden.postForm(
          overridden.cernerTokenUrl,
          { grant_type: 'client_credentials' },
          { authorization: basicAuthorization(clientId, CERNER_SECRET) },
        );
      assert.equal((await grant('cerner-short')).body.expires_in, 30);
      assert.equal((await grant('cerner-shorter')).body.expires_in, 5);
    } finally {
      await overridden.close();
    }
  });
});

describe('request checks', () => {
  test('refuses a grant type other than client_credentials with unsupported_grant_type', async () => {
    const response = await harness.postForm(harness.cernerTokenUrl, { grant_type: 'password' });
    assertOAuthError(response, 'unsupported_grant_type');
  });

  test('refuses a JSON body with invalid_request', async () => {
    const response = await fetch(harness.epicTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    assertOAuthError(
      { status: response.status, body: (await response.json()) as Record<string, unknown> },
      'invalid_request',
    );
  });

  test('refuses a repeated parameter with invalid_request', async () => {
    const response = await fetch(harness.cernerTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=a&scope=b',
    });
    assertOAuthError(
      { status: response.status, body: (await response.json()) as Record<string, unknown> },
      'invalid_request',
    );
  });

  test('refuses a request that uses both Basic credentials and an assertion with invalid_request', async () => {
    const assertion = await signAssertion(
      { key: rsKey, clientId: 'cerner-jwt', aud: harness.cernerTokenUrl },
      harness.nowSeconds(),
    );
    const response = await harness.postForm(
      harness.cernerTokenUrl,
      {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
      },
      { authorization: basicAuthorization('cerner-secret', CERNER_SECRET) },
    );
    assertOAuthError(response, 'invalid_request');
  });

  test('refuses a request without client authentication with invalid_client', async () => {
    const response = await harness.postForm(harness.r4TokenUrl, { grant_type: 'client_credentials' });
    assertOAuthError(response, 'invalid_client');
  });
});
