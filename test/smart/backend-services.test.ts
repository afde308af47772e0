// Issue 3, "Done when": SMART Backend Services end to end, over real HTTP against the sandbox
// EHR's authorization server, with an injected clock shared by both sides.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import Fastify from 'fastify';
import { createTenantAuth, publicJwks, rotateKeys } from '../../src/auth/index.ts';
import { createFhirClient } from '../../src/fhir/index.ts';
import { registerJwksRoute } from '../../src/server/jwks-route.ts';
import {
  connectJwtClient,
  fhirClientFor,
  responsesWithStatus,
  type SmartHarness,
  startSmartHarness,
  tokenRequests,
} from './support.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const SANDBOX_R4_LIFETIME_MS = 3_600_000;

let harness: SmartHarness;
beforeEach(async () => {
  harness = await startSmartHarness();
});
afterEach(async () => {
  await harness.close();
});

async function anyPatientId(): Promise<string> {
  return harness.sandbox.seed.patients[0].id;
}

describe('obtaining tokens from the sandbox authorization server', () => {
  for (const alg of ['RS384', 'ES384'] as const) {
    it(`obtains a token with a ${alg}-signed client assertion and uses it for a FHIR read`, async () => {
      const { fhir, tokenManager } = await connectJwtClient(harness, {
        clientId: `client-${alg}`,
        alg,
        allowedScopes: ['system/Patient.rs'],
      });
      const patient = await fhir.read('Patient', await anyPatientId());
      assert.equal(patient.resourceType, 'Patient');
      assert.equal(tokenRequests(harness), 1);
      assert.deepEqual(tokenManager.state().grantedScopes, ['system/Patient.rs']);
      await fhir.close();
    });
  }

  it('obtains a token with client_secret_basic where the server offers it', async () => {
    const secret = 'sandbox-secret-for-this-test-only';
    harness.sandbox.auth!.clients.register({
      clientId: 'secret-client',
      personality: 'r4',
      auth: { secret },
      allowedScopes: ['system/Patient.rs'],
      scopeStyle: 'v2',
    });
    const { tokenManager } = createTenantAuth({
      baseUrl: harness.sandbox.r4BaseUrl,
      auth: { method: 'client_secret_basic', clientId: 'secret-client', clientSecret: secret },
      scopes: ['system/Patient.rs'],
      now: harness.clock.now,
    });
    const fhir = fhirClientFor(harness, tokenManager);
    const bundle = await fhir.search('Patient', { _count: '1' });
    assert.equal(bundle.entry?.length, 1);
    assert.equal(tokenRequests(harness), 1);
    await fhir.close();
  });
});

