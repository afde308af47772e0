// One token manager per tenant (DESIGN.md promise P6): caches the access token, renews it before
// expiry, and makes sure that however many calls wait, one token request is in flight.
//
// Renewal is lazy: the first call inside the renewal window starts a background renewal and is
// answered at once with the still-valid token; only a call that finds no valid token at all
// (an idle tenant, or the very first call) waits for the request. Chosen over a proactive timer
// because it needs no timer to unref or close, behaves exactly under an injected clock, and does
// not make idle tenants request tokens around the clock (each token request is audited and rate
// limited by the EHR). The price: after an idle spell longer than the token lifetime, the first
// call waits one token round trip.
//
// Expiry is computed from OUR clock when the request was sent, never from server times: the
// token was issued no earlier than that, so the computed expiry is never later than the real one,
// whatever the skew between the clocks (the server's `Date` is kept only as a diagnostic).
import { EhrgateError, type ErrorCode, isEhrgateError } from '../errors.ts';
import { AuthError } from './errors.ts';
import type { TokenResponse } from './request-token.ts';

/** Same shape as the FHIR client's provider (src/fhir), defined structurally to keep the layers apart. */
export type AccessTokenProvider = (opts: { forceRefresh: boolean }) => Promise<string>;

export interface GetAccessTokenOptions {
  /** Set after the EHR answered 401: the cached token is not good any more. */
  forceRefresh: boolean;
  /** The token the EHR rejected; a forced refresh is skipped when a newer token is already cached. */
  rejectedToken?: string;
}

export const DEFAULT_RENEW_AT_FRACTION = 0.8;
export const DEFAULT_RENEW_LEAD_MS = 60_000;
export const DEFAULT_BACKOFF_INITIAL_MS = 1_000;
export const DEFAULT_BACKOFF_MAX_MS = 60_000;
/** A caller without a valid token waits for a retry this close; farther away it fails at once. */
export const DEFAULT_MAX_WAIT_FOR_RETRY_MS = 2_000;
/** Without `rejectedToken`, a forced refresh this soon after obtaining a token reuses it. */
export const DEFAULT_FORCED_REFRESH_MIN_INTERVAL_MS = 5_000;

export type TokenManagerEvent =
  | { type: 'token-obtained'; expiresAt: string; grantedScopes: string[]; tokenRequests: number }
  | { type: 'token-failed'; error: TokenErrorSummary; nextAttemptAt: string; consecutiveFailures: number };

export interface TokenManagerOptions {
  /** Obtains one token (discovery, assertion, request). Called at most once at a time. */
  obtainToken: () => Promise<TokenResponse>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  random?: () => number;
  renewAtFraction?: number;
  renewLeadMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  maxWaitForRetryMs?: number;
  forcedRefreshMinIntervalMs?: number;
  /** For logs and metrics; never receives a token. Exceptions it throws are ignored. */
  onEvent?: (event: TokenManagerEvent) => void;
}

export interface TokenErrorSummary {
  code: ErrorCode;
  message: string;
  fix: string;
}

export interface TokenManagerState {
  status: 'ok' | 'renewing' | 'failing';
  lastError?: TokenErrorSummary;
  /** Token request attempts made, successful or not. */
  tokenRequests: number;
  /** Failed attempts since start. */
  failures: number;
  /** Failed attempts since the last success. */
  consecutiveFailures: number;
  expiresAt?: string;
  renewAt?: string;
  nextAttemptAt?: string;
  grantedScopes?: string[];
  /** Server `Date` minus our clock at the last token response, when the server sent one. */
  serverClockSkewMs?: number;
}

export interface TokenManager {
  getAccessToken(opts: GetAccessTokenOptions): Promise<string>;
  state(): TokenManagerState;
}

interface CachedToken {
  accessToken: string;
  receivedAt: number;
  expiresAt: number;
  renewAt: number;
  grantedScopes: string[];
}

