// Internal HTTP helpers shared by discovery and the token request. Never exported from
// src/auth/index.ts (STYLE.md rule 1).

/** The subset of WHATWG fetch the auth client uses; inject it in tests or to add an undici Agent. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export type HttpFailure =
  | { kind: 'timeout'; timeoutMs: number; cause: unknown }
  | { kind: 'aborted'; cause: unknown }
  | { kind: 'network'; cause: unknown };

export interface HttpResult {
  response: Response;
  bodyText: string;
}

/**
 * One request with a hard deadline covering headers and body (STYLE.md rule 10). Resolves with
 * the response and its body text, or with a classified failure, so callers map every outcome to
 * their own typed error without catching `unknown` again.
 */
export async function fetchText(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpResult | HttpFailure> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([timeout, signal]);
  try {
    const response = await fetchImpl(url, { ...init, signal: combined });
    const bodyText = await response.text();
    return { response, bodyText };
  } catch (cause) {
    if (timeout.aborted) return { kind: 'timeout', timeoutMs, cause };
    if (signal?.aborted) return { kind: 'aborted', cause };
    return { kind: 'network', cause };
  }
}

export function isHttpFailure(value: HttpResult | HttpFailure): value is HttpFailure {
  return 'kind' in value;
}

/** A load balancer's or portal's error page instead of the JSON the spec promises. */
export function looksLikeHtml(response: Response, bodyText: string): boolean {
  const contentType = response.headers.get('content-type') ?? '';
  if (/html/i.test(contentType)) return true;
  return /^\s*<(!doctype|html|head|body)/i.test(bodyText);
}

/** `<title>` of an HTML error page: the server's own words, without dumping the page. */
export function htmlTitle(bodyText: string): string | undefined {
  const match = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(bodyText);
  return match?.[1]?.trim() || undefined;
}

export function parseJson(bodyText: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bodyText) };
  } catch {
    return { ok: false };
  }
}

/** RFC 9110 section 10.2.3: delay-seconds or an HTTP-date. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export function describeFailure(failure: HttpFailure): string {
  switch (failure.kind) {
    case 'timeout':
      return `did not answer within ${failure.timeoutMs} ms`;
    case 'aborted':
      return 'request was aborted';
    case 'network': {
      const cause = failure.cause;
      const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
      const code =
        inner instanceof Error && 'code' in inner && typeof inner.code === 'string' ? ` (${inner.code})` : '';
      return `could not be reached${code}`;
    }
  }
}
