// The FHIR endpoints' authorization hook over real HTTP: 401 for a token that is missing,
// unknown, expired or revoked; the vendor-shaped 403 for a scope never granted (DESIGN.md
// section 5); token revocation and the server clock as faults (DESIGN.md section 8).
// Fixture: cerner/cerner-smart-configuration.json (the v2 scopes registered below).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readVendorFixture } from '../support/fixtures.ts';
import {
  basicAuthorization,
  generateSigningKey,
  type Harness,
  type SigningKey,
  startHarness,
} from './support.ts';

const cernerScopes = readVendorFixture<{ scopes_supported: string[] }>(
  'cerner/cerner-smart-configuration.json',
).scopes_supported;

const SECRET = 'sandbox secret';

let harness: Harness;
let key: SigningKey;

before(async () => {
  [harness, key] = await Promise.all([startHarness(), generateSigningKey('ES384')]);
  const { clients } = harness.auth;
  clients.register({
    clientId: 'epic-reader',
    personality: 'epic',
    auth: { jwks: { keys: [key.publicJwk] } },
    allowedScopes: ['system/Patient.read', 'system/Appointment.read'],
    scopeStyle: 'v1',
  });
  const cernerAppointmentScope = 'system/Appointment.crus';
  assert.ok(cernerScopes.includes(cernerAppointmentScope));
  clients.register({
    clientId: 'cerner-scheduler',
    personality: 'cerner',
    auth: { secret: SECRET },
    allowedScopes: [cernerAppointmentScope],
    scopeStyle: 'v2',
  });
  clients.register({
    clientId: 'r4-reader',
    personality: 'r4',
    auth: { secret: SECRET },
    allowedScopes: ['system/*.read'],
    scopeStyle: 'both',
  });
  clients.register({
    clientId: 'cerner-other',
    personality: 'cerner',
    auth: { secret: SECRET },
    allowedScopes: [cernerAppointmentScope],
    scopeStyle: 'v2',
  });
});

after(() => harness.close());

