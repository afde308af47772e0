// How send() puts one request on the wire. By default undici's own request() on the client's
// keep-alive pool: fetch builds a WHATWG Request, Response and web streams the client never uses,
// and measured here that is ~300 µs of CPU per FHIR page against ~120 µs through request(), on
// every EHR request of every tool call. An injected fetch (FhirClientOptions.fetch: tests that
// script failures, the doctor's recorder) is used as before.
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HttpMethod } from '../types.ts';

/** The response as send() reads it: what fetch's Response has, and all it needs of one. */
export type HttpResponse = {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  text(): Promise<string>;
};

export type HttpRequest = {
  readonly method: HttpMethod;
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
};

/** Sends one request; redirects are returned, never followed (see response.ts redirectError). */
export type Transport = (url: URL, request: HttpRequest) => Promise<HttpResponse>;

export function dispatcherTransport(dispatcher: Dispatcher): Transport {
  return async (url, request) => {
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    });
    return {
      status: response.statusCode,
      statusText: response.statusText,
      headers: toHeaders(response.headers),
      // The body is read for every response, HEAD's empty one too: an unread body keeps its
      // connection out of the pool.
      text: () => response.body.text(),
    };
  };
}

export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return (url, request) => fetchImpl(url, { ...request, redirect: 'manual' });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') headers.append(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  return headers;
}
