import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createTestClock } from '../../test/auth/support/clock.ts';
import { listen } from '../../test/auth/support/http-server.ts';
import {
  type ScriptedResponse,
  startTokenServer,
  type TokenServer,
} from '../../test/auth/support/token-server.ts';
import { type AssertionAlg, createClientAssertion } from './client-assertion.ts';
import { type AuthErrorCode, isAuthError } from './errors.ts';
import { publicJwks } from './jwks.ts';
import { generateKey, openKeyStore } from './key-store.ts';
import { type ClientCredentials, requestToken } from './request-token.ts';

const CLIENT_ID = 'ehrgate-riverside';
const SECRET = 'shh: a secret+with/odd chars';
const SCOPES = ['system/Slot.rs', 'system/Appointment.crus'];
const clock = createTestClock();
let root: string;
let server: TokenServer;
const dirs: Partial<Record<AssertionAlg | 'unregistered', string>> = {};

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ehrgate-token-'));
  for (const name of ['RS384', 'ES384', 'unregistered'] as const) {
    dirs[name] = join(root, name);
    await generateKey({ dir: dirs[name], alg: name === 'RS384' ? 'RS384' : 'ES384', now: clock.now() });
  }
  server = await startTokenServer({
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    now: clock.now,
    // the EHR has our RS384 and ES384 keys registered, not the third one
    jwks: () => publicJwks([dirs.RS384 as string, dirs.ES384 as string], clock.now()),
  });
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

async function jwtClient(dir: string): Promise<ClientCredentials & { clientAssertion: string }> {
  const key = await openKeyStore(dir).currentSigningKey(clock.now());
  const clientAssertion = await createClientAssertion({
    clientId: CLIENT_ID,
    tokenEndpoint: server.tokenUrl,
    key,
    now: clock.now,
  });
  return { method: 'private_key_jwt', clientId: CLIENT_ID, clientAssertion, kid: key.kid };
}

const basicClient: ClientCredentials = {
  method: 'client_secret_basic',
  clientId: CLIENT_ID,
  clientSecret: SECRET,
};

describe('requestToken obtains a token', () => {
  for (const alg of ['RS384', 'ES384'] as const) {
    test(`with a ${alg} client assertion the token server verifies`, async () => {
      const before = server.assertions.length;
      const token = await requestToken({
        tokenEndpoint: server.tokenUrl,
        scopes: SCOPES,
        client: await jwtClient(dirs[alg] as string),
        now: clock.now,
      });
      assert.equal(token.accessToken, server.issuedTokens.at(-1));
      assert.equal(token.expiresInS, 570);
      assert.equal(token.tokenType, 'Bearer');
      assert.deepEqual(token.grantedScopes, SCOPES);
      assert.equal(token.scopeReturned, true);
      assert.equal(typeof token.serverDate, 'number');
      assert.equal(server.assertions.length, before + 1);
      assert.equal(server.assertions.at(-1)?.header.alg, alg);
    });
  }

  test('with client_secret_basic', async () => {
    const token = await requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient });
    assert.equal(token.accessToken, server.issuedTokens.at(-1));
  });

  test('taking the requested scopes as granted when the server omits scope (RFC 6749 section 5.1)', async () => {
    server.script.push({
      status: 200,
      body: { access_token: 'x', token_type: 'bearer', expires_in: '3600' },
    });
    const token = await requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient });
    assert.deepEqual(token.grantedScopes, SCOPES);
    assert.equal(token.scopeReturned, false);
    assert.equal(token.expiresInS, 3600);
  });
});

