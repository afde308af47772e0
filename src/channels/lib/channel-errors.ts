// The error vocabulary of the HTTP-speaking channels (plain HTTP, OpenAI tool-call, the HTTP side
// of MCP): one code per thing the caller did wrong, each with the status it is answered with.
// The codes are the catalog's ToolCallError codes (src/tools/contract.ts) plus what the HTTP edge
// itself refuses before a tool is named (credential, body size, JSON syntax).
import type { ToolCallError } from '../../tools/contract.ts';

export const CHANNEL_ERROR_STATUS = {
  malformed_json: 400,
  invalid_request: 400,
  invalid_arguments: 400,
  unauthorized: 401,
  // PHI bound for a vendor the tenant does not list with a BAA (P7)
  phi_flow_refused: 403,
  // Another tenant's call is answered as if it did not exist: a credential learns nothing about
  // other tenants' call ids (issue 6 item 4).
  call_belongs_to_another_tenant: 404,
  unknown_tool: 404,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ChannelErrorCode = keyof typeof CHANNEL_ERROR_STATUS;

export type ChannelError = {
  readonly code: ChannelErrorCode;
  /** One precise line the integrator can act on; never PHI, never a credential. */
  readonly message: string;
  /** Seconds, for 429 (RFC 9110 section 10.2.3). */
  readonly retryAfterSeconds?: number;
};

export function channelError(code: ChannelErrorCode, message: string): ChannelError {
  return { code, message };
}

export function fromToolCallError(error: ToolCallError): ChannelError {
  return { code: error.code, message: error.message };
}

/** The `{error:{code,message}}` body of the plain HTTP and OpenAI channels. */
export function errorBody(error: ChannelError): { error: { code: ChannelErrorCode; message: string } } {
  return { error: { code: error.code, message: error.message } };
}
