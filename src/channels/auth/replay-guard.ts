// Replay protection for signed requests (issue 6, "replayed signed requests"): a signature is
// accepted only when its timestamp is within the window of now, and only once. A signature
// covers the body and the timestamp, so one seen before inside the window is the same request
// sent again.
//
// In-process memory: with several gateway processes behind one PostgreSQL store each process
// keeps its own set, so a replay to a different process inside the window would pass here (the
// router's idempotency still returns the first outcome, so it cannot book twice).

// Retell's SDK verifies with the same five-minute tolerance (retell-typescript-sdk
// src/lib/webhook_auth.ts FIVE_MINUTES).
export const DEFAULT_SIGNATURE_WINDOW_MS = 5 * 60_000;
// About 20 MB of keys at most; beyond it the oldest entries go first.
export const DEFAULT_REPLAY_CACHE_ENTRIES = 200_000;

export type ReplayVerdict = 'fresh' | 'stale' | 'replayed';

export interface ReplayGuard {
  /** Records `signatureKey` as seen unless it is stale or was seen before. */
  check(signatureKey: string, timestampMs: number): ReplayVerdict;
  readonly size: number;
}

export type ReplayGuardOptions = {
  windowMs?: number;
  maxEntries?: number;
  now?: () => number;
};

export function createReplayGuard(options: ReplayGuardOptions = {}): ReplayGuard {
  const windowMs = options.windowMs ?? DEFAULT_SIGNATURE_WINDOW_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_REPLAY_CACHE_ENTRIES;
  const now = options.now ?? Date.now;
  if (!(windowMs > 0) || !Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError('replay guard: windowMs must be > 0 and maxEntries a positive integer');
  }
  // Insertion order is roughly expiry order, so pruning walks from the front.
  const seen = new Map<string, number>();

  const prune = (at: number) => {
    for (const [key, expiresAt] of seen) {
      if (expiresAt > at && seen.size < maxEntries) break;
      seen.delete(key);
    }
  };

  return {
    check(signatureKey, timestampMs) {
      const at = now();
      if (!Number.isFinite(timestampMs) || Math.abs(at - timestampMs) > windowMs) return 'stale';
      const expiresAt = seen.get(signatureKey);
      if (expiresAt !== undefined && expiresAt > at) return 'replayed';
      if (seen.size >= maxEntries) prune(at);
      // After timestamp + window the stale check refuses the signature anyway.
      seen.set(signatureKey, timestampMs + windowMs);
      return 'fresh';
    },
    get size() {
      return seen.size;
    },
  };
}
