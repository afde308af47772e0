import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listen, sendJson, type TestHttpServer } from '../../test/auth/support/http-server.ts';
import { readVendorFixture } from '../../test/support/fixtures.ts';
import {
  checkServerSupport,
  createSmartDiscovery,
  discoverSmartConfiguration,
  smartConfigurationUrl,
} from './discovery.ts';
import { isAuthError } from './errors.ts';

// Each path of this server answers the way some real server does; fixtures are served verbatim.
const routes: Record<string, (res: Parameters<typeof sendJson>[0]) => void> = {
  // fixture: epic/epic-fhir-r4-smart-configuration.json
  '/epic/api/FHIR/R4/.well-known/smart-configuration': (res) =>
    sendJson(res, 200, readVendorFixture('epic/epic-fhir-r4-smart-configuration.json')),
  // fixture: cerner/cerner-smart-configuration.json
  '/cerner/r4/ec2458f2/.well-known/smart-configuration': (res) =>
    sendJson(res, 200, readVendorFixture('cerner/cerner-smart-configuration.json')),
  // fixture: cerner/R4_WELL_KNOWN.json
  '/cerner-docs/r4/.well-known/smart-configuration': (res) =>
    sendJson(res, 200, readVendorFixture('cerner/R4_WELL_KNOWN.json')),
  '/portal/.well-known/smart-configuration': (res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!DOCTYPE html><html><head><title>MyChart - Login</title></head><body>sign in</body></html>');
  },
  '/garbled/.well-known/smart-configuration': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"token_endpoint": "https://ehr.example.org/token",');
  },
  '/no-token/.well-known/smart-configuration': (res) =>
    sendJson(res, 200, { issuer: 'https://ehr.example.org', scopes_supported: ['system/Patient.read'] }),
  '/bad-url/.well-known/smart-configuration': (res) => sendJson(res, 200, { token_endpoint: 'not a url' }),
  '/slow/.well-known/smart-configuration': () => {
    // never answers: the client's timeout must fire
  },
};

let server: TestHttpServer;
let requests = 0;

before(async () => {
  server = await listen((req, res) => {
    requests += 1;
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route === undefined) sendJson(res, 404, { resourceType: 'OperationOutcome' });
    else route(res);
  });
});
after(() => server.close());

