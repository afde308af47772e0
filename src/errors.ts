// The one error catalog (STYLE.md rule 3). Every error that crosses a module boundary is an
// EhrgateError with a code listed here exactly once, with the HTTP status the gateway answers
// when the error reaches an HTTP edge. Modules may subclass EhrgateError to carry extra fields
// (the EHR's OperationOutcome, the missing scope) but never invent codes outside this table.

export const ERROR_STATUS = {
  // configuration and start-up: the process stops with exit code 2
  ERR_CONFIG_FILE: 500,
  ERR_CONFIG_INVALID: 500,
  ERR_CONFIG_SECRET_MISSING: 500,
  ERR_PORT_IN_USE: 500,
  ERR_STARTUP: 500,

  // store
  ERR_STORE_UNAVAILABLE: 503,
  ERR_STORE_MIGRATION: 500,
  ERR_STORE_CONSTRAINT: 409,

  // encryption at rest (compliance/encryption): a sealed PHI column that cannot be opened
  ERR_DATA_KEY_UNKNOWN: 500, // sealed under a key id this process's keyring does not hold
  ERR_DATA_UNREADABLE: 500, // malformed, or failed authentication (changed or under another key)

  // FHIR client: the EHR answered (or did not); the EHR's own OperationOutcome is kept
  ERR_FHIR_BAD_REQUEST: 502,
  ERR_FHIR_UNAUTHORIZED: 502,
  ERR_FHIR_FORBIDDEN: 502,
  ERR_FHIR_NOT_FOUND: 404,
  ERR_FHIR_CONFLICT: 409,
  ERR_FHIR_PRECONDITION_FAILED: 409,
  ERR_FHIR_BUSINESS_RULE: 422,
  ERR_FHIR_RATE_LIMITED: 503,
  ERR_FHIR_SERVER: 502,
  ERR_FHIR_TIMEOUT: 504,
  ERR_FHIR_NETWORK: 502,
  ERR_FHIR_INVALID_RESPONSE: 502,
  ERR_FHIR_ABORTED: 499,

  // SMART Backend Services
  ERR_AUTH_DISCOVERY: 502,
  ERR_AUTH_CLIENT_REJECTED: 502,
  ERR_AUTH_GRANT_REJECTED: 502,
  ERR_AUTH_SCOPE_REJECTED: 502,
  ERR_AUTH_TOKEN_ENDPOINT: 502,
  ERR_AUTH_TOKEN_RESPONSE: 502,
  ERR_AUTH_KEY: 500,
  ERR_AUTH_NOT_AUTHORIZED: 403,

  // EHR adapters and scheduling (the agent hears an outcome; these travel between layers)
  ERR_SLOT_TAKEN: 409,
  ERR_EHR_UNSUPPORTED: 501,
  ERR_EHR_RULE: 422,
  ERR_OFFER_INVALID: 400,
  ERR_PATIENT_HANDLE_INVALID: 400,
  ERR_INVALID_INPUT: 400,
  ERR_WRITE_NOT_VERIFIED: 502,
  ERR_PHI_TOKEN_UNKNOWN: 400, // a PHI token this call's vault never issued (forged, or another call's)
  ERR_PHI_FLOW_REFUSED: 403, // PHI bound for a vendor the tenant lists without a BAA, or not at all
  ERR_RESOURCE_INVALID: 500,

  // channels: a request that does not authenticate to exactly one tenant, or exceeds its rate
  ERR_CHANNEL_UNAUTHENTICATED: 401,
  ERR_CHANNEL_RATE_LIMITED: 429,

  // sandbox control
  ERR_SANDBOX: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class EhrgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.name = this.constructor.name;
  }
}

export function isEhrgateError(value: unknown, code?: ErrorCode): value is EhrgateError {
  return value instanceof EhrgateError && (code === undefined || value.code === code);
}
