// The FHIR client's public shapes. Resource types come from @medplum/fhirtypes (FHIR R4).
import type { Bundle, ExtractResource, Parameters, Resource, ResourceType } from '@medplum/fhirtypes';
import type { ErrorCode } from '../errors.ts';
import type { RetryPolicy } from './retry-policy.ts';

/**
 * Supplies a bearer token; the auth module implements it. `forceRefresh` follows a 401, and
 * `rejectedToken` is the token the EHR refused.
 */
export type AccessTokenProvider = (opts: {
  forceRefresh: boolean;
  rejectedToken?: string;
}) => Promise<string>;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type SearchParamValue = string | number | boolean;

/** A record's array values repeat the parameter: `{ start: ['ge2026-01-01', 'lt2026-01-02'] }`. */
export type SearchParams =
  | URLSearchParams
  | Readonly<Record<string, SearchParamValue | readonly SearchParamValue[] | undefined>>;

/** One attempt of one request, for audit and metrics. `url` is the full URL (its query may hold PHI). */
export type FhirRequestEvent = {
  method: HttpMethod;
  url: string;
  /** URL path without the query string. */
  path: string;
  /** The EHR's HTTP status; absent when no response arrived. */
  status: number | undefined;
  /** When the attempt was sent, on the client's clock (FhirClientOptions.now, epoch ms). */
  startedAt: number;
  /** From sending to the last byte of the response (or the failure): the EHR's and the network's time, not the parse. */
  durationMs: number;
  /** 1 for the first attempt, counting retries and the repeat after a 401. */
  attempt: number;
  /** Set when the attempt failed. */
  errorCode: ErrorCode | undefined;
};

/**
 * One attempt handed to the connection, before any answer: what a write-ahead record needs (the
 * audit chain records a read while the EHR works on it, compliance/audit/audit-ehr-requests.ts).
 */
export type FhirRequestSentEvent = Pick<
  FhirRequestEvent,
  'method' | 'url' | 'path' | 'startedAt' | 'attempt'
>;

export type FhirClientOptions = {
  /** The FHIR base, e.g. https://fhir-ehr.cerner.com/r4/{tenant} or .../api/FHIR/R4. */
  baseUrl: string;
  getAccessToken?: AccessTokenProvider;
  /** Sends every request through this fetch instead of undici request() on a keep-alive Agent of the client (tests, recorders). */
  fetch?: typeof fetch;
  /** Per attempt, covering the response headers and body. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Sent with every request (e.g. Epic-Client-ID). */
  headers?: Record<string, string>;
  /** Called once per attempt; it must not throw (an exception from it is ignored). */
  onRequest?: (event: FhirRequestEvent) => void;
  /**
   * Called once per attempt when the transport has had its turn to write it (on a kept-alive
   * connection: on the wire), before its answer; as onRequest, it must not throw.
   */
  onRequestSent?: (event: FhirRequestSentEvent) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1); injectable so tests can pin backoff delays. */
  random?: () => number;
};

export type CallOptions = { signal?: AbortSignal };

export type RequestOptions = CallOptions & {
  /** A string is sent as is (as FHIR JSON unless `headers` say otherwise), URLSearchParams as a form, anything else as FHIR JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `false` sends the request once, whatever the method. */
  retry?: false;
};

export type FhirResponse = {
  /** The URL the request went to. */
  url: string;
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the body was empty. */
  body: unknown;
  etag: string | undefined;
  location: string | undefined;
};

export type FhirWriteResult<T extends Resource> = {
  status: number;
  /** The resource the EHR returned, if it returned one (Cerner answers 201 with no body). */
  resource: T | undefined;
  etag: string | undefined;
  location: string | undefined;
  /** From the returned resource, else parsed from Location. */
  id: string | undefined;
  /** From the returned resource, else from ETag or Location. */
  versionId: string | undefined;
};

export type SearchOptions = CallOptions & {
  /** POST [type]/_search keeps search values out of URLs and proxy logs (FHIR R4 http.html#search). */
  method?: 'GET' | 'POST';
};

export type SearchAllOptions = SearchOptions & { maxPages?: number };

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export type OperationOptions = CallOptions & { method?: 'GET' | 'POST' };

export interface FhirClient {
  readonly baseUrl: string;
  read<K extends ResourceType>(type: K, id: string, opts?: CallOptions): Promise<ExtractResource<K>>;
  vread<K extends ResourceType>(
    type: K,
    id: string,
    versionId: string,
    opts?: CallOptions,
  ): Promise<ExtractResource<K>>;
  /** One page. */
  search<K extends ResourceType>(
    type: K,
    params?: SearchParams,
    opts?: SearchOptions,
  ): Promise<Bundle<ExtractResource<K>>>;
  /**
   * Follows Bundle.link[next] up to maxPages and returns one searchset Bundle holding every
   * page's entries. When pages remain, the returned Bundle keeps the unfollowed `next` link.
   */
  searchAll<K extends ResourceType>(
    type: K,
    params?: SearchParams,
    opts?: SearchAllOptions,
  ): Promise<Bundle<ExtractResource<K>>>;
  /** The matched resources of every page (entries with search.mode `match`; no includes, no outcomes). */
  searchResources<K extends ResourceType>(
    type: K,
    params?: SearchParams,
    opts?: SearchAllOptions,
  ): Promise<ExtractResource<K>[]>;
  create<T extends Resource>(
    resource: T,
    opts?: CallOptions & { ifNoneExist?: string | SearchParams },
  ): Promise<FhirWriteResult<T>>;
  update<T extends Resource>(
    resource: T,
    opts?: CallOptions & { ifMatch?: string },
  ): Promise<FhirWriteResult<T>>;
  patch<K extends ResourceType>(
    type: K,
    id: string,
    patch: readonly JsonPatchOperation[],
    opts: CallOptions & { ifMatch: string | undefined },
  ): Promise<FhirWriteResult<ExtractResource<K>>>;
  /** `Appointment/$find`, `Patient/$match`, `$export`... Returns the EHR's response resource. */
  operation<T extends Resource = Resource>(
    path: string,
    parameters?: Parameters,
    opts?: OperationOptions,
  ): Promise<T>;
  request(method: HttpMethod, path: string, opts?: RequestOptions): Promise<FhirResponse>;
  /** Closes the keep-alive connections the client owns. */
  close(): Promise<void>;
}
