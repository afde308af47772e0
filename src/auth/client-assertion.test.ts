import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { T0 } from '../../test/auth/support/clock.ts';
import { isEhrgateError } from '../errors.ts';
import {
  type AssertionAlg,
  clientSecretBasicAuthorization,
  createClientAssertion,
  MAX_ASSERTION_LIFETIME_MS,
  type SigningKey,
} from './client-assertion.ts';
import { generateKey, openKeyStore } from './key-store.ts';

const TOKEN_URL =
  'https://authorization.cerner.com/tenants/ec2458f2/protocols/oauth2/profiles/smart-v1/token';
let root: string;
const keys = new Map<AssertionAlg, SigningKey>();

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ehrgate-assertion-'));
  for (const alg of ['RS384', 'ES384'] as const) {
    const dir = join(root, alg);
    await generateKey({ dir, alg, now: T0 });
    keys.set(alg, await openKeyStore(dir).currentSigningKey(T0));
  }
});
after(() => rm(root, { recursive: true, force: true }));

describe('createClientAssertion', () => {
  for (const alg of ['RS384', 'ES384'] as const) {
    test(`signs ${alg} with exactly the SMART Backend Services header and claims`, async () => {
      const key = keys.get(alg) as SigningKey;
      const jwt = await createClientAssertion({
        clientId: 'voice-agent-prod',
        tokenEndpoint: TOKEN_URL,
        key,
        now: () => T0 + 400, // a fraction of a second: iat rounds down
      });
      assert.deepEqual(decodeProtectedHeader(jwt), { alg, typ: 'JWT', kid: key.kid });
      const claims = decodeJwt(jwt);
      assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'sub']);
      assert.equal(claims.iss, 'voice-agent-prod');
      assert.equal(claims.sub, 'voice-agent-prod');
      assert.equal(claims.aud, TOKEN_URL);
      assert.equal(claims.iat, T0 / 1000);
      assert.equal(claims.exp, T0 / 1000 + 240);
      assert.match(
        claims.jti as string,
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
  }

  test('adds jku when our JWK Set URL is configured', async () => {
    const jwt = await createClientAssertion({
      clientId: 'c',
      tokenEndpoint: TOKEN_URL,
      key: keys.get('ES384') as SigningKey,
      jku: 'https://gateway.example.org/.well-known/jwks.json',
      now: () => T0,
    });
    assert.equal(decodeProtectedHeader(jwt).jku, 'https://gateway.example.org/.well-known/jwks.json');
  });

  test('never puts exp more than five minutes ahead, whatever the milliseconds', async () => {
    for (const offset of [0, 1, 499, 999]) {
      const jwt = await createClientAssertion({
        clientId: 'c',
        tokenEndpoint: TOKEN_URL,
        key: keys.get('ES384') as SigningKey,
        lifetimeMs: MAX_ASSERTION_LIFETIME_MS,
        now: () => T0 + offset,
      });
      const { exp } = decodeJwt(jwt);
      assert.ok((exp as number) * 1000 - (T0 + offset) <= MAX_ASSERTION_LIFETIME_MS);
    }
  });

  test('gives every assertion its own jti', async () => {
    const jtis = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const jwt = await createClientAssertion({
        clientId: 'c',
        tokenEndpoint: TOKEN_URL,
        key: keys.get('ES384') as SigningKey,
        now: () => T0,
      });
      jtis.add(decodeJwt(jwt).jti as string);
    }
    assert.equal(jtis.size, 200);
  });

  test('refuses a lifetime beyond five minutes', async () => {
    await assert.rejects(
      createClientAssertion({
        clientId: 'c',
        tokenEndpoint: TOKEN_URL,
        key: keys.get('ES384') as SigningKey,
        lifetimeMs: MAX_ASSERTION_LIFETIME_MS + 1,
      }),
      (error) => isEhrgateError(error, 'ERR_CONFIG_INVALID'),
    );
  });
});

describe('clientSecretBasicAuthorization', () => {
  test('matches the example of RFC 6749 section 2.3.1', () => {
    assert.equal(
      clientSecretBasicAuthorization('s6BhdRkqt3', '7Fjfp0ZBr1KtDRbnfVdmIw'),
      'Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3',
    );
  });

  test('form-urlencodes the id and secret before joining them', () => {
    const header = clientSecretBasicAuthorization('system account:1', 'p+ss/wörd%:');
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    assert.equal(decoded, 'system+account%3A1:p%2Bss%2Fw%C3%B6rd%25%3A');
  });
});