describe('token lifetime', () => {
  it('keeps calls succeeding across several token lifetimes with one token request per renewal', async () => {
    const { fhir } = await connectJwtClient(harness, {
      clientId: 'long-runner',
      allowedScopes: ['system/Patient.rs'],
    });
    const patientId = await anyPatientId();
    const stepMs = 10 * MINUTE_MS;
    const totalMs = 5 * HOUR_MS;
    for (let elapsed = 0; elapsed < totalMs; elapsed += stepMs) {
      const patient = await fhir.read('Patient', patientId);
      assert.equal(patient.id, patientId);
      harness.clock.advance(stepMs);
    }
    // Renewal starts at 80% of the 3600 s lifetime (2880 s): with 600 s steps the first call at
    // or past it is at 3000 s, so calls from t=0 to 17400 s renew at 3000, 6000, ..., 15000 s:
    // 6 requests, one per lifetime of the 5 hours the tenant worked.
    assert.equal(tokenRequests(harness), 6);
    assert.ok(tokenRequests(harness) >= Math.floor(totalMs / SANDBOX_R4_LIFETIME_MS));
    assert.equal(responsesWithStatus(harness, 401), 0, 'no call ever met an expired token');
    await fhir.close();
  });

  it('makes exactly one token request when 1,000 FHIR calls arrive at the moment of expiry', async () => {
    const { fhir } = await connectJwtClient(harness, {
      clientId: 'burst',
      allowedScopes: ['system/Patient.rs'],
    });
    const patientId = await anyPatientId();
    await fhir.read('Patient', patientId);
    assert.equal(tokenRequests(harness), 1);

    harness.clock.advance(SANDBOX_R4_LIFETIME_MS);
    const results = await Promise.all(Array.from({ length: 1_000 }, () => fhir.read('Patient', patientId)));
    assert.equal(results.length, 1_000);
    assert.ok(results.every((patient) => patient.id === patientId));
    assert.equal(tokenRequests(harness), 2, 'one request for the first token, exactly one at expiry');
    await fhir.close();
  });

  it('renews once and succeeds when the EHR revokes the token mid-call', async () => {
    const { fhir } = await connectJwtClient(harness, {
      clientId: 'revoked',
      allowedScopes: ['system/Patient.rs'],
    });
    const patientId = await anyPatientId();
    await fhir.read('Patient', patientId);

    const revoked = await fetch(`${harness.sandbox.url}/_sandbox/tokens/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'revoked' }),
    });
    assert.equal(revoked.ok, true);

    const patient = await fhir.read('Patient', patientId);
    assert.equal(patient.id, patientId);
    assert.equal(tokenRequests(harness), 2, 'exactly one renewal');
    assert.equal(responsesWithStatus(harness, 401), 1, 'the revoked token was refused once');
    await fhir.close();
  });
});

describe('key rotation', () => {
  let jwksServer: ReturnType<typeof Fastify>;
  let jwksUrl: string;
  let keysDir: string;

  before(() => {});
  after(() => {});

  it('keeps every call succeeding across the switch to the new key and retires the old one', async () => {
    keysDir = join(harness.keysDir, 'rotating');
    // The gateway's own JWK Set route, as the EHR would fetch it.
    jwksServer = Fastify();
    registerJwksRoute(jwksServer, [keysDir], harness.clock.now);
    jwksUrl = `${await jwksServer.listen({ port: 0, host: '127.0.0.1' })}/.well-known/jwks.json`;
    try {
      const { fhir } = await connectJwtClient(harness, {
        clientId: 'rotating',
        allowedScopes: ['system/Patient.rs'],
        jwksUrl,
        keysDir,
      });
      const patientId = await anyPatientId();
      const [oldKid] = (await publicJwks([keysDir], harness.clock.now())).keys.map((k) => k.kid);

      let calls = 0;
      const callFor = async (durationMs: number) => {
        for (let t = 0; t < durationMs; t += 20 * MINUTE_MS) {
          assert.equal((await fhir.read('Patient', patientId)).id, patientId);
          calls++;
          harness.clock.advance(20 * MINUTE_MS);
        }
      };

      await callFor(HOUR_MS);
      const { next, retiring } = await rotateKeys({
        dir: keysDir,
        overlapMs: 6 * HOUR_MS,
        now: harness.clock.now(),
      });
      assert.deepEqual(
        retiring.map((r) => r.kid),
        [oldKid],
      );
      const during = (await publicJwks([keysDir], harness.clock.now())).keys.map((k) => k.kid).sort();
      assert.deepEqual(during, [oldKid, next.metadata.kid].sort(), 'both keys published during the overlap');

      await callFor(12 * HOUR_MS);
      const afterwards = (await publicJwks([keysDir], harness.clock.now())).keys.map((k) => k.kid);
      assert.deepEqual(afterwards, [next.metadata.kid], 'the old key left the JWK Set after its last use');

      assert.ok(calls >= 39);
      assert.equal(responsesWithStatus(harness, 401), 0);
      assert.ok(tokenRequests(harness) >= 13, 'tokens were renewed, signed by both keys, across the switch');
      await fhir.close();
    } finally {
      await jwksServer.close();
    }
  });
});

describe('missing scopes are visible, never silent', () => {
  it('names the missing SMART v2 create scope and the EHR refuses the write with insufficient_scope', async () => {
    const { fhir, tokenManager } = await connectJwtClient(harness, {
      clientId: 'read-only-v2',
      allowedScopes: ['system/Appointment.rs', 'system/Slot.rs', 'system/Schedule.rs', 'system/Patient.r'],
      requestScopes: ['system/Appointment.cruds', 'system/Slot.rs', 'system/Schedule.rs', 'system/Patient.r'],
    });
    await tokenManager.getAccessToken({ forceRefresh: false });
    const { workflowReadiness } = await import('../../src/auth/index.ts');
    const [scheduling] = workflowReadiness(tokenManager.state().grantedScopes ?? [], ['scheduling']);
    assert.equal(scheduling.ready, false);
    assert.ok(
      scheduling.missing.some((scope) => /^system\/Appointment\.c/.test(scope)),
      scheduling.missing.join(' '),
    );

    const attempt = fhir.create({
      resourceType: 'Appointment',
      status: 'booked',
      participant: [{ actor: { reference: `Patient/${await anyPatientId()}` }, status: 'accepted' }],
      start: '2030-03-05T15:00:00Z',
      end: '2030-03-05T15:20:00Z',
    });
    await assert.rejects(attempt, (error: { code?: string; insufficientScope?: boolean }) => {
      assert.equal(error.code, 'ERR_FHIR_FORBIDDEN');
      assert.equal(error.insufficientScope, true);
      return true;
    });
    await fhir.close();
  });

  it('names the missing SMART v1 write scope when the tenant speaks v1', async () => {
    const { tokenManager, fhir } = await connectJwtClient(harness, {
      clientId: 'read-only-v1',
      allowedScopes: [
        'system/Appointment.read',
        'system/Slot.read',
        'system/Schedule.read',
        'system/Patient.read',
      ],
      scopeStyle: 'v1',
    });
    await tokenManager.getAccessToken({ forceRefresh: false });
    const { workflowReadiness } = await import('../../src/auth/index.ts');
    const [scheduling] = workflowReadiness(tokenManager.state().grantedScopes ?? [], ['scheduling']);
    assert.equal(scheduling.ready, false);
    assert.ok(scheduling.missing.includes('system/Appointment.write'), scheduling.missing.join(' '));
    await fhir.close();
  });

  it('reports an unknown client as a typed error with a fix, not a crash', async () => {
    const { tokenManager } = createTenantAuth({
      baseUrl: harness.sandbox.r4BaseUrl,
      auth: { method: 'client_secret_basic', clientId: 'never-registered', clientSecret: 'x' },
      scopes: ['system/Patient.rs'],
      now: harness.clock.now,
    });
    const fhir = createFhirClient({
      baseUrl: harness.sandbox.r4BaseUrl,
      getAccessToken: (o) => tokenManager.getAccessToken(o),
    });
    await assert.rejects(
      fhir.read('Patient', await anyPatientId()),
      (error: { code?: string; fix?: string }) => {
        assert.equal(error.code, 'ERR_AUTH_CLIENT_REJECTED');
        assert.ok(error.fix && error.fix.length > 10);
        return true;
      },
    );
    assert.equal(tokenManager.state().status, 'failing');
    await fhir.close();
  });
});