describe('discoverSmartConfiguration', () => {
  test("reads Epic's smart-configuration, whose document lists no signing algorithms", async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/epic/api/FHIR/R4` });
    assert.equal(config.tokenEndpoint, 'https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token');
    assert.deepEqual(config.tokenEndpointAuthMethods, [
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ]);
    assert.deepEqual(config.tokenEndpointAuthSigningAlgs, []);
    assert.ok(config.capabilities.includes('permission-v2'));
    assert.ok(config.grantTypesSupported.includes('client_credentials'));
    assert.equal(config.url, `${server.origin}/epic/api/FHIR/R4/.well-known/smart-configuration`);
  });

  test("reads Cerner's tenant-specific token URL and its v1 and v2 scopes", async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/cerner/r4/ec2458f2/` });
    assert.equal(
      config.tokenEndpoint,
      'https://authorization.cerner.com/tenants/ec2458f2-1e24-41c8-b71b-0e701af7583d/hosts/fhir-ehr-code.cerner.com/protocols/oauth2/profiles/smart-v1/token',
    );
    assert.deepEqual(config.tokenEndpointAuthSigningAlgs, ['RS384', 'ES384']);
    assert.ok(config.scopesSupported.includes('system/Appointment.crus'));
    assert.ok(config.scopesSupported.includes('system/Appointment.write'));
  });

  test("reads the smart-configuration from Cerner's documentation examples", async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/cerner-docs/r4` });
    assert.match(config.tokenEndpoint, /^https:\/\/authorization\.cerner\.com\/tenants\/.+\/token$/);
    assert.deepEqual(config.tokenEndpointAuthMethods, ['client_secret_basic', 'private_key_jwt']);
    assert.ok(config.capabilities.includes('permission-v1'));
    assert.ok(!config.capabilities.includes('permission-v2'));
  });

  const failures: [string, string, RegExp][] = [
    ['an HTML login page', '/portal', /HTML page \("MyChart - Login"\)/],
    ['a body that is not JSON', '/garbled', /not JSON/],
    ['a document without token_endpoint', '/no-token', /token_endpoint is missing/],
    ['a token_endpoint that is not a URL', '/bad-url', /token_endpoint must be an absolute http\(s\) URL/],
    ['a 404', '/nothing-here', /HTTP 404/],
  ];
  for (const [what, path, message] of failures) {
    test(`reports ${what} as ERR_AUTH_DISCOVERY naming the URL`, async () => {
      const baseUrl = `${server.origin}${path}`;
      await assert.rejects(discoverSmartConfiguration({ baseUrl }), (error) => {
        assert.ok(isAuthError(error, 'ERR_AUTH_DISCOVERY'), String(error));
        assert.ok(error.message.includes(smartConfigurationUrl(baseUrl)), error.message);
        assert.match(error.message, message);
        assert.ok(error.fix.length > 0);
        return true;
      });
    });
  }

  test('gives up after the timeout when the server never answers', async () => {
    await assert.rejects(
      discoverSmartConfiguration({ baseUrl: `${server.origin}/slow`, timeoutMs: 50 }),
      (error) => isAuthError(error, 'ERR_AUTH_DISCOVERY') && /within 50 ms/.test(error.message),
    );
  });

  test('reports an unreachable server as ERR_AUTH_DISCOVERY', async () => {
    const closed = await listen(() => {});
    const origin = closed.origin;
    await closed.close();
    await assert.rejects(
      discoverSmartConfiguration({ baseUrl: `${origin}/fhir` }),
      (error) => isAuthError(error, 'ERR_AUTH_DISCOVERY') && /could not be reached/.test(error.message),
    );
  });

  test('uses the injected fetch', async () => {
    const seen: string[] = [];
    const config = await discoverSmartConfiguration({
      baseUrl: 'https://ehr.example.org/fhir',
      fetch: async (input) => {
        seen.push(String(input));
        return Response.json({ token_endpoint: 'https://ehr.example.org/oauth/token' });
      },
    });
    assert.deepEqual(seen, ['https://ehr.example.org/fhir/.well-known/smart-configuration']);
    assert.equal(config.tokenEndpoint, 'https://ehr.example.org/oauth/token');
  });
});

describe('createSmartDiscovery', () => {
  test('shares one request between concurrent callers and caches the result', async () => {
    const discovery = createSmartDiscovery({ baseUrl: `${server.origin}/cerner-docs/r4` });
    const before = requests;
    const results = await Promise.all(Array.from({ length: 20 }, () => discovery.get()));
    await discovery.get();
    assert.equal(requests - before, 1);
    assert.ok(results.every((config) => config === results[0]));
    discovery.invalidate();
    await discovery.get();
    assert.equal(requests - before, 2);
  });

  test('does not cache a failure', async () => {
    let calls = 0;
    const discovery = createSmartDiscovery({
      baseUrl: 'https://ehr.example.org/fhir',
      fetch: async () => {
        calls += 1;
        return calls === 1
          ? new Response('down', { status: 503 })
          : Response.json({ token_endpoint: 'https://ehr.example.org/token' });
      },
    });
    await assert.rejects(discovery.get(), (error) => isAuthError(error, 'ERR_AUTH_DISCOVERY'));
    assert.equal((await discovery.get()).tokenEndpoint, 'https://ehr.example.org/token');
  });
});

describe('checkServerSupport', () => {
  test('accepts private_key_jwt with ES384 at Cerner', async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/cerner-docs/r4` });
    assert.deepEqual(checkServerSupport(config, { method: 'private_key_jwt', alg: 'ES384' }), []);
  });

  test('names a signing algorithm the server does not accept', async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/cerner-docs/r4` });
    const problems = checkServerSupport(config, { method: 'private_key_jwt', alg: 'RS256' });
    assert.deepEqual(
      problems.map((p) => p.field),
      ['token_endpoint_auth_signing_alg_values_supported'],
    );
  });

  test('does not hold a list Epic omits against us', async () => {
    const config = await discoverSmartConfiguration({ baseUrl: `${server.origin}/epic/api/FHIR/R4` });
    assert.deepEqual(checkServerSupport(config, { method: 'private_key_jwt', alg: 'ES384' }), []);
  });
});
