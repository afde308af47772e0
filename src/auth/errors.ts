// Errors of the SMART Backend Services client. Codes come from the one catalog in src/errors.ts;
// this subclass only adds what an operator needs to act: the authorization server's own words
// (`error` / `error_description`, RFC 6749 section 5.2) and a `fix` sentence. `status` stays the
// gateway's own answer (ERROR_STATUS); what the EHR answered is `endpointStatus`.
import { EhrgateError, type ErrorCode } from '../errors.ts';

export type AuthErrorCode = Extract<ErrorCode, `ERR_AUTH_${string}`>;

export interface AuthErrorDetails {
  /** What the operator should do about it, as one sentence. */
  fix: string;
  /** The OAuth `error` code the server returned (`invalid_client`, ...), unchanged. */
  oauthError?: string;
  /** The server's `error_description`, unchanged (truncated to keep log lines bounded). */
  description?: string;
  /** HTTP status the token or discovery endpoint answered. */
  endpointStatus?: number;
  /** How long the server asked us to wait (429/503 `Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

const MAX_DESCRIPTION_CHARS = 500;

export class AuthError extends EhrgateError {
  override readonly code: AuthErrorCode;
  readonly fix: string;
  readonly oauthError: string | undefined;
  readonly description: string | undefined;
  readonly endpointStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: AuthErrorCode, message: string, details: AuthErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.fix = details.fix;
    this.oauthError = details.oauthError;
    this.description = details.description?.slice(0, MAX_DESCRIPTION_CHARS);
    this.endpointStatus = details.endpointStatus;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A log- and JSON-safe view: no cause chain, nothing but what the server and we said. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      fix: this.fix,
      oauthError: this.oauthError,
      description: this.description,
      endpointStatus: this.endpointStatus,
    };
  }
}

export function isAuthError(value: unknown, code?: AuthErrorCode): value is AuthError {
  return value instanceof AuthError && (code === undefined || value.code === code);
}
