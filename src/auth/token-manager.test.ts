import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { settled, startTestTenant, type TestTenant, until } from '../../test/auth/support/tenant.ts';
import { deferred } from '../../test/auth/support/token-server.ts';
import { isEhrgateError } from '../errors.ts';
import { type AccessTokenProvider, createTokenManager } from './token-manager.ts';

const LIFETIME_S = 570; // Cerner's token lifetime (DESIGN.md section 5)
const LIFETIME_MS = LIFETIME_S * 1000;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(() => process.on('unhandledRejection', onUnhandled));
after(() => {
  process.off('unhandledRejection', onUnhandled);
  assert.deepEqual(unhandled, [], 'background renewal leaked an unhandled rejection');
});

async function withTenant(
  options: Parameters<typeof startTestTenant>[0],
  body: (tenant: TestTenant) => Promise<void>,
): Promise<void> {
  const tenant = await startTestTenant(options);
  try {
    await body(tenant);
  } finally {
    await tenant.close();
  }
}

const get = (tenant: TestTenant, forceRefresh = false, rejectedToken?: string) =>
  tenant.tokenManager.getAccessToken(
    rejectedToken === undefined ? { forceRefresh } : { forceRefresh, rejectedToken },
  );

describe('token manager', () => {
  test('has the signature of the FHIR client token provider', async () => {
    await withTenant({}, async (tenant) => {
      const provider: AccessTokenProvider = tenant.tokenManager.getAccessToken;
      assert.equal(await provider({ forceRefresh: false }), tenant.server.issuedTokens[0]);
    });
  });

  test('keeps answering across ten token lifetimes with one token request per renewal', async () => {
    await withTenant({}, async (tenant) => {
      const issuedAt = new Map<string, number>();
      const stepMs = 30_000;
      for (let elapsed = 0; elapsed <= 10 * LIFETIME_MS; elapsed += stepMs) {
        const token = await get(tenant);
        if (!issuedAt.has(token)) issuedAt.set(token, tenant.clock.now());
        // a token handed out is never past its lifetime
        assert.ok(tenant.clock.now() - (issuedAt.get(token) as number) < LIFETIME_MS);
        await settled(tenant);
        for (const t of tenant.server.issuedTokens) if (!issuedAt.has(t)) issuedAt.set(t, tenant.clock.now());
        tenant.clock.advance(stepMs);
      }
      // renewal at 80% of 570 s = 456 s, first seen on the 480 s step: 1 + floor(5700 / 480) requests
      assert.equal(tenant.server.tokenRequests, 12);
      assert.equal(tenant.tokenManager.state().tokenRequests, 12);
      assert.equal(tenant.server.discoveryRequests, 1);
      assert.equal(tenant.tokenManager.state().status, 'ok');
    });
  });

  test('renews at the earlier of 80% of the lifetime and 60 s before expiry', async () => {
    await withTenant({ server: { expiresInS: 3600 } }, async (tenant) => {
      const t0 = tenant.clock.now();
      await get(tenant);
      assert.equal(tenant.tokenManager.state().renewAt, new Date(t0 + 2880_000).toISOString());
    });
    await withTenant({ server: { expiresInS: 200 } }, async (tenant) => {
      const t0 = tenant.clock.now();
      await get(tenant);
      assert.equal(tenant.tokenManager.state().renewAt, new Date(t0 + 140_000).toISOString());
      tenant.clock.advance(139_999);
      await get(tenant);
      assert.equal(tenant.server.tokenRequests, 1);
      tenant.clock.advance(1);
      await get(tenant);
      await settled(tenant);
      assert.equal(tenant.server.tokenRequests, 2);
    });
  });

  test('after an idle spell past expiry, the next caller waits for one fresh token', async () => {
    await withTenant({}, async (tenant) => {
      const first = await get(tenant);
      tenant.clock.advance(3 * LIFETIME_MS);
      const second = await get(tenant);
      assert.notEqual(second, first);
      assert.equal(second, tenant.server.issuedTokens.at(-1));
      assert.equal(tenant.server.tokenRequests, 2);
    });
  });

  test('1,000 concurrent callers at expiry cause exactly one token request', async () => {
    await withTenant({}, async (tenant) => {
      await get(tenant);
      tenant.clock.advance(LIFETIME_MS);
      const gate = deferred();
      tenant.server.gate = gate.promise;
      const started = performance.now();
      const calls = Array.from({ length: 1000 }, () => get(tenant));
      await until(() => tenant.server.tokenRequests === 2);
      assert.equal(tenant.tokenManager.state().status, 'renewing');
      gate.resolve();
      const tokens = await Promise.all(calls);
      const elapsedMs = performance.now() - started;
      assert.equal(tenant.server.tokenRequests, 2);
      assert.equal(new Set(tokens).size, 1);
      assert.equal(tokens[0], tenant.server.issuedTokens[1]);
      assert.ok(elapsedMs < 2_000, `1,000 callers took ${elapsedMs} ms`);
    });
  });

  test('1,000 concurrent first calls at start-up cause one discovery and one token request', async () => {
    await withTenant({}, async (tenant) => {
      const tokens = await Promise.all(Array.from({ length: 1000 }, () => get(tenant)));
      assert.equal(new Set(tokens).size, 1);
      assert.equal(tenant.server.tokenRequests, 1);
      assert.equal(tenant.server.discoveryRequests, 1);
    });
  });

  test('a storm of forced refreshes after 401s causes one token request', async () => {
    await withTenant({}, async (tenant) => {
      const rejected = await get(tenant);
      tenant.clock.advance(60_000);
      const gate = deferred();
      tenant.server.gate = gate.promise;
      const storm = [
        ...Array.from({ length: 300 }, () => get(tenant, true, rejected)),
        ...Array.from({ length: 300 }, () => get(tenant, true)),
      ];
      await until(() => tenant.server.tokenRequests === 2);
      gate.resolve();
      tenant.server.gate = undefined;
      const fresh = await Promise.all(storm);
      assert.equal(new Set(fresh).size, 1);
      assert.notEqual(fresh[0], rejected);
      assert.equal(tenant.server.tokenRequests, 2);

      // late 401s for the old token, and forced refreshes right after renewal, reuse the new token
      const late = await Promise.all([
        ...Array.from({ length: 100 }, () => get(tenant, true, rejected)),
        ...Array.from({ length: 100 }, () => get(tenant, true)),
      ]);
      assert.ok(late.every((token) => token === fresh[0]));
      assert.equal(tenant.server.tokenRequests, 2);

      // the new token itself rejected: one more request
      const again = await get(tenant, true, fresh[0]);
      assert.notEqual(again, fresh[0]);
      assert.equal(tenant.server.tokenRequests, 3);
    });
  });

  test('a forced refresh without the rejected token renews once the last token is a few seconds old', async () => {
    await withTenant({}, async (tenant) => {
      const first = await get(tenant);
      tenant.clock.advance(10_000);
      const second = await get(tenant, true);
      assert.notEqual(second, first);
      assert.equal(tenant.server.tokenRequests, 2);
    });
  });

  test('computes expiry from our clock when the request was sent, not from the server Date', async () => {
    await withTenant({}, async (tenant) => {
      const sentAt = tenant.clock.now();
      const gate = deferred();
      tenant.server.gate = gate.promise;
      const pending = get(tenant);
      await until(() => tenant.server.tokenRequests === 1);
      tenant.clock.advance(3_000); // the response takes 3 s on our clock
      gate.resolve();
      await pending;
      const state = tenant.tokenManager.state();
      assert.equal(state.expiresAt, new Date(sentAt + LIFETIME_MS).toISOString());
      // the test server's Date header is real time, months away from the frozen clock
      assert.equal(typeof state.serverClockSkewMs, 'number');
      assert.ok(Math.abs(state.serverClockSkewMs as number) > 60_000);
    });
  });

  test('a failing background renewal backs off exponentially, reports failing, then recovers', async () => {
    await withTenant({ tokenManager: { backoffInitialMs: 1_000, backoffMaxMs: 4_000 } }, async (tenant) => {
      const token = await get(tenant);
      tenant.clock.advance(460_000); // inside the renewal window, token still valid
      for (let i = 0; i < 4; i += 1)
        tenant.server.script.push({ status: 503, body: { error: 'temporarily_unavailable' } });

      const delays: number[] = [];
      for (let failure = 1; failure <= 4; failure += 1) {
        const at = tenant.clock.now();
        assert.equal(await get(tenant), token, 'a valid token is served while renewal fails');
        await until(() => tenant.events.filter((e) => e.type === 'token-failed').length === failure);
        const state = tenant.tokenManager.state();
        assert.equal(state.status, 'failing');
        assert.equal(state.failures, failure);
        assert.equal(state.lastError?.code, 'ERR_AUTH_TOKEN_ENDPOINT');
        assert.match(state.lastError?.fix ?? '', /backoff/);
        const delay = Date.parse(state.nextAttemptAt as string) - at;
        delays.push(delay);
        // no request before the backoff has passed
        tenant.clock.advance(delay - 1);
        await get(tenant);
        assert.equal(tenant.server.tokenRequests, 1 + failure);
        tenant.clock.advance(1);
      }
      assert.deepEqual(delays, [1_000, 2_000, 4_000, 4_000]);

      const renewed = await get(tenant);
      assert.equal(renewed, token, 'the renewal started by this call runs in the background');
      await until(() => tenant.events.at(-1)?.type === 'token-obtained');
      const state = tenant.tokenManager.state();
      assert.equal(state.status, 'ok');
      assert.equal(state.failures, 4);
      assert.equal(state.consecutiveFailures, 0);
      assert.equal(state.lastError, undefined);
      assert.equal(await get(tenant), tenant.server.issuedTokens.at(-1));
    });
  });

  test('without a valid token, callers wait for a near retry and fail fast with the typed error while backing off', async () => {
    await withTenant({}, async (tenant) => {
      for (let i = 0; i < 3; i += 1) {
        tenant.server.script.push({
          status: 400,
          body: { error: 'invalid_client', error_description: 'unknown' },
        });
      }
      const rejects = (code: string) => (error: unknown) => isEhrgateError(error) && error.code === code;
      await assert.rejects(get(tenant), rejects('ERR_AUTH_CLIENT_REJECTED'));
      assert.equal(tenant.server.tokenRequests, 1);
      // 1 s backoff: within the 2 s a caller may wait, so this call waits (injected sleep) and retries
      await assert.rejects(get(tenant), rejects('ERR_AUTH_CLIENT_REJECTED'));
      assert.equal(tenant.server.tokenRequests, 2);
      await assert.rejects(get(tenant), rejects('ERR_AUTH_CLIENT_REJECTED'));
      assert.equal(tenant.server.tokenRequests, 3);
      assert.deepEqual(tenant.clock.sleeps, [1_000, 2_000]);
      // 4 s backoff: fail at once, no request, no sleep
      const concurrent = await Promise.allSettled(Array.from({ length: 50 }, () => get(tenant)));
      assert.ok(
        concurrent.every((r) => r.status === 'rejected' && rejects('ERR_AUTH_CLIENT_REJECTED')(r.reason)),
      );
      assert.equal(tenant.server.tokenRequests, 3);
      assert.equal(tenant.clock.sleeps.length, 2);
      const state = tenant.tokenManager.state();
      assert.equal(state.status, 'failing');
      assert.match(state.lastError?.fix ?? '', /JWK Set URL/);

      tenant.clock.advance(4_000);
      assert.equal(await get(tenant), tenant.server.issuedTokens[0]);
      assert.equal(tenant.tokenManager.state().status, 'ok');
    });
  });

  test("honours the token endpoint's Retry-After, up to the backoff cap", async () => {
    await withTenant({}, async (tenant) => {
      tenant.server.script.push({ status: 429, body: {}, headers: { 'retry-after': '30' } });
      const at = tenant.clock.now();
      await assert.rejects(get(tenant));
      assert.equal(tenant.tokenManager.state().nextAttemptAt, new Date(at + 30_000).toISOString());
    });
  });

  test('never puts a token or key material in state or events', async () => {
    await withTenant({}, async (tenant) => {
      await get(tenant);
      tenant.server.script.push({ status: 401, body: { error: 'invalid_client' } });
      tenant.clock.advance(LIFETIME_MS);
      await assert.rejects(get(tenant));
      const [file] = await readdir(tenant.keysDir);
      const { jwk } = JSON.parse(await readFile(join(tenant.keysDir, file), 'utf8'));
      const text = JSON.stringify([tenant.tokenManager.state(), tenant.events]);
      for (const secret of [...tenant.server.issuedTokens, jwk.d]) assert.ok(!text.includes(secret));
      assert.ok(tenant.server.assertions.every((a) => !text.includes(a.raw)));
    });
  });
});

describe('createTokenManager options', () => {
  test('refuses settings out of range', () => {
    const obtainToken = async () => ({
      accessToken: 'x',
      tokenType: 'bearer',
      expiresInS: 1,
      grantedScopes: [],
      scopeReturned: false,
    });
    for (const bad of [
      { renewAtFraction: 1 },
      { backoffInitialMs: -1 },
      { backoffMaxMs: 10, backoffInitialMs: 100 },
    ]) {
      assert.throws(
        () => createTokenManager({ obtainToken, ...bad }),
        (error) => isEhrgateError(error, 'ERR_CONFIG_INVALID'),
      );
    }
  });
});
