// Errors of the sandbox authorization server. The sandbox imports nothing from the gateway
// (DESIGN.md section 2), so it keeps its own small catalog instead of src/errors.ts.
//
// Two kinds: `OAuthError` is a protocol answer sent to the client in the RFC 6749 section 5.2
// shape; `SandboxAuthError` is misuse of this module by the code or test that hosts it.

/** Error codes of RFC 6749 section 5.2, each with the HTTP status it is sent with. */
export const OAUTH_ERROR_STATUS = {
  invalid_request: 400,
  // 400 unless the client authenticated with the Authorization header, which RFC 6749 section
  // 5.2 turns into a 401 with WWW-Authenticate (see `OAuthError`).
  invalid_client: 400,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  // RFC 6749 section 4.1.2.1; sent with 500 when this server itself fails.
  server_error: 500,
} as const;

export type OAuthErrorCode = keyof typeof OAUTH_ERROR_STATUS;

export interface OAuthErrorOptions {
  readonly cause?: unknown;
  /** The scheme of the Authorization header the client used, if any (RFC 6749 section 5.2). */
  readonly authScheme?: string;
}

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(error: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(description, { cause: options.cause });
    this.name = this.constructor.name;
    this.error = error;
    // RFC 6749 section 5.2: "If the client attempted to authenticate via the Authorization
    // request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized)
    // status code and include the WWW-Authenticate response header field matching the
    // authentication scheme used by the client."
    if (error === 'invalid_client' && options.authScheme !== undefined) {
      this.status = 401;
      this.headers = { 'www-authenticate': `${options.authScheme} realm="sandbox"` };
    } else {
      this.status = OAUTH_ERROR_STATUS[error];
      this.headers = {};
    }
  }

  /** The response body of RFC 6749 section 5.2. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

export const SANDBOX_AUTH_ERROR_CODES = [
  'ERR_SANDBOX_AUTH_CLIENT_INVALID',
  'ERR_SANDBOX_AUTH_OPTIONS',
] as const;

export type SandboxAuthErrorCode = (typeof SANDBOX_AUTH_ERROR_CODES)[number];

export class SandboxAuthError extends Error {
  readonly code: SandboxAuthErrorCode;

  constructor(code: SandboxAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.code = code;
  }
}
