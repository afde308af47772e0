export { createFhirClient } from './client.ts';
export {
  FHIR_ERROR_CODES,
  FhirError,
  type FhirErrorKind,
  type FhirIssue,
  isAmbiguousWriteFailure,
  isFhirError,
} from './errors.ts';
export {
  DEFAULT_FHIR_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_SEARCH_MAX_PAGES,
} from './options.ts';
export {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_BACKOFF_BASE_MS,
  DEFAULT_RETRY_BACKOFF_LIMIT_MS,
  DEFAULT_RETRY_LIMIT,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from './retry-policy.ts';
export type {
  AccessTokenProvider,
  CallOptions,
  FhirClient,
  FhirClientOptions,
  FhirRequestEvent,
  FhirRequestSentEvent,
  FhirResponse,
  FhirWriteResult,
  HttpMethod,
  JsonPatchOperation,
  OperationOptions,
  RequestOptions,
  SearchAllOptions,
  SearchOptions,
  SearchParams,
  SearchParamValue,
} from './types.ts';