interface Config {
  obtainToken: () => Promise<TokenResponse>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  renewAtFraction: number;
  renewLeadMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  maxWaitForRetryMs: number;
  forcedRefreshMinIntervalMs: number;
  onEvent: ((event: TokenManagerEvent) => void) | undefined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function validate(options: TokenManagerOptions): Config {
  const config: Config = {
    obtainToken: options.obtainToken,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    renewAtFraction: options.renewAtFraction ?? DEFAULT_RENEW_AT_FRACTION,
    renewLeadMs: options.renewLeadMs ?? DEFAULT_RENEW_LEAD_MS,
    backoffInitialMs: options.backoffInitialMs ?? DEFAULT_BACKOFF_INITIAL_MS,
    backoffMaxMs: options.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS,
    maxWaitForRetryMs: options.maxWaitForRetryMs ?? DEFAULT_MAX_WAIT_FOR_RETRY_MS,
    forcedRefreshMinIntervalMs: options.forcedRefreshMinIntervalMs ?? DEFAULT_FORCED_REFRESH_MIN_INTERVAL_MS,
    onEvent: options.onEvent,
  };
  const bad = (name: string) =>
    new EhrgateError('ERR_CONFIG_INVALID', `token manager option ${name} is out of range`);
  if (!(config.renewAtFraction > 0 && config.renewAtFraction < 1)) throw bad('renewAtFraction');
  for (const name of [
    'renewLeadMs',
    'backoffInitialMs',
    'backoffMaxMs',
    'maxWaitForRetryMs',
    'forcedRefreshMinIntervalMs',
  ] as const) {
    if (!Number.isFinite(config[name]) || config[name] < 0) throw bad(name);
  }
  if (config.backoffMaxMs < config.backoffInitialMs) throw bad('backoffMaxMs');
  return Object.freeze(config);
}

function summarise(error: EhrgateError): TokenErrorSummary {
  return {
    code: error.code,
    message: error.message,
    fix: error instanceof AuthError ? error.fix : "check this tenant's auth configuration",
  };
}

function normalise(cause: unknown): EhrgateError {
  if (isEhrgateError(cause)) return cause;
  return new AuthError('ERR_AUTH_TOKEN_ENDPOINT', 'obtaining an access token failed unexpectedly', {
    fix: 'this is a bug in ehrgate: report it with the log line',
    cause,
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const config = validate(options);
  const { now } = config;

  let current: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;
  let tokenRequests = 0;
  let failures = 0;
  let consecutiveFailures = 0;
  let lastError: EhrgateError | undefined;
  let nextAttemptAt = 0;
  let serverClockSkewMs: number | undefined;

  function emit(event: TokenManagerEvent): void {
    try {
      config.onEvent?.(event);
    } catch {
      // a logging hook must not break token renewal
    }
  }

  // The EARLIER of renewAtFraction of the lifetime and renewLeadMs before expiry; tokens shorter
  // than twice the lead renew at half-life, else a 60-second token would renew on every call.
  function renewDelayMs(lifetimeMs: number): number {
    const delay = Math.min(lifetimeMs * config.renewAtFraction, lifetimeMs - config.renewLeadMs);
    return Math.max(delay, lifetimeMs / 2);
  }

  // Exponential with equal jitter (half fixed, half random), capped; a server's Retry-After wins
  // when longer, up to the cap.
  function backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    const base = Math.min(config.backoffMaxMs, config.backoffInitialMs * 2 ** (attempt - 1));
    const jittered = base / 2 + (config.random() * base) / 2;
    return Math.min(config.backoffMaxMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  async function attempt(): Promise<CachedToken> {
    tokenRequests += 1;
    const requestedAt = now();
    try {
      const response = await config.obtainToken();
      const receivedAt = now();
      const lifetimeMs = response.expiresInS * 1000;
      const token: CachedToken = {
        accessToken: response.accessToken,
        receivedAt,
        expiresAt: requestedAt + lifetimeMs,
        renewAt: requestedAt + renewDelayMs(lifetimeMs),
        grantedScopes: response.grantedScopes,
      };
      current = token;
      consecutiveFailures = 0;
      lastError = undefined;
      nextAttemptAt = 0;
      serverClockSkewMs = response.serverDate === undefined ? undefined : response.serverDate - receivedAt;
      emit({
        type: 'token-obtained',
        expiresAt: iso(token.expiresAt),
        grantedScopes: token.grantedScopes,
        tokenRequests,
      });
      return token;
    } catch (cause) {
      const error = normalise(cause);
      failures += 1;
      consecutiveFailures += 1;
      lastError = error;
      const retryAfterMs = error instanceof AuthError ? error.retryAfterMs : undefined;
      nextAttemptAt = now() + backoffMs(consecutiveFailures, retryAfterMs);
      emit({
        type: 'token-failed',
        error: summarise(error),
        nextAttemptAt: iso(nextAttemptAt),
        consecutiveFailures,
      });
      throw error;
    }
  }

  /** Single flight: joins the request in flight, or starts one (after any short backoff wait). */
  function renew(): Promise<CachedToken> {
    if (inflight !== undefined) return inflight;
    const waitMs = nextAttemptAt - now();
    if (waitMs > config.maxWaitForRetryMs && lastError !== undefined) {
      return Promise.reject(lastError);
    }
    const run = async (): Promise<CachedToken> => {
      if (waitMs > 0) await config.sleep(waitMs);
      return attempt();
    };
    const pending: Promise<CachedToken> = run().finally(() => {
      if (inflight === pending) inflight = undefined;
    });
    inflight = pending;
    // A background renewal may have no awaiting caller; its failure is recorded, never unhandled.
    pending.catch(() => {});
    return pending;
  }

  function skipForcedRefresh(token: CachedToken, rejectedToken: string | undefined, at: number): boolean {
    if (rejectedToken !== undefined) return rejectedToken !== token.accessToken;
    return at - token.receivedAt < config.forcedRefreshMinIntervalMs;
  }

  async function getAccessToken(opts: GetAccessTokenOptions): Promise<string> {
    const at = now();
    const token = current;
    const valid = token !== undefined && at < token.expiresAt;
    if (opts.forceRefresh) {
      if (inflight === undefined && valid && skipForcedRefresh(token, opts.rejectedToken, at)) {
        return token.accessToken;
      }
      return (await renew()).accessToken;
    }
    if (valid) {
      if (at >= token.renewAt && inflight === undefined && at >= nextAttemptAt) void renew();
      return token.accessToken;
    }
    return (await renew()).accessToken;
  }

  function state(): TokenManagerState {
    const snapshot: TokenManagerState = {
      status: consecutiveFailures > 0 ? 'failing' : inflight !== undefined ? 'renewing' : 'ok',
      tokenRequests,
      failures,
      consecutiveFailures,
    };
    if (lastError !== undefined) snapshot.lastError = summarise(lastError);
    if (current !== undefined) {
      snapshot.expiresAt = iso(current.expiresAt);
      snapshot.renewAt = iso(current.renewAt);
      snapshot.grantedScopes = [...current.grantedScopes];
    }
    if (consecutiveFailures > 0) snapshot.nextAttemptAt = iso(nextAttemptAt);
    if (serverClockSkewMs !== undefined) snapshot.serverClockSkewMs = serverClockSkewMs;
    return snapshot;
  }

  return { getAccessToken, state };
}