describe('requestToken turns each token endpoint error into a typed error with a fix', () => {
  const cases: {
    name: string;
    response: ScriptedResponse;
    code: AuthErrorCode;
    fix: RegExp;
    oauth?: string;
  }[] = [
    {
      name: 'invalid_client with 400 (Epic)',
      response: { status: 400, body: { error: 'invalid_client', error_description: 'Client not found' } },
      code: 'ERR_AUTH_CLIENT_REJECTED',
      fix: /does not recognise this client id or its key.*JWK Set URL/,
      oauth: 'invalid_client',
    },
    {
      name: 'invalid_client with 401',
      response: { status: 401, body: { error: 'invalid_client' } },
      code: 'ERR_AUTH_CLIENT_REJECTED',
      fix: /JWK Set URL/,
      oauth: 'invalid_client',
    },
    {
      name: 'a bare 401 with the error only in WWW-Authenticate',
      response: { status: 401, body: {}, headers: { 'www-authenticate': 'Bearer error="invalid_client"' } },
      code: 'ERR_AUTH_CLIENT_REJECTED',
      fix: /JWK Set URL/,
      oauth: 'invalid_client',
    },
    {
      name: 'a 401 without any error code',
      response: { status: 401, body: '' },
      code: 'ERR_AUTH_CLIENT_REJECTED',
      fix: /JWK Set URL/,
    },
    {
      name: 'invalid_grant',
      response: { status: 400, body: { error: 'invalid_grant', error_description: 'assertion expired' } },
      code: 'ERR_AUTH_GRANT_REJECTED',
      fix: /clock/,
      oauth: 'invalid_grant',
    },
    {
      name: 'unsupported_grant_type',
      response: { status: 400, body: { error: 'unsupported_grant_type' } },
      code: 'ERR_AUTH_GRANT_REJECTED',
      fix: /backend services/,
      oauth: 'unsupported_grant_type',
    },
    {
      name: 'invalid_scope',
      response: { status: 400, body: { error: 'invalid_scope', error_description: 'system/Slot.rs' } },
      code: 'ERR_AUTH_SCOPE_REJECTED',
      fix: /ask the EHR team to grant client id ehrgate-riverside the scopes "system\/Slot.rs system\/Appointment.crus"/,
      oauth: 'invalid_scope',
    },
    {
      name: 'unauthorized_client for a never-registered scope (Cerner)',
      response: {
        status: 400,
        body: { error: 'unauthorized_client', error_description: 'scope not registered' },
      },
      code: 'ERR_AUTH_SCOPE_REJECTED',
      fix: /ask the EHR team to grant .*system\/Appointment.crus.*Cerner/,
      oauth: 'unauthorized_client',
    },
    {
      name: 'unauthorized_client for the grant type',
      response: {
        status: 401,
        body: {
          error: 'unauthorized_client',
          error_description: 'client_credentials not allowed for client',
        },
      },
      code: 'ERR_AUTH_CLIENT_REJECTED',
      fix: /enable the client_credentials grant/,
      oauth: 'unauthorized_client',
    },
    {
      name: 'invalid_request',
      response: { status: 400, body: { error: 'invalid_request', error_description: 'missing parameter' } },
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      fix: /quote the description/,
      oauth: 'invalid_request',
    },
    {
      name: 'an HTML 500 page',
      response: {
        status: 500,
        body: '<html><head><title>Internal Server Error</title></head><body>oops</body></html>',
      },
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      fix: /retried with backoff/,
    },
    {
      name: 'server_error in JSON with a 500',
      response: { status: 500, body: { error: 'server_error', error_description: 'database unavailable' } },
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      fix: /retried with backoff/,
      oauth: 'server_error',
    },
    {
      name: 'a 503 with Retry-After',
      response: { status: 503, body: { message: 'maintenance' }, headers: { 'retry-after': '30' } },
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      fix: /retried with backoff/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      server.script.push(c.response);
      const client = await jwtClient(dirs.ES384 as string);
      await assert.rejects(
        requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client, now: clock.now }),
        (error) => {
          assert.ok(isAuthError(error), String(error));
          assert.equal(error.code, c.code);
          assert.match(error.fix, c.fix);
          assert.equal(error.oauthError, c.oauth);
          assert.equal(error.endpointStatus, c.response.status);
          const text = `${error.message} ${error.fix} ${JSON.stringify(error)}`;
          assert.ok(!text.includes(client.clientAssertion), 'the assertion leaked into the error');
          return true;
        },
      );
    });
  }

  test('keeps the server description and the Retry-After delay', async () => {
    server.script.push({ status: 503, body: {}, headers: { 'retry-after': '30' } });
    server.script.push({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'jti already used' },
    });
    const call = () => requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient });
    await assert.rejects(call(), (error) => isAuthError(error) && error.retryAfterMs === 30_000);
    await assert.rejects(call(), (error) => isAuthError(error) && error.description === 'jti already used');
  });

  test('names the HTML page title of a 500', async () => {
    server.script.push({ status: 500, body: '<html><title>Service Unavailable</title></html>' });
    await assert.rejects(
      requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient }),
      (error) =>
        isAuthError(error) && error.description === 'Service Unavailable' && /HTML page/.test(error.message),
    );
  });

  test('advises fixing the clock when the server Date shows a large skew', async () => {
    server.script.push({
      status: 400,
      body: { error: 'invalid_grant' },
      headers: { date: new Date(Date.now() + 10 * 60_000).toUTCString() },
    });
    await assert.rejects(
      requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient, now: Date.now }),
      (error) =>
        isAuthError(error, 'ERR_AUTH_GRANT_REJECTED') && /clock is (599|600) s behind/.test(error.fix),
    );
  });

  test('rejects an assertion signed by a key the EHR never registered', async () => {
    const client = await jwtClient(dirs.unregistered as string);
    await assert.rejects(requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client }), (error) =>
      isAuthError(error, 'ERR_AUTH_CLIENT_REJECTED'),
    );
  });

  test('rejects a wrong client secret without echoing it', async () => {
    const wrong = 'not-the-secret-123';
    await assert.rejects(
      requestToken({
        tokenEndpoint: server.tokenUrl,
        scopes: SCOPES,
        client: { ...basicClient, clientSecret: wrong },
      }),
      (error) => {
        assert.ok(isAuthError(error, 'ERR_AUTH_CLIENT_REJECTED'));
        assert.match(error.fix, /client id and secret/);
        assert.ok(!`${error.message} ${error.fix} ${JSON.stringify(error)}`.includes(wrong));
        return true;
      },
    );
  });

  test('reports an unreachable token endpoint', async () => {
    const gone = await listen(() => {});
    await gone.close();
    await assert.rejects(
      requestToken({ tokenEndpoint: `${gone.origin}/token`, scopes: SCOPES, client: basicClient }),
      (error) => isAuthError(error, 'ERR_AUTH_TOKEN_ENDPOINT') && /could not be reached/.test(error.message),
    );
  });
});

