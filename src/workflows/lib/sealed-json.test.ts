import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { useDataKeyring } from '../../compliance/encryption/active-keyring.ts';
import { createDataKeyring } from '../../compliance/encryption/keyring.ts';
import { isEhrgateError } from '../../errors.ts';
import { openJson, sealJson } from './sealed-json.ts';

const VALUE = { name: 'Zebulon Quaxley', birthDate: '1961-07-04', note: 'naïve — ✓' };
const K0 = { id: 'k0', key: randomBytes(32) };
const K1 = { id: 'k1', key: randomBytes(32) };

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// Flips the highest of the six bits a base64url character carries: always a bit of the data,
// never one of the padding bits a final character may have.
function flip(text: string, index: number): string {
  const c = B64URL[B64URL.indexOf(text[index] as string) ^ 32];
  return text.slice(0, index) + c + text.slice(index + 1);
}

function assertCode(fn: () => unknown, code: string, mustNotContain = 'Quaxley'): string {
  try {
    fn();
  } catch (error) {
    assert.ok(isEhrgateError(error), String(error));
    assert.equal(error.code, code, error.message);
    assert.ok(!error.message.includes(mustNotContain), 'the message holds none of the value');
    return error.message;
  }
  assert.fail(`expected ${code}`);
}

afterEach(() => useDataKeyring(undefined));

describe('sealJson / openJson', () => {
  it('writes plaintext with key id null when no keyring is set', () => {
    const sealed = sealJson(VALUE);
    assert.deepEqual(sealed, { enc: JSON.stringify(VALUE), keyId: null });
    assert.deepEqual(openJson(sealed.enc, sealed.keyId), VALUE);
  });

  it('seals under the active key: versioned, unreadable in place, different each time, and opens again', () => {
    useDataKeyring(createDataKeyring([K1, K0]));
    const a = sealJson(VALUE);
    const b = sealJson(VALUE);
    assert.equal(a.keyId, 'k1');
    assert.match(a.enc, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.ok(!a.enc.includes('Quaxley') && !a.enc.includes('1961'));
    assert.notEqual(a.enc, b.enc);
    assert.deepEqual(openJson(a.enc, a.keyId), VALUE);
    assert.deepEqual(openJson(b.enc, b.keyId), VALUE);
  });

  it('still opens plaintext rows written before encryption was switched on', () => {
    const legacy = sealJson(VALUE);
    useDataKeyring(createDataKeyring([K0]));
    assert.deepEqual(openJson(legacy.enc, legacy.keyId), VALUE);
  });

  it('rotates: rows under the old key open while it is listed, new rows use the new key', () => {
    useDataKeyring(createDataKeyring([K0]));
    const old = sealJson(VALUE);
    useDataKeyring(createDataKeyring([K1, K0]));
    assert.deepEqual(openJson(old.enc, old.keyId), VALUE);
    assert.equal(sealJson(VALUE).keyId, 'k1');
    useDataKeyring(createDataKeyring([K1]));
    const message = assertCode(() => openJson(old.enc, old.keyId), 'ERR_DATA_KEY_UNKNOWN');
    assert.match(message, /"k0"/);
  });

  it('refuses a sealed row when no keyring is set, naming the key id', () => {
    useDataKeyring(createDataKeyring([K0]));
    const sealed = sealJson(VALUE);
    useDataKeyring(undefined);
    assert.match(
      assertCode(() => openJson(sealed.enc, sealed.keyId), 'ERR_DATA_KEY_UNKNOWN'),
      /"k0"/,
    );
  });

  it('refuses a row opened with other key material under the same id', () => {
    useDataKeyring(createDataKeyring([K0]));
    const sealed = sealJson(VALUE);
    useDataKeyring(createDataKeyring([{ id: 'k0', key: randomBytes(32) }]));
    assertCode(() => openJson(sealed.enc, sealed.keyId), 'ERR_DATA_UNREADABLE');
  });

  it('detects a changed byte anywhere in the sealed text, and a key id swapped in the row', () => {
    useDataKeyring(createDataKeyring([K1, K0]));
    const sealed = sealJson(VALUE);
    for (let i = 3; i < sealed.enc.length; i += 1) {
      if (sealed.enc[i] === '.') continue;
      assertCode(() => openJson(flip(sealed.enc, i), sealed.keyId), 'ERR_DATA_UNREADABLE');
    }
    assertCode(() => openJson(sealed.enc, 'k0'), 'ERR_DATA_UNREADABLE');
    assertCode(() => openJson(sealed.enc.slice(0, -4), sealed.keyId), 'ERR_DATA_UNREADABLE');
    assertCode(() => openJson(`v2${sealed.enc.slice(2)}`, sealed.keyId), 'ERR_DATA_UNREADABLE');
    assertCode(() => openJson('not sealed at all', sealed.keyId), 'ERR_DATA_UNREADABLE');
  });

  it('turns a damaged plaintext row into a typed error that does not quote it', () => {
    assertCode(() => openJson('{"name":"Zebulon Quaxley"', null), 'ERR_DATA_UNREADABLE');
  });
});