async function epicToken(): Promise<string> {
  const response = await harness.requestWithAssertion(harness.epicTokenUrl, { key, clientId: 'epic-reader' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token as string;
}

async function secretToken(url: string, clientId: string): Promise<string> {
  const response = await harness.postForm(
    url,
    { grant_type: 'client_credentials' },
    { authorization: basicAuthorization(clientId, SECRET) },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token as string;
}

function assertInvalidToken(response: { status: number; headers: Headers; text: string }) {
  assert.equal(response.status, 401);
  assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
}

describe('401 invalid_token', () => {
  test('refuses a request without a token, or with a token the server never issued', async () => {
    for (const personality of ['epic', 'cerner', 'r4']) {
      assertInvalidToken(await harness.probe(personality, 'read', 'Patient/1'));
      assertInvalidToken(await harness.probe(personality, 'read', 'Patient/1', 'made-up-token'));
    }
  });

  test('refuses a token once the server clock passes its expiry', async () => {
    const token = await secretToken(harness.cernerTokenUrl, 'cerner-scheduler');
    harness.setNow(Date.parse('2030-03-04T09:09:29.000Z'));
    try {
      assert.equal((await harness.probe('cerner', 'read', 'Appointment/1', token)).status, 200);
      // Cerner tokens last 570 s: at T0 + 570 s the token is gone.
      harness.setNow(Date.parse('2030-03-04T09:09:30.000Z'));
      assertInvalidToken(await harness.probe('cerner', 'read', 'Appointment/1', token));
    } finally {
      harness.setNow(Date.parse('2030-03-04T09:00:00.000Z'));
    }
  });

  test('refuses a token issued by another personality', async () => {
    const token = await epicToken();
    assert.equal((await harness.probe('epic', 'read', 'Patient/1', token)).status, 200);
    assertInvalidToken(await harness.probe('cerner', 'read', 'Patient/1', token));
  });
});

describe('403 insufficient_scope in each vendor shape', () => {
  test('lets through the interactions a v1 read scope covers and refuses a write on the Epic-like server', async () => {
    const token = await epicToken();
    assert.equal((await harness.probe('epic', 'read', 'Patient/1', token)).status, 200);
    assert.equal((await harness.probe('epic', 'vread', 'Patient/1/_history/1', token)).status, 200);
    assert.equal((await harness.probe('epic', 'search', 'Patient', token)).status, 200);
    const refused = await harness.probe('epic', 'create', 'Appointment', token, 'POST');
    assert.equal(refused.status, 403);
    assert.equal(
      refused.headers.get('www-authenticate'),
      'Bearer error="insufficient_scope", scope="system/Appointment.write"',
    );
    const body = JSON.parse(refused.text);
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.issue[0].code, 'forbidden');
  });

  test('sends the Epic-like 403 with an empty body when configured to', async () => {
    const emptyBodies = await startHarness({ epicForbiddenBody: 'empty' });
    try {
      emptyBodies.auth.clients.register({
        clientId: 'epic-reader',
        personality: 'epic',
        auth: { jwks: { keys: [key.publicJwk] } },
        allowedScopes: ['system/Patient.read'],
        scopeStyle: 'v1',
      });
      const grant = await emptyBodies.requestWithAssertion(emptyBodies.epicTokenUrl, {
        key,
        clientId: 'epic-reader',
      });
      const refused = await emptyBodies.probe(
        'epic',
        'delete',
        'Patient/1',
        grant.body.access_token as string,
      );
      assert.equal(refused.status, 403);
      assert.match(refused.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      assert.equal(refused.text, '');
    } finally {
      await emptyBodies.close();
    }
  });

  test('answers the Cerner-like 403 as an OperationOutcome forbidden naming insufficient_scope', async () => {
    const token = await secretToken(harness.cernerTokenUrl, 'cerner-scheduler');
    for (const interaction of ['create', 'read', 'update', 'patch', 'search'] as const) {
      assert.equal(
        (await harness.probe('cerner', interaction, 'Appointment', token)).status,
        200,
        interaction,
      );
    }
    const refused = await harness.probe('cerner', 'delete', 'Appointment/1', token);
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('www-authenticate'), null);
    const body = JSON.parse(refused.text);
    assert.equal(body.resourceType, 'OperationOutcome');
    assert.equal(body.issue[0].code, 'forbidden');
    assert.match(body.issue[0].diagnostics, /insufficient_scope/);
    assert.equal((await harness.probe('cerner', 'read', 'Coverage/1', token)).status, 403);
  });

  test('answers the plain R4 403 with both the challenge and an OperationOutcome', async () => {
    const token = await secretToken(harness.r4TokenUrl, 'r4-reader');
    assert.equal((await harness.probe('r4', 'read', 'Slot/1', token)).status, 200);
    const refused = await harness.probe('r4', 'update', 'Appointment/1', token);
    assert.equal(refused.status, 403);
    assert.equal(
      refused.headers.get('www-authenticate'),
      'Bearer error="insufficient_scope", scope="system/Appointment.u system/Appointment.write"',
    );
    assert.equal(JSON.parse(refused.text).issue[0].code, 'forbidden');
  });

  test('treats $find as a search and $book as a create', async () => {
    const token = await epicToken();
    assert.equal((await harness.probe('epic', 'operation', 'Appointment/$find', token, 'POST')).status, 200);
    assert.equal((await harness.probe('epic', 'operation', 'Appointment/$book', token, 'POST')).status, 403);
  });

  test('serves the CapabilityStatement without a token', async () => {
    assert.equal((await harness.probe('cerner', 'capabilities', 'metadata')).status, 200);
  });
});

describe('faults', () => {
  test('revokes the tokens of one client, then all tokens, through the control route', async () => {
    const scheduler = await secretToken(harness.cernerTokenUrl, 'cerner-scheduler');
    const other = await secretToken(harness.cernerTokenUrl, 'cerner-other');
    const revokeOne = await fetch(`${harness.baseUrl}/_sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'cerner-scheduler' }),
    });
    assert.equal(revokeOne.status, 200);
    assert.ok(((await revokeOne.json()) as { revoked: number }).revoked >= 1);
    assertInvalidToken(await harness.probe('cerner', 'read', 'Appointment/1', scheduler));
    assert.equal((await harness.probe('cerner', 'read', 'Appointment/1', other)).status, 200);

    const revokeAll = await fetch(`${harness.baseUrl}/_sandbox/tokens/revoke`, { method: 'POST' });
    assert.equal(revokeAll.status, 200);
    assertInvalidToken(await harness.probe('cerner', 'read', 'Appointment/1', other));
  });

  test('expires tokens and refuses fresh assertions when the clock offset moves the server ahead', async () => {
    const setOffset = (offsetMs: number) =>
      fetch(`${harness.baseUrl}/_sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offsetMs }),
      });
    const token = await epicToken();
    const clientNow = harness.nowSeconds();
    try {
      const moved = await setOffset(3_600_000);
      assert.equal(moved.status, 200);
      assert.deepEqual(await moved.json(), { offsetMs: 3_600_000, now: '2030-03-04T10:00:00.000Z' });
      assertInvalidToken(await harness.probe('epic', 'read', 'Patient/1', token));
      // The client's clock still reads T0: its assertion is already an hour old to the server.
      const stale = await harness.requestWithAssertion(harness.epicTokenUrl, {
        key,
        clientId: 'epic-reader',
        iat: clientNow,
        exp: clientNow + 240,
      });
      assert.equal(stale.body.error, 'invalid_client');
    } finally {
      assert.equal((await setOffset(0)).status, 200);
    }
    assert.equal(harness.auth.clock.offsetMs, 0);
  });
});
