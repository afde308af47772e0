import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from 'jose';
import { createTestClock, T0 } from '../../test/auth/support/clock.ts';
import { createClientAssertion, MAX_ASSERTION_LIFETIME_MS } from './client-assertion.ts';
import { isAuthError } from './errors.ts';
import { publicJwks } from './jwks.ts';
import { generateKey, KEY_FILE_SUFFIX, listKeys, openKeyStore } from './key-store.ts';
import { RETIRE_MARGIN_MS, rotateKeys } from './rotate-keys.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const HOUR_MS = 60 * 60_000;

let root: string;
let counter = 0;
async function freshDir(): Promise<string> {
  counter += 1;
  return join(root, `tenant-${counter}`, 'keys');
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ehrgate-keys-'));
});
after(() => rm(root, { recursive: true, force: true }));

describe('generateKey', () => {
  for (const alg of ['ES384', 'RS384'] as const) {
    test(`writes a ${alg} private key readable only by its owner and returns the public JWK`, async () => {
      const dir = await freshDir();
      const jwk = await generateKey({ dir, alg, now: T0 });
      assert.equal(jwk.alg, alg);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.kty, alg === 'ES384' ? 'EC' : 'RSA');
      assert.equal(jwk.kid, await calculateJwkThumbprint(jwk, 'sha256'));
      for (const member of PRIVATE_MEMBERS) assert.ok(!(member in jwk), `public JWK holds ${member}`);

      const files = await readdir(dir);
      assert.deepEqual(files, [`${jwk.kid}${KEY_FILE_SUFFIX}`]);
      assert.equal((await stat(join(dir, files[0]))).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
      const stored = JSON.parse(await readFile(join(dir, files[0]), 'utf8'));
      assert.equal(stored.kid, jwk.kid);
      assert.equal(stored.alg, alg);
      assert.equal(stored.createdAt, new Date(T0).toISOString());
      assert.equal(stored.activatesAt, new Date(T0).toISOString());
      assert.equal(typeof stored.jwk.d, 'string');
    });
  }

  test('the current signing key signs assertions the published JWK Set verifies', async () => {
    const dir = await freshDir();
    await generateKey({ dir, alg: 'ES384', now: T0 });
    const key = await openKeyStore(dir).currentSigningKey(T0);
    const jwt = await createClientAssertion({
      clientId: 'c',
      tokenEndpoint: 'https://ehr.example.org/token',
      key,
      now: () => T0,
    });
    const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await publicJwks([dir], T0)), {
      currentDate: new Date(T0),
    });
    assert.equal(protectedHeader.kid, key.kid);
  });
});

describe('rotateKeys', () => {
  test('follows the timeline: old key signs until activation, both published during overlap, old leaves after its last use', async () => {
    const dir = await freshDir();
    const clock = createTestClock();
    const old = await generateKey({ dir, alg: 'ES384', now: clock.now() });
    const store = openKeyStore(dir);
    const overlapMs = 24 * HOUR_MS;

    clock.advance(HOUR_MS);
    const rotatedAt = clock.now();
    const { next, retiring } = await rotateKeys({ dir, overlapMs, now: rotatedAt });
    const activation = rotatedAt + overlapMs;
    const lastUse = activation + MAX_ASSERTION_LIFETIME_MS + RETIRE_MARGIN_MS;
    assert.equal(next.metadata.activatesAt, new Date(activation).toISOString());
    assert.equal(next.metadata.alg, 'ES384');
    assert.deepEqual(retiring, [{ kid: old.kid, retiresAt: new Date(lastUse).toISOString() }]);

    const kids = async (at: number) => (await publicJwks([dir], at)).keys.map((k) => k.kid).sort();
    const signer = async (at: number) => (await store.currentSigningKey(at)).kid;

    // during the overlap: the EHR can fetch the new key, the old one still signs
    assert.deepEqual(await kids(rotatedAt), [old.kid, next.publicJwk.kid].sort());
    assert.equal(await signer(rotatedAt), old.kid);
    assert.equal(await signer(activation - 1), old.kid);
    // from activation the new key signs; the old one stays published for assertions already out
    assert.equal(await signer(activation), next.publicJwk.kid);
    assert.deepEqual(
      await kids(activation + MAX_ASSERTION_LIFETIME_MS),
      [old.kid, next.publicJwk.kid].sort(),
    );
    assert.deepEqual(await kids(lastUse - 1), [old.kid, next.publicJwk.kid].sort());
    // after its last possible use the old key leaves the JWK Set
    assert.deepEqual(await kids(lastUse), [next.publicJwk.kid]);
    assert.equal(await signer(lastUse), next.publicJwk.kid);
  });

  test('refuses a second rotation while one is pending', async () => {
    const dir = await freshDir();
    await generateKey({ dir, alg: 'RS384', now: T0 });
    await rotateKeys({ dir, overlapMs: HOUR_MS, now: T0 });
    await assert.rejects(rotateKeys({ dir, overlapMs: HOUR_MS, now: T0 + 1000 }), (error) =>
      isAuthError(error, 'ERR_AUTH_KEY'),
    );
    // once the pending key is active, rotating again is fine
    const later = await rotateKeys({ dir, overlapMs: HOUR_MS, now: T0 + 2 * HOUR_MS });
    assert.equal(later.next.metadata.alg, 'RS384');
    assert.equal((await listKeys(dir)).length, 3);
  });

  test('can change the algorithm of the next key', async () => {
    const dir = await freshDir();
    await generateKey({ dir, alg: 'RS384', now: T0 });
    const { next } = await rotateKeys({ dir, overlapMs: 0, now: T0, alg: 'ES384' });
    assert.equal((await openKeyStore(dir).currentSigningKey(T0)).kid, next.publicJwk.kid);
    assert.equal((await openKeyStore(dir).currentSigningKey(T0, 'RS384')).alg, 'RS384');
  });

  test('needs a key to rotate', async () => {
    const dir = await freshDir();
    await generateKey({ dir, alg: 'ES384', now: T0, activatesAt: T0 + HOUR_MS });
    await assert.rejects(rotateKeys({ dir, overlapMs: HOUR_MS, now: T0 }), (error) =>
      isAuthError(error, 'ERR_AUTH_KEY'),
    );
  });
});

