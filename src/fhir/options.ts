// Client options: one object, named defaults with units, validated once, then frozen
// (STYLE.md rule 8, after panva/jose src/jwks/remote.ts).
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { EhrgateError } from '../errors.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
import type {
  AccessTokenProvider,
  FhirClientOptions,
  FhirRequestEvent,
  FhirRequestSentEvent,
} from './types.ts';

/** Per attempt: a voice caller waits on every request, and an EHR that has not answered in 10 s is down. */
export const DEFAULT_FHIR_TIMEOUT_MS = 10_000;
/** Idle keep-alive sockets are closed after this; below the ~60 s idle timeout of common load balancers. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;
/**
 * Connections to one EHR at most; further requests wait for one (their timeout runs meanwhile).
 * 200 voice calls keep a few dozen requests in flight, and an unbounded pool opened a socket
 * (with its buffers) for each of 1,000 concurrent calls (bench/gateway-overhead.bench.ts).
 */
export const DEFAULT_MAX_CONNECTIONS_PER_EHR = 64;
/** Pages searchAll follows before it stops and hands back the unfollowed `next` link. */
export const DEFAULT_SEARCH_MAX_PAGES = 10;

export type ResolvedFhirClientOptions = Readonly<{
  baseUrl: string;
  getAccessToken: AccessTokenProvider | undefined;
  fetch: typeof fetch | undefined;
  timeoutMs: number;
  retry: Readonly<RetryPolicy>;
  headers: Readonly<Record<string, string>>;
  onRequest: ((event: FhirRequestEvent) => void) | undefined;
  onRequestSent: ((event: FhirRequestSentEvent) => void) | undefined;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}>;

const fn = <T>() => z.custom<T>((value) => typeof value === 'function', 'expected a function');
const httpMethod = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ms = z.number().int().nonnegative();

const optionsSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }).refine((value) => {
      const url = new URL(value);
      return url.search === '' && url.hash === '' && url.username === '' && url.password === '';
    }, 'expected a FHIR base URL without query, fragment or credentials'),
    getAccessToken: fn<AccessTokenProvider>().optional(),
    fetch: fn<typeof fetch>().optional(),
    timeoutMs: z.number().int().positive().optional(),
    retry: z
      .object({
        limit: z.number().int().nonnegative(),
        methods: z.array(httpMethod),
        statusCodes: z.array(z.number().int().min(100).max(599)),
        backoffBaseMs: ms,
        backoffLimitMs: ms,
        maxRetryAfterMs: ms,
      })
      .strict()
      .partial()
      .optional(),
    headers: z.record(z.string(), z.string()).optional(),
    onRequest: fn<(event: FhirRequestEvent) => void>().optional(),
    onRequestSent: fn<(event: FhirRequestSentEvent) => void>().optional(),
    now: fn<() => number>().optional(),
    sleep: fn<(ms: number, signal?: AbortSignal) => Promise<void>>().optional(),
    random: fn<() => number>().optional(),
  })
  .strict();

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

export function resolveFhirClientOptions(options: FhirClientOptions): ResolvedFhirClientOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
    throw new EhrgateError('ERR_CONFIG_INVALID', `createFhirClient: ${where}: ${issue.message}`);
  }
  const o = parsed.data;
  return Object.freeze({
    baseUrl: o.baseUrl.replace(/\/+$/, ''),
    getAccessToken: o.getAccessToken,
    fetch: o.fetch,
    timeoutMs: o.timeoutMs ?? DEFAULT_FHIR_TIMEOUT_MS,
    retry: Object.freeze({ ...DEFAULT_RETRY_POLICY, ...o.retry }),
    headers: Object.freeze({ ...o.headers }),
    onRequest: o.onRequest,
    onRequestSent: o.onRequestSent,
    // Wall-clock milliseconds (a Retry-After date is compared with it) at sub-millisecond resolution.
    now: o.now ?? (() => performance.timeOrigin + performance.now()),
    sleep: o.sleep ?? defaultSleep,
    random: o.random ?? Math.random,
  });
}
