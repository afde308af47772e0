// The data keys that encrypt PHI columns at rest (DESIGN.md section 7, issue 7 item 5). The first
// key is active: every new value is sealed under it. Every key stays usable for reading, by the id
// stored beside each value (`key_id`), so rotating is "put the new key first, keep the old one
// listed" and old rows stay readable until they are re-encrypted or purged.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { EhrgateError } from '../../errors.ts';

/** AES-256: 32 bytes of key material. */
export const DATA_KEY_BYTES = 32;

// Ids go into the key_id column and into the sealed format's AAD; the separators of the env
// variable (`,` and `:`) and of the sealed format (`.`) are kept out of them.
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export type DataKey = {
  readonly id: string;
  /** The 32-byte key as a KeyObject, so the raw bytes are not passed around. */
  readonly key: KeyObject;
};

export interface DataKeyring {
  /** Seals every new value. */
  readonly active: DataKey;
  /** Every id, the active one first. */
  readonly ids: readonly string[];
  byId(id: string): DataKey | undefined;
}

/** A keyring from raw keys, the first active; throws ERR_CONFIG_INVALID naming `source`. */
export function createDataKeyring(
  keys: readonly { readonly id: string; readonly key: Uint8Array }[],
  source = 'data keyring',
): DataKeyring {
  if (keys.length === 0) throw new EhrgateError('ERR_CONFIG_INVALID', `${source}: lists no key`);
  const byId = new Map<string, DataKey>();
  for (const [index, { id, key }] of keys.entries()) {
    const where = `${source}: key ${index + 1}`;
    if (!KEY_ID_PATTERN.test(id)) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `${where}: the id must be 1-64 letters, digits, "_" or "-"`,
      );
    }
    if (byId.has(id)) throw new EhrgateError('ERR_CONFIG_INVALID', `${where}: id "${id}" is listed twice`);
    if (key.byteLength !== DATA_KEY_BYTES) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `${where} ("${id}"): expected ${DATA_KEY_BYTES} bytes of key material, got ${key.byteLength}`,
      );
    }
    byId.set(id, Object.freeze({ id, key: createSecretKey(Buffer.from(key)) }));
  }
  const ids = Object.freeze([...byId.keys()]);
  const active = byId.get(ids[0] as string) as DataKey;
  return Object.freeze({ active, ids, byId: (id: string) => byId.get(id) });
}

/**
 * Parses `id1:<base64>,id0:<base64>` (standard or URL-safe base64 of 32 bytes; whitespace and
 * newlines between entries are allowed, so a key file may hold one entry a line). Errors name
 * `source` (the variable or the file) and the entry, never the key material.
 */
export function parseDataKeys(text: string, source: string): DataKeyring {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new EhrgateError('ERR_CONFIG_INVALID', `${source}: is empty; expected id:<base64 of 32 bytes>`);
  }
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? '' : entry.slice(0, colon).trim();
    const encoded = colon === -1 ? '' : entry.slice(colon + 1).trim();
    if (id === '' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `${source}: key ${index + 1} is malformed; expected id:<base64 of ${DATA_KEY_BYTES} bytes>, entries separated by ","`,
      );
    }
    return { id, key: Buffer.from(encoded, 'base64') };
  });
  return createDataKeyring(keys, source);
}

/** The text form parseDataKeys reads: `id:<base64>` entries joined by ",". */
export function formatDataKeys(keys: readonly { readonly id: string; readonly key: Uint8Array }[]): string {
  return keys.map(({ id, key }) => `${id}:${Buffer.from(key).toString('base64')}`).join(',');
}