describe('publicJwks', () => {
  test("publishes every tenant's keys without a single private member", async () => {
    const a = await freshDir();
    const b = await freshDir();
    await generateKey({ dir: a, alg: 'RS384', now: T0 });
    await generateKey({ dir: b, alg: 'ES384', now: T0 });
    await rotateKeys({ dir: b, overlapMs: HOUR_MS, now: T0 });
    const jwks = await publicJwks([a, b], T0);
    assert.equal(jwks.keys.length, 3);
    assert.deepEqual(jwks.keys.map((k) => k.kty).sort(), ['EC', 'EC', 'RSA']);
    const text = JSON.stringify(jwks);
    for (const member of PRIVATE_MEMBERS) {
      for (const key of jwks.keys) assert.ok(!(member in key), `JWKS key ${key.kid} holds ${member}`);
      assert.ok(!text.includes(`"${member}":`), `JWKS text holds ${member}`);
    }
    // and the private members really are on disk, so the test could fail
    const onDisk = await readFile(join(a, (await readdir(a))[0]), 'utf8');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.ok(onDisk.includes(`"${member}":`));
  });
});

describe('corrupt key files', () => {
  const corruptions: [string, (text: string) => string][] = [
    ['truncated JSON', (text) => text.slice(0, text.length / 2)],
    ['a missing private member', (text) => JSON.stringify({ ...JSON.parse(text), jwk: { kty: 'EC' } })],
    ['a kid that is not its thumbprint', (text) => JSON.stringify({ ...JSON.parse(text), kid: 'other' })],
    ['an alg that does not fit the key', (text) => JSON.stringify({ ...JSON.parse(text), alg: 'RS384' })],
    ['a bad timestamp', (text) => JSON.stringify({ ...JSON.parse(text), activatesAt: 'yesterday' })],
  ];
  for (const [what, corrupt] of corruptions) {
    test(`names the file when a key file has ${what}`, async () => {
      const dir = await freshDir();
      const jwk = await generateKey({ dir, alg: 'ES384', now: T0 });
      const file = join(dir, `${jwk.kid}${KEY_FILE_SUFFIX}`);
      const original = await readFile(file, 'utf8');
      await writeFile(file, corrupt(original));
      const privateD = JSON.parse(original).jwk.d as string;
      for (const attempt of [() => openKeyStore(dir).currentSigningKey(T0), () => publicJwks([dir], T0)]) {
        await assert.rejects(attempt(), (error) => {
          assert.ok(isAuthError(error, 'ERR_AUTH_KEY'), String(error));
          assert.ok(error.message.includes(file), error.message);
          assert.ok(!error.message.includes(privateD.slice(0, 12)));
          return true;
        });
      }
    });
  }

  test('reports a missing key directory with the command that creates one', async () => {
    const dir = await freshDir();
    await assert.rejects(openKeyStore(dir).currentSigningKey(T0), (error) => {
      assert.ok(isAuthError(error, 'ERR_AUTH_KEY'));
      assert.match(error.fix, /ehrgate keys generate/);
      return true;
    });
  });
});
