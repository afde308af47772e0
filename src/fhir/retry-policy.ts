// Retry policy as data (STYLE.md rule 9, after sindresorhus/ky source/utils/normalize.ts).
// Only requests the EHR may safely receive twice are repeated here. A write is never repeated by
// this client: the verified write (DESIGN.md section 4) searches for it before any resend.
import type { FhirError } from './errors.ts';
import type { HttpMethod } from './types.ts';

export type RetryPolicy = {
  /** Retries after the first attempt. */
  limit: number;
  methods: readonly HttpMethod[];
  statusCodes: readonly number[];
  /** First backoff ceiling; doubles with each retry (full jitter picks in [0, ceiling)). */
  backoffBaseMs: number;
  backoffLimitMs: number;
  /** A longer Retry-After is cut to this: a caller is on the phone. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY_LIMIT = 2;
export const DEFAULT_RETRY_BACKOFF_BASE_MS = 200;
export const DEFAULT_RETRY_BACKOFF_LIMIT_MS = 2_000;
export const DEFAULT_MAX_RETRY_AFTER_MS = 5_000;

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  limit: DEFAULT_RETRY_LIMIT,
  methods: Object.freeze(['GET', 'HEAD'] as const),
  // 408 Request Timeout, 429 Too Many Requests, and the 5xx that mean "try again" (not 501).
  statusCodes: Object.freeze([408, 429, 500, 502, 503, 504]),
  backoffBaseMs: DEFAULT_RETRY_BACKOFF_BASE_MS,
  backoffLimitMs: DEFAULT_RETRY_BACKOFF_LIMIT_MS,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
});

/**
 * GET and HEAD, and a search sent as `POST [base]/[type]/_search` (or `[base]/_search`), which
 * FHIR defines as a search and so as safe (R4 http.html#search). Every other POST, and every PUT,
 * PATCH and DELETE, is a write.
 */
export function isRepeatable(policy: RetryPolicy, method: HttpMethod, url: URL): boolean {
  if (policy.methods.includes(method)) return true;
  return method === 'POST' && url.pathname.endsWith('/_search');
}

/**
 * The delay before retry number `retry` (1-based), or undefined when the failure must not be
 * retried: a caller abort, an answer outside `statusCodes`, an unreadable response, or an
 * exhausted budget.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  err: FhirError,
  retry: number,
  random: () => number,
): number | undefined {
  if (retry > policy.limit) return undefined;
  if (err.ehrStatus !== undefined) {
    if (!policy.statusCodes.includes(err.ehrStatus)) return undefined;
  } else if (err.kind !== 'timeout' && err.kind !== 'network') {
    return undefined;
  }
  if (err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, policy.maxRetryAfterMs);
  // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): spreads the
  // retries of many calls that failed together instead of sending them back in lockstep.
  const ceiling = Math.min(policy.backoffLimitMs, policy.backoffBaseMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
