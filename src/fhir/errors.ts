// Every failure of a FHIR call is one FhirError. The EHR's own words (status, OperationOutcome,
// WWW-Authenticate challenge, request id) are kept unchanged so a log line, a doctor report or a
// staff work item can quote them (STYLE.md rule 4). Callers discriminate on `code` or `kind`.
import type { OperationOutcome } from '@medplum/fhirtypes';
import { EhrgateError, type ErrorCode } from '../errors.ts';

export type FhirErrorKind =
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'business-rule'
  | 'rate-limited'
  | 'server'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'aborted';

export const FHIR_ERROR_CODES = {
  'bad-request': 'ERR_FHIR_BAD_REQUEST',
  unauthorized: 'ERR_FHIR_UNAUTHORIZED',
  forbidden: 'ERR_FHIR_FORBIDDEN',
  'not-found': 'ERR_FHIR_NOT_FOUND',
  conflict: 'ERR_FHIR_CONFLICT',
  'precondition-failed': 'ERR_FHIR_PRECONDITION_FAILED',
  'business-rule': 'ERR_FHIR_BUSINESS_RULE',
  'rate-limited': 'ERR_FHIR_RATE_LIMITED',
  server: 'ERR_FHIR_SERVER',
  timeout: 'ERR_FHIR_TIMEOUT',
  network: 'ERR_FHIR_NETWORK',
  'invalid-response': 'ERR_FHIR_INVALID_RESPONSE',
  aborted: 'ERR_FHIR_ABORTED',
} as const satisfies Record<FhirErrorKind, ErrorCode>;

/** One OperationOutcome.issue, flattened for logs and decisions (FHIR R4 operationoutcome.html). */
export type FhirIssue = {
  severity: string;
  code: string;
  diagnostics?: string;
  details?: string;
  expression?: readonly string[];
};

export type FhirErrorInit = {
  kind: FhirErrorKind;
  method: string;
  /** URL path only: a query string may hold PHI (a name, a birth date). */
  path: string;
  /** The EHR's HTTP status; absent when no response arrived. */
  ehrStatus?: number;
  outcome?: OperationOutcome;
  issues?: readonly FhirIssue[];
  requestId?: string;
  retryAfterMs?: number;
  insufficientScope?: boolean;
  scope?: string;
  /** `error` of the Bearer WWW-Authenticate challenge (RFC 6750 section 3.1), e.g. invalid_token. */
  authError?: string;
  /** Socket-level code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET...) of a network failure. */
  networkCode?: string;
  /** Set when we know no byte of the request left this host (refused before sending). */
  neverSent?: boolean;
  /** Our own explanation when the EHR gave none (timeouts, HTML pages, refused links). */
  detail?: string;
  cause?: unknown;
};

// Socket codes raised while connecting, before any byte of the request left this host: the EHR
// cannot have applied such a request. Everything else (ECONNRESET, "other side closed"...) may
// have happened after the server read the request.
const NOT_SENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class FhirError extends EhrgateError {
  readonly kind: FhirErrorKind;
  readonly method: string;
  readonly path: string;
  // Not `status`: EhrgateError.status is what the gateway answers at its HTTP edge (a 401 from the
  // EHR must become a 502 for the voice platform, not a 401 about the platform's own credentials).
  readonly ehrStatus: number | undefined;
  readonly outcome: OperationOutcome | undefined;
  readonly issues: readonly FhirIssue[];
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly insufficientScope: boolean;
  readonly scope: string | undefined;
  readonly authError: string | undefined;
  readonly networkCode: string | undefined;
  /** True when we know the request never reached the EHR, so it cannot have been applied. */
  readonly neverSent: boolean;

  constructor(init: FhirErrorInit) {
    super(FHIR_ERROR_CODES[init.kind], formatMessage(init), { cause: init.cause });
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.ehrStatus = init.ehrStatus;
    this.outcome = init.outcome;
    this.issues = init.issues ?? [];
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.insufficientScope = init.insufficientScope ?? false;
    this.scope = init.scope;
    this.authError = init.authError;
    this.networkCode = init.networkCode;
    this.neverSent =
      init.neverSent ?? (init.networkCode !== undefined && NOT_SENT_NETWORK_CODES.has(init.networkCode));
  }
}

export function isFhirError(value: unknown, kind?: FhirErrorKind): value is FhirError {
  return value instanceof FhirError && (kind === undefined || value.kind === kind);
}

const MAX_MESSAGE_DETAIL_CHARS = 300;

function formatMessage(init: FhirErrorInit): string {
  const status = init.ehrStatus === undefined ? init.kind : `HTTP ${init.ehrStatus} (${init.kind})`;
  const first = init.issues?.[0];
  const said = init.detail ?? first?.diagnostics ?? first?.details;
  const oneLine = said?.replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_DETAIL_CHARS);
  return `FHIR ${init.method} ${init.path} failed: ${status}${oneLine ? `: ${oneLine}` : ''}`;
}

/**
 * True when a failed request may nevertheless have been applied by the EHR: our timeout fired or
 * the caller aborted after the request may have been sent, the connection broke after sending,
 * the EHR answered 5xx, or it answered 2xx with a body we could not read. A verified write
 * (DESIGN.md section 4, step 3) must search for the resource before any resend in these cases.
 * It judges the failure only; call it on the failure of a write.
 */
export function isAmbiguousWriteFailure(err: unknown): boolean {
  if (!(err instanceof FhirError) || err.neverSent) return false;
  switch (err.kind) {
    case 'timeout':
      // A 408 is the server saying it gave up reading the request: not applied.
      return err.ehrStatus === undefined;
    case 'aborted':
    case 'network':
    case 'server':
      return true;
    case 'invalid-response':
      return err.ehrStatus !== undefined && err.ehrStatus >= 200 && err.ehrStatus < 300;
    default:
      return false;
  }
}
