// The `*_enc` columns of the store hold PHI (store/schema.ts), and every workflow writes and reads
// them through this one seam. With a data keyring set (compliance/encryption, set at start-up by
// the gateway) a value is sealed with AES-256-GCM under the active key and `keyId` names that
// key; without one it is written in plaintext with `keyId: null`. Rows with `keyId: null` (written
// before encryption was switched on) stay readable either way.
import { currentDataKeyring } from '../../compliance/encryption/active-keyring.ts';
import { openString, sealString } from '../../compliance/encryption/sealed-value.ts';
import { EhrgateError } from '../../errors.ts';

export type Sealed = { readonly enc: string; readonly keyId: string | null };

export function sealJson(value: unknown): Sealed {
  // JSON.stringify(undefined) is undefined, not text; such a column holds JSON null.
  const json = JSON.stringify(value) ?? 'null';
  const keyring = currentDataKeyring();
  return keyring === undefined ? { enc: json, keyId: null } : sealString(keyring, json);
}

/**
 * Opens a sealed column. Throws ERR_DATA_KEY_UNKNOWN when the value is sealed under a key this
 * process does not hold, and ERR_DATA_UNREADABLE when it is malformed or was changed; neither
 * message carries any of the value.
 */
export function openJson<T>(enc: string, keyId: string | null): T {
  const json = keyId === null ? enc : openString(currentDataKeyring(), enc, keyId);
  try {
    return JSON.parse(json) as T;
  } catch {
    // No cause: JSON.parse's message quotes the text it could not parse, which may be PHI.
    throw new EhrgateError(
      'ERR_DATA_UNREADABLE',
      `a stored value ${keyId === null ? 'in plaintext' : `sealed under data key "${keyId}"`} is not valid JSON`,
    );
  }
}
