// Turning one HTTP exchange into a FhirResponse or a FhirError.
import { FhirError, type FhirErrorKind } from '../errors.ts';
import type { FhirResponse, HttpMethod } from '../types.ts';
import { asOperationOutcome, insufficientScopeFromIssues, issuesOf } from './outcome.ts';
import { parseRetryAfter } from './retry-after.ts';
import type { HttpResponse } from './transport.ts';
import { bearerChallenge } from './www-authenticate.ts';

export type Exchange = { method: HttpMethod; url: URL };

type ResponseHead = Pick<HttpResponse, 'status' | 'statusText' | 'headers'>;

// FHIR R4 http.html#mime-type: application/fhir+json; plain application/json is accepted by the
// spec too, and application/json+fhir is the DSTU2 type some servers still send.
const JSON_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/fhir+json',
  'application/json',
  'application/json+fhir',
]);

// Headers vendors and proxies use for a request id to quote to their support desk.
const REQUEST_ID_HEADERS = ['x-request-id', 'opc-request-id', 'x-correlation-id', 'request-id'] as const;

export function mediaTypeOf(headers: Headers): string {
  return (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

export function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value !== null && value !== '') return value;
  }
  return undefined;
}

export function kindForStatus(status: number): FhirErrorKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 410: // Gone: deleted; for a caller the same as not found
      return 'not-found';
    case 408:
      return 'timeout';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition-failed';
    case 422:
      return 'business-rule';
    case 429:
      return 'rate-limited';
    default:
      return status >= 500 ? 'server' : 'bad-request';
  }
}

/** Reads the exchange; throws FhirError for anything but a 2xx with FHIR JSON or no body. */
export function toFhirResponse(
  response: ResponseHead,
  text: string,
  ex: Exchange,
  nowMs: number,
): FhirResponse {
  const { status, headers } = response;
  if (status >= 400) throw errorFromResponse(response, text, ex, nowMs);
  if (status < 200 || status >= 300) throw redirectError(response, ex);
  let body: unknown;
  if (text !== '') {
    const mediaType = mediaTypeOf(headers);
    if (!JSON_MEDIA_TYPES.has(mediaType)) throw notFhirJson(response, text, ex);
    try {
      body = JSON.parse(text);
    } catch {
      // The parser's message quotes the body, which may hold PHI: it is not kept as the cause.
      throw invalidResponse(response, ex, `the body is not valid JSON (content-type ${mediaType})`);
    }
  }
  return {
    url: ex.url.href,
    status,
    headers,
    body,
    etag: headers.get('etag') ?? undefined,
    location: headers.get('location') ?? headers.get('content-location') ?? undefined,
  };
}

function errorFromResponse(response: ResponseHead, text: string, ex: Exchange, nowMs: number): FhirError {
  const { status, headers } = response;
  const kind = kindForStatus(status);
  let parsed: unknown;
  if (text !== '' && JSON_MEDIA_TYPES.has(mediaTypeOf(headers))) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  const outcome = asOperationOutcome(parsed);
  const issues = issuesOf(outcome);
  const bearer =
    status === 401 || status === 403 ? bearerChallenge(headers.get('www-authenticate')) : undefined;

  let insufficientScope = false;
  let scope: string | undefined;
  if (status === 403) {
    // Epic: only the header, sometimes with an empty body. Cerner: only the OperationOutcome.
    // (DESIGN.md section 5, "missing scope")
    const fromOutcome = insufficientScopeFromIssues(issues);
    insufficientScope = bearer?.error === 'insufficient_scope' || fromOutcome !== undefined;
    scope = bearer?.scope ?? fromOutcome?.scope;
  }

  const first = issues[0];
  let detail: string | undefined;
  if (first?.diagnostics === undefined && first?.details === undefined) {
    if (insufficientScope) detail = `insufficient_scope${scope ? ` (requires ${scope})` : ''}`;
    else if (bearer?.error) detail = [bearer.error, bearer.error_description].filter(Boolean).join(': ');
    else if (first !== undefined) detail = first.code;
    else if (response.statusText) detail = response.statusText;
  }

  return new FhirError({
    kind,
    method: ex.method,
    path: ex.url.pathname,
    ehrStatus: status,
    outcome,
    issues,
    requestId: requestIdOf(headers),
    retryAfterMs: parseRetryAfter(headers.get('retry-after'), nowMs),
    insufficientScope,
    scope,
    authError: bearer?.error,
    detail,
  });
}

function invalidResponse(response: ResponseHead, ex: Exchange, detail: string): FhirError {
  return new FhirError({
    kind: 'invalid-response',
    method: ex.method,
    path: ex.url.pathname,
    ehrStatus: response.status,
    requestId: requestIdOf(response.headers),
    detail,
  });
}

function notFhirJson(response: ResponseHead, text: string, ex: Exchange): FhirError {
  const mediaType = mediaTypeOf(response.headers) || 'none';
  const looksHtml = mediaType === 'text/html' || /^\s*</.test(text);
  const what = looksHtml ? 'an HTML page' : `a body of content-type ${mediaType}`;
  return invalidResponse(
    response,
    ex,
    `expected FHIR JSON but got ${what} (content-type ${mediaType})` +
      (looksHtml ? ': a login or proxy page? Check baseUrl and that requests reach the FHIR server' : ''),
  );
}

function redirectError(response: ResponseHead, ex: Exchange): FhirError {
  const location = response.headers.get('location');
  let target = 'no Location';
  if (location !== null) {
    try {
      const url = new URL(location, ex.url);
      target = `${url.origin}${url.pathname}`;
    } catch {
      target = 'an unreadable Location';
    }
  }
  // Redirects are not followed: a FHIR API does not redirect, a login page does, and following one
  // to another origin could carry the request somewhere it was never meant to go.
  return invalidResponse(response, ex, `redirected to ${target}: a login page? Check baseUrl`);
}
