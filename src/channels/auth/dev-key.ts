// The development API key of the built-in configuration (issue 6 item 4): `ehrgate serve` with
// no config file opens the sandbox tenant to `Authorization: Bearer <key>` on the HTTP channel
// and MCP, with the key from EHRGATE_DEV_KEY or, failing that, a fresh one printed at start-up.
import { randomBytes } from 'node:crypto';

export const DEV_KEY_ENV = 'EHRGATE_DEV_KEY';
export const DEV_KEY_PREFIX = 'ehrgate_dev_';
// 24 random bytes: 192 bits, far beyond guessing, short enough to paste.
const DEV_KEY_RANDOM_BYTES = 24;

export type DevKey = { readonly key: string; readonly source: 'env' | 'generated' };

export function resolveDevKey(env: Readonly<Record<string, string | undefined>>): DevKey {
  const fromEnv = env[DEV_KEY_ENV]?.trim();
  if (fromEnv) return { key: fromEnv, source: 'env' };
  return {
    key: `${DEV_KEY_PREFIX}${randomBytes(DEV_KEY_RANDOM_BYTES).toString('base64url')}`,
    source: 'generated',
  };
}
