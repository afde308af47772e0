import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CLIENT_ID, SCOPES, startTestTenant, type TestTenant } from '../../test/auth/support/tenant.ts';
import { readVendorFixture } from '../../test/support/fixtures.ts';
import { isEhrgateError } from '../errors.ts';
import { createTenantAuth, type TenantAuthOptions } from './create-tenant-auth.ts';
import { isAuthError } from './errors.ts';
import { rotateKeys } from './rotate-keys.ts';

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

describe('createTenantAuth', () => {
  for (const alg of ['RS384', 'ES384'] as const) {
    test(`obtains a token with ${alg} from the token URL it discovered`, async () => {
      await withTenant({ alg }, async (tenant) => {
        const token = await tenant.tokenManager.getAccessToken({ forceRefresh: false });
        assert.equal(token, tenant.server.issuedTokens[0]);
        const config = await tenant.discovery.get();
        assert.equal(config.tokenEndpoint, tenant.server.tokenUrl);
        const [assertion] = tenant.server.assertions;
        assert.equal(assertion.header.alg, alg);
        assert.equal(assertion.payload.aud, tenant.server.tokenUrl);
        assert.equal(assertion.payload.iss, CLIENT_ID);
        assert.equal(assertion.payload.exp, Math.floor(tenant.clock.now() / 1000) + 240);
        assert.deepEqual(tenant.tokenManager.state().grantedScopes, SCOPES);
      });
    });
  }

  test('obtains a token with client_secret_basic', async () => {
    await withTenant({ method: 'client_secret_basic' }, async (tenant) => {
      assert.equal(
        await tenant.tokenManager.getAccessToken({ forceRefresh: false }),
        tenant.server.issuedTokens[0],
      );
      assert.equal(tenant.server.assertions.length, 0);
    });
  });

  test('signs with the new key once a rotation activates, and the EHR still accepts it', async () => {
    await withTenant({}, async (tenant) => {
      await tenant.tokenManager.getAccessToken({ forceRefresh: false });
      const { next } = await rotateKeys({
        dir: tenant.keysDir,
        overlapMs: 60 * 60_000,
        now: tenant.clock.now(),
      });
      tenant.clock.advance(60 * 60_000);
      await tenant.tokenManager.getAccessToken({ forceRefresh: false });
      assert.equal(tenant.server.assertions.length, 2);
      assert.notEqual(tenant.server.assertions[0].header.kid, next.publicJwk.kid);
      assert.equal(tenant.server.assertions[1].header.kid, next.publicJwk.kid);
    });
  });

  test('refuses an auth method the discovered configuration does not offer', async () => {
    // fixture: epic/epic-fhir-r4-smart-configuration.json, with the sandbox's own token URL
    const epicWithoutBasic = (tokenUrl: string) => ({
      ...readVendorFixture<Record<string, unknown>>('epic/epic-fhir-r4-smart-configuration.json'),
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
    await withTenant(
      { method: 'client_secret_basic', server: { smartConfiguration: epicWithoutBasic } },
      async (tenant) => {
        await assert.rejects(tenant.tokenManager.getAccessToken({ forceRefresh: false }), (error) => {
          assert.ok(isAuthError(error, 'ERR_AUTH_DISCOVERY'));
          assert.match(error.message, /does not offer client_secret_basic/);
          return true;
        });
        assert.equal(tenant.server.tokenRequests, 0);
      },
    );
  });

  test('reads the SMART configuration again after the token endpoint failed', async () => {
    await withTenant({}, async (tenant) => {
      tenant.server.script.push({ status: 404, body: '<html><title>Not Found</title></html>' });
      await assert.rejects(tenant.tokenManager.getAccessToken({ forceRefresh: false }), (error) =>
        isAuthError(error, 'ERR_AUTH_TOKEN_ENDPOINT'),
      );
      tenant.clock.advance(1_000);
      await tenant.tokenManager.getAccessToken({ forceRefresh: false });
      assert.equal(tenant.server.discoveryRequests, 2);
    });
  });

  test('names the missing setting in its configuration error', () => {
    const base: TenantAuthOptions = {
      baseUrl: 'https://ehr.example.org/fhir',
      auth: { method: 'private_key_jwt', clientId: 'c', keysDir: '/tmp/keys' },
      scopes: SCOPES,
    };
    const cases: [Partial<TenantAuthOptions>, RegExp][] = [
      [{ auth: { method: 'private_key_jwt', clientId: 'c' } }, /auth\.keysDir/],
      [{ auth: { method: 'client_secret_basic', clientId: 'c' } }, /auth\.clientSecret/],
      [{ auth: { method: 'private_key_jwt', clientId: '', keysDir: '/k' } }, /auth\.clientId/],
      [{ baseUrl: 'ehr.example.org' }, /baseUrl/],
      [{ scopes: [] }, /scopes/],
    ];
    for (const [override, message] of cases) {
      assert.throws(
        () => createTenantAuth({ ...base, ...override }),
        (error) => isEhrgateError(error, 'ERR_CONFIG_INVALID') && message.test(error.message),
      );
    }
  });
});
