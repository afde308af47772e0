// The `*_enc` columns of the store hold PHI (store/schema.ts). Encryption at rest (AES-256-GCM,
// key from env/KMS) is a later issue; until then every workflow writes those columns through this
// one seam, so switching it on is a change to this file only. `keyId: null` marks plaintext rows.

export type Sealed = { readonly enc: string; readonly keyId: string | null };

export function sealJson(value: unknown): Sealed {
  return { enc: JSON.stringify(value), keyId: null };
}

export function openJson<T>(enc: string, _keyId: string | null): T {
  return JSON.parse(enc) as T;
}