describe('requestToken refuses an unusable token response', () => {
  const cases: [string, ScriptedResponse, RegExp][] = [
    [
      'a missing access_token',
      { status: 200, body: { token_type: 'bearer', expires_in: 570 } },
      /access_token is missing/,
    ],
    [
      'a negative expires_in',
      { status: 200, body: { access_token: 'tok-negative', token_type: 'bearer', expires_in: -5 } },
      /expires_in must be a positive number/,
    ],
    [
      'a non-numeric expires_in',
      { status: 200, body: { access_token: 'tok-soon', token_type: 'bearer', expires_in: 'soon' } },
      /expires_in is not a number/,
    ],
    [
      'a missing expires_in',
      { status: 200, body: { access_token: 'tok-forever', token_type: 'bearer' } },
      /expires_in is missing/,
    ],
    [
      'a token type other than bearer',
      { status: 200, body: { access_token: 'tok-mac', token_type: 'mac', expires_in: 570 } },
      /token_type is not "bearer"/,
    ],
    [
      'an HTML page with status 200',
      { status: 200, body: '<!doctype html><html><body>Login</body></html>' },
      /HTML page/,
    ],
  ];
  for (const [what, response, message] of cases) {
    test(`with ${what}`, async () => {
      server.script.push(response);
      await assert.rejects(
        requestToken({ tokenEndpoint: server.tokenUrl, scopes: SCOPES, client: basicClient }),
        (error) => {
          assert.ok(isAuthError(error, 'ERR_AUTH_TOKEN_RESPONSE'), String(error));
          assert.match(error.message, message);
          assert.ok(!/tok-/.test(`${error.message} ${JSON.stringify(error)}`), 'the access token leaked');
          return true;
        },
      );
    });
  }
});
