// AES-256-GCM for one PHI column value. The stored text is
//
//   v1.<salt>.<iv>.<ciphertext || 16-byte tag>        (each part base64url, no padding)
//
// and the key id goes into the row's key_id column. The cipher key is not the data key itself
// but HKDF-SHA256(data key, salt, info = key id) (RFC 5869): random 96-bit IVs are safe for about
// 2^32 messages per key (NIST SP 800-38D section 8.3), which a busy deployment with many gateway
// processes could reach under one data key; each process draws a fresh salt, and a new one after
// DATA_SUBKEY_MAX_SEALS values, so no derived key comes near that bound. The additional data binds
// the format version and the key id, so a value moved under another key id fails authentication.
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { EhrgateError } from '../../errors.ts';
import type { DataKey, DataKeyring } from './keyring.ts';

export const SEALED_FORMAT_VERSION = 'v1';
/** Values sealed under one derived key before the writer draws a new salt. */
export const DATA_SUBKEY_MAX_SEALS = 2 ** 24;
/** Derived keys a reader keeps per keyring (one per writer process and salt it has seen). */
export const DATA_SUBKEY_CACHE_ENTRIES = 512;

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';
const B64URL = /^[A-Za-z0-9_-]*$/;

type Writer = { readonly keyId: string; readonly salt: Buffer; readonly key: KeyObject; uses: number };

const writers = new WeakMap<DataKeyring, Writer>();
const readers = new WeakMap<DataKeyring, Map<string, KeyObject>>();

function deriveKey(dataKey: DataKey, salt: Buffer): KeyObject {
  const info = `ehrgate-sealed-${SEALED_FORMAT_VERSION}:${dataKey.id}`;
  return createSecretKey(Buffer.from(hkdfSync('sha256', dataKey.key, salt, info, 32)));
}

function additionalData(keyId: string): Buffer {
  return Buffer.from(`ehrgate-sealed-${SEALED_FORMAT_VERSION}:${keyId}`);
}

function writerFor(keyring: DataKeyring): Writer {
  const current = writers.get(keyring);
  if (current !== undefined && current.uses < DATA_SUBKEY_MAX_SEALS) return current;
  const salt = randomBytes(SALT_BYTES);
  const writer: Writer = { keyId: keyring.active.id, salt, key: deriveKey(keyring.active, salt), uses: 0 };
  writers.set(keyring, writer);
  return writer;
}

/** Encrypts `plaintext` under the keyring's active key. */
export function sealString(keyring: DataKeyring, plaintext: string): { enc: string; keyId: string } {
  const writer = writerFor(keyring);
  writer.uses += 1;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, writer.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(writer.keyId));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const parts = [writer.salt, iv, body].map((part) => part.toString('base64url'));
  return { enc: `${SEALED_FORMAT_VERSION}.${parts.join('.')}`, keyId: writer.keyId };
}

/**
 * Decrypts a value sealed under `keyId`. Throws ERR_DATA_KEY_UNKNOWN when the keyring (if any)
 * does not hold that id, and ERR_DATA_UNREADABLE when the text is malformed or fails
 * authentication. Messages name the key id, never any part of the value.
 */
export function openString(keyring: DataKeyring | undefined, enc: string, keyId: string): string {
  const dataKey = keyring?.byId(keyId);
  if (keyring === undefined || dataKey === undefined) {
    const held = keyring === undefined ? 'no data keys are loaded' : `loaded: ${keyring.ids.join(', ')}`;
    throw new EhrgateError(
      'ERR_DATA_KEY_UNKNOWN',
      `a stored value is sealed under data key "${keyId}", which this process does not hold (${held}); list it in EHRGATE_DATA_KEYS`,
    );
  }
  const parts = enc.split('.');
  const [version, salt64, iv64, body64] = parts;
  if (
    parts.length !== 4 ||
    version !== SEALED_FORMAT_VERSION ||
    !parts.every((part) => B64URL.test(part)) ||
    salt64 === undefined ||
    iv64 === undefined ||
    body64 === undefined
  ) {
    throw unreadable(keyId, 'it is not in the sealed format');
  }
  const salt = Buffer.from(salt64, 'base64url');
  const iv = Buffer.from(iv64, 'base64url');
  const body = Buffer.from(body64, 'base64url');
  if (salt.length !== SALT_BYTES || iv.length !== IV_BYTES || body.length < TAG_BYTES) {
    throw unreadable(keyId, 'it is not in the sealed format');
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, readKey(keyring, dataKey, salt64, salt), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch (error) {
    throw unreadable(keyId, 'it failed authentication (changed, or sealed under another key)', error);
  }
}

function readKey(keyring: DataKeyring, dataKey: DataKey, salt64: string, salt: Buffer): KeyObject {
  let cache = readers.get(keyring);
  if (cache === undefined) {
    cache = new Map();
    readers.set(keyring, cache);
  }
  const name = `${dataKey.id}.${salt64}`;
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const key = deriveKey(dataKey, salt);
  if (cache.size >= DATA_SUBKEY_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(name, key);
  return key;
}

function unreadable(keyId: string, why: string, cause?: unknown): EhrgateError {
  return new EhrgateError(
    'ERR_DATA_UNREADABLE',
    `a stored value sealed under data key "${keyId}" cannot be opened: ${why}`,
    cause === undefined ? undefined : { cause },
  );
}
