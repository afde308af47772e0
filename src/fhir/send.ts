// One FHIR request: bearer token, per-attempt timeout, retry policy, the single repeat after a
// 401, and one FhirRequestEvent per attempt. Everything the client does goes through here.
import { EhrgateError } from '../errors.ts';
import { FhirError } from './errors.ts';
import { isNetworkFailure, networkCodeOf } from './lib/network-error.ts';
import { type Exchange, toFhirResponse } from './lib/response.ts';
import type { HttpRequest, Transport } from './lib/transport.ts';
import { baseForResolving, resolveRequestUrl, sameOrigin } from './lib/url.ts';
import type { ResolvedFhirClientOptions } from './options.ts';
import { isRepeatable, retryDelayMs } from './retry-policy.ts';
import type { FhirResponse, HttpMethod, RequestOptions } from './types.ts';

export type Send = (method: HttpMethod, path: string, opts?: RequestOptions) => Promise<FhirResponse>;

export function createSend(options: ResolvedFhirClientOptions, transport: Transport): Send {
  const base = baseForResolving(options.baseUrl);
  const { getAccessToken, retry: policy, now, sleep, random, timeoutMs } = options;

  const emit: NonNullable<ResolvedFhirClientOptions['onRequest']> = (event) => {
    try {
      options.onRequest?.(event);
    } catch {
      // An audit or metrics hook must not turn an applied write into an apparent failure.
    }
  };
  const emitSent: NonNullable<ResolvedFhirClientOptions['onRequestSent']> = (event) => {
    try {
      options.onRequestSent?.(event);
    } catch {
      // As above: a hook never stands between the caller and the EHR's answer.
    }
  };

  async function attemptOnce(
    ex: Exchange,
    init: Omit<HttpRequest, 'signal'>,
    callerSignal: AbortSignal | undefined,
    attempt: number,
  ): Promise<FhirResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const started = now();
    let received: number | undefined;
    let status: number | undefined;
    let failure: unknown;
    try {
      const answered = transport(ex.url, { ...init, signal });
      // Reported once the transport has had its turn to write, so what the hook does (the audit
      // chain's commit) runs while the EHR works. undici writes to an idle kept-alive socket from
      // a setImmediate of its own (idle-socket validation, GHSA-35p6-xmwp-9g52), queued before
      // this one; on a new connection it writes once connected. An attempt that has already
      // failed is reported by onRequest alone.
      setImmediate(() => {
        if (received === undefined && failure === undefined)
          emitSent({
            method: ex.method,
            url: ex.url.href,
            path: ex.url.pathname,
            startedAt: started,
            attempt,
          });
      });
      const response = await answered;
      status = response.status;
      const text = await response.text();
      received = now();
      return toFhirResponse(response, text, ex, received);
    } catch (err) {
      failure = classify(err, ex, callerSignal, timeout, status);
      throw failure;
    } finally {
      emit({
        method: ex.method,
        url: ex.url.href,
        path: ex.url.pathname,
        status,
        startedAt: started,
        durationMs: (received ?? now()) - started,
        attempt,
        errorCode: failure instanceof EhrgateError ? failure.code : undefined,
      });
    }
  }

  function classify(
    err: unknown,
    ex: Exchange,
    callerSignal: AbortSignal | undefined,
    timeout: AbortSignal,
    status: number | undefined,
  ): unknown {
    if (err instanceof FhirError) return err;
    const common = { method: ex.method, path: ex.url.pathname, cause: err };
    if (callerSignal?.aborted)
      return new FhirError({ ...common, kind: 'aborted', detail: 'aborted by the caller' });
    if (timeout.aborted) {
      const after = status === undefined ? '' : ` (HTTP ${status} headers arrived, the body did not)`;
      return new FhirError({
        ...common,
        kind: 'timeout',
        detail: `no response within ${timeoutMs} ms${after}`,
      });
    }
    if (isNetworkFailure(err)) {
      const networkCode = networkCodeOf(err);
      return new FhirError({
        ...common,
        kind: 'network',
        networkCode,
        detail: networkCode ?? 'connection failed',
      });
    }
    // Not a transport failure we recognise (a bug, a bad header value): never retried, passed on.
    return err;
  }

  return async function send(method, path, opts = {}) {
    const url = resolveRequestUrl(base, path);
    const ex: Exchange = { method, url };
    if (!sameOrigin(url, base)) {
      throw new FhirError({
        kind: 'invalid-response',
        method,
        path: url.pathname,
        neverSent: true,
        detail: `refused to send to ${url.origin}: not the origin of the FHIR base (${base.origin}), and the access token must not leave it`,
      });
    }
    const signal = opts.signal;
    if (signal?.aborted) {
      throw new FhirError({
        kind: 'aborted',
        method,
        path: url.pathname,
        neverSent: true,
        cause: signal.reason,
      });
    }

    // Names in lower case, so a caller's `Accept` replaces ours instead of going beside it.
    const headers: Record<string, string> = { accept: 'application/fhir+json' };
    setAll(headers, options.headers);
    let body: string | undefined;
    if (typeof opts.body === 'string') {
      body = opts.body;
      headers['content-type'] = 'application/fhir+json';
    } else if (opts.body instanceof URLSearchParams) {
      body = opts.body.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/fhir+json';
    }
    setAll(headers, opts.headers);

    const repeatable = opts.retry !== false && isRepeatable(policy, method, url);
    let retries = 0;
    let refreshed = false;
    let token: string | undefined;
    for (let attempt = 1; ; attempt++) {
      if (getAccessToken !== undefined) {
        token ??= await getAccessToken({ forceRefresh: false });
        headers.authorization = `Bearer ${token}`;
      }
      try {
        return await attemptOnce(ex, { method, headers, body }, signal, attempt);
      } catch (err) {
        if (!(err instanceof FhirError)) throw err;
        const rejectedToken = token;
        token = undefined;
        // A 401 means the EHR did not process the request, so any method may be repeated once
        // with a fresh token (RFC 6750 section 3.1, invalid_token: the token expired or was revoked).
        if (err.kind === 'unauthorized' && getAccessToken !== undefined && !refreshed) {
          refreshed = true;
          // Naming the refused token lets the provider tell a revoked token (renew now) from
          // one that a concurrent refresh already replaced (use the replacement).
          token = await getAccessToken({ forceRefresh: true, rejectedToken });
          continue;
        }
        if (!repeatable) throw err;
        const wait = retryDelayMs(policy, err, retries + 1, random);
        if (wait === undefined) throw err;
        retries++;
        try {
          await sleep(wait, signal);
        } catch (sleepErr) {
          if (!signal?.aborted) throw sleepErr;
        }
        if (signal?.aborted) {
          throw new FhirError({
            kind: 'aborted',
            method,
            path: url.pathname,
            detail: 'aborted during retry backoff',
            cause: err,
          });
        }
      }
    }
  };
}

function setAll(headers: Record<string, string>, values: Readonly<Record<string, string>> | undefined): void {
  for (const [name, value] of Object.entries(values ?? {})) headers[name.toLowerCase()] = value;
}
