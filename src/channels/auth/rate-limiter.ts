// Per-tenant rate limits (issue 6 item 4): a token bucket per tenant, refilled continuously at
// `perSecond`, holding at most `burst`. One bucket per tenant across all its channels, so a
// runaway agent on one platform cannot starve the EHR of the tenant's other traffic either.

// A voice call makes a tool call every few seconds; 200/s is hundreds of concurrent calls for
// one health system, and still a ceiling on a runaway loop hammering its EHR.
export const DEFAULT_RATE_LIMIT_PER_SECOND = 200;
export const DEFAULT_BURST_FACTOR = 2;

export type RateLimit = { readonly perSecond: number; readonly burst?: number };

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

export interface RateLimiter {
  take(tenantId: string): RateDecision;
}

export type RateLimiterOptions = {
  /** The tenant's configured limit; undefined falls back to the default. */
  limitFor?: (tenantId: string) => RateLimit | undefined;
  now?: () => number;
};

type Bucket = { tokens: number; updatedAt: number; perMs: number; burst: number };

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  const bucketFor = (tenantId: string, at: number): Bucket => {
    let bucket = buckets.get(tenantId);
    if (!bucket) {
      const limit = options.limitFor?.(tenantId) ?? { perSecond: DEFAULT_RATE_LIMIT_PER_SECOND };
      const burst = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond * DEFAULT_BURST_FACTOR));
      bucket = { tokens: burst, updatedAt: at, perMs: limit.perSecond / 1000, burst };
      buckets.set(tenantId, bucket);
    }
    return bucket;
  };

  return {
    take(tenantId) {
      const at = now();
      const bucket = bucketFor(tenantId, at);
      bucket.tokens = Math.min(
        bucket.burst,
        bucket.tokens + Math.max(0, at - bucket.updatedAt) * bucket.perMs,
      );
      bucket.updatedAt = at;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / bucket.perMs) };
    },
  };
}
