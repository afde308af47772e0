// Key rotation without a gap. The new key is published at once but signs only after `overlapMs`,
// so every EHR has had time to re-fetch our JWK Set before it sees an assertion with the new kid.
// The old key keeps signing until then and is retired after its last possible use: the new key's
// activation, plus the longest an assertion lives (5 minutes, SMART Backend Services), plus a
// margin for clock skew between us and the EHR.
import { MAX_ASSERTION_LIFETIME_MS } from './client-assertion.ts';
import { AuthError } from './errors.ts';
import {
  type GeneratedKey,
  generateKeyWithMetadata,
  isRetired,
  type KeyAlg,
  listKeys,
  selectSigningKey,
  toMs,
  writeKeyFile,
} from './key-store.ts';

/** Long enough for an EHR that caches our JWK Set for a day to pick up the new key. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 60 * 60_000;
export const RETIRE_MARGIN_MS = 5 * 60_000;

export interface RotateKeysOptions {
  dir: string;
  overlapMs?: number;
  now?: number | Date;
  /** Algorithm of the new key; defaults to that of the key signing now. */
  alg?: KeyAlg;
}

export interface RotationResult {
  next: GeneratedKey;
  /** Keys that will leave the JWK Set, with when. */
  retiring: { kid: string; retiresAt: string }[];
}

export async function rotateKeys(options: RotateKeysOptions): Promise<RotationResult> {
  const nowMs = toMs(options.now ?? Date.now());
  const overlapMs = options.overlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
  if (!Number.isFinite(overlapMs) || overlapMs < 0) {
    throw new AuthError(
      'ERR_AUTH_KEY',
      `rotation overlap must be a non-negative number of ms, got ${overlapMs}`,
      {
        fix: 'pass an overlap such as 24h',
      },
    );
  }
  const keys = await listKeys(options.dir);
  const current = selectSigningKey(keys, nowMs);
  if (current === undefined) {
    throw new AuthError('ERR_AUTH_KEY', `no active signing key in ${options.dir} to rotate`, {
      fix: 'run "ehrgate keys generate" for this tenant first',
    });
  }
  const pending = keys.find((key) => Date.parse(key.activatesAt) > nowMs && !isRetired(key, nowMs));
  if (pending !== undefined) {
    throw new AuthError(
      'ERR_AUTH_KEY',
      `a rotation is already pending in ${options.dir}: key ${pending.kid} activates at ${pending.activatesAt}`,
      { fix: 'wait for the pending key to activate before rotating again' },
    );
  }
  const activatesAtMs = nowMs + overlapMs;
  const retiresAt = new Date(activatesAtMs + MAX_ASSERTION_LIFETIME_MS + RETIRE_MARGIN_MS).toISOString();
  // New key first: a crash between the two steps leaves the old key without retiresAt, which
  // only means it stays published longer, never that no key can sign.
  const next = await generateKeyWithMetadata({
    dir: options.dir,
    alg: options.alg ?? current.alg,
    now: nowMs,
    activatesAt: activatesAtMs,
  });
  const retiring: RotationResult['retiring'] = [];
  for (const key of keys) {
    if (key.retiresAt !== undefined) continue;
    await writeKeyFile(options.dir, { ...key, retiresAt });
    retiring.push({ kid: key.kid, retiresAt });
  }
  return { next, retiring };
}
