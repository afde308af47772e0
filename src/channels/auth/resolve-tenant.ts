// Credential -> tenant (issue 6 item 4): a request is authenticated to exactly one tenant before
// any work, from the credential its channel carries. Pure apart from the replay guard: nothing
// here touches the store or the EHR.
import type { ChannelName } from '../../tools/contract.ts';
import type { CredentialIndex } from './credential-index.ts';
import { type HeaderBag, singleHeader } from './lib/header.ts';
import type { ReplayGuard } from './replay-guard.ts';
import { parseRetellSignature, RETELL_SIGNATURE_HEADER, retellSignatureMatches } from './retell-signature.ts';
import {
  signVapiRequest,
  VAPI_SECRET_HEADER,
  VAPI_SIGNATURE_HEADER,
  VAPI_TIMESTAMP_HEADERS,
  vapiHmacMatches,
  vapiTimestampMs,
} from './vapi-signature.ts';

export type AuthRequest = {
  readonly channel: ChannelName;
  /** Incoming headers with lower-case names (Node's `request.headers`). */
  readonly headers: HeaderBag;
  /** The body exactly as received: signatures are computed over these bytes. */
  readonly rawBody?: string | Buffer;
};

export type AuthMethod = 'api-key' | 'vapi-bearer' | 'vapi-secret' | 'vapi-hmac' | 'retell-signature';

export type AuthFailureCode =
  | 'missing_credential'
  | 'invalid_credential'
  | 'bad_signature'
  | 'stale_signature'
  | 'replayed_request'
  | 'rate_limited';

export type AuthSuccess = {
  readonly ok: true;
  readonly tenantId: string;
  readonly channel: ChannelName;
  readonly method: AuthMethod;
};

export type AuthFailure = {
  readonly ok: false;
  readonly code: AuthFailureCode;
  /** One precise line for the platform; never echoes the credential. */
  readonly message: string;
  readonly status: 401 | 429;
  /** The tenant, when the credential was good but the request was not (replay, rate). */
  readonly tenantId?: string;
  readonly retryAfterMs?: number;
};

export type AuthResult = AuthSuccess | AuthFailure;

export type ResolveTenantContext = {
  readonly credentials: CredentialIndex;
  readonly replayGuard: ReplayGuard;
};

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
/**
 * The default Signature Header of Vapi's HMAC credential ("Defaults to 'x-signature'",
 * HMACAuthenticationPlan in Vapi's API reference). It only ever carries an HMAC, so unlike
 * X-Vapi-Signature the legacy plain secret is not looked for in it.
 */
const VAPI_HMAC_SIGNATURE_HEADER = 'x-signature';

export function resolveTenant(context: ResolveTenantContext, request: AuthRequest): AuthResult {
  switch (request.channel) {
    case 'vapi':
      return resolveVapi(context, request);
    case 'retell':
      return resolveRetell(context, request);
    case 'http':
    case 'openai':
    case 'mcp':
      return resolveApiKey(context, request);
    default:
      return failure('invalid_credential', `the ${request.channel} channel takes no external credential`);
  }
}

function bearerToken(headers: HeaderBag): string | undefined | null {
  const header = singleHeader(headers, 'authorization');
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1] ?? null;
}

function resolveApiKey(context: ResolveTenantContext, request: AuthRequest): AuthResult {
  const token = bearerToken(request.headers);
  if (token === undefined) return failure('missing_credential', 'missing Authorization: Bearer <api key>');
  if (token === null)
    return failure('invalid_credential', 'the Authorization header is not "Bearer <api key>"');
  const found = context.credentials.bearer(request.channel, token);
  if (!found)
    return failure('invalid_credential', `the API key is not valid for the ${request.channel} channel`);
  return { ok: true, tenantId: found.tenantId, channel: request.channel, method: 'api-key' };
}

function resolveVapi(context: ResolveTenantContext, request: AuthRequest): AuthResult {
  const { headers } = request;
  const token = bearerToken(headers);
  if (typeof token === 'string') {
    const found = context.credentials.bearer('vapi', token);
    if (found) return { ok: true, tenantId: found.tenantId, channel: 'vapi', method: 'vapi-bearer' };
    return failure('invalid_credential', 'the bearer token is not a Vapi secret of any tenant');
  }
  const secret = singleHeader(headers, VAPI_SECRET_HEADER);
  if (secret !== undefined) {
    const found = context.credentials.bearer('vapi', secret);
    if (found) return { ok: true, tenantId: found.tenantId, channel: 'vapi', method: 'vapi-secret' };
    return failure('invalid_credential', 'X-Vapi-Secret is not a Vapi secret of any tenant');
  }
  const vapiSignature = singleHeader(headers, VAPI_SIGNATURE_HEADER);
  if (vapiSignature !== undefined) {
    // The legacy server.secret arrives verbatim in X-Vapi-Signature (Vapi server-authentication docs).
    const plain = context.credentials.bearer('vapi', vapiSignature);
    if (plain) return { ok: true, tenantId: plain.tenantId, channel: 'vapi', method: 'vapi-secret' };
    return resolveVapiHmac(context, request, vapiSignature, 'X-Vapi-Signature');
  }
  const hmacSignature = singleHeader(headers, VAPI_HMAC_SIGNATURE_HEADER);
  if (hmacSignature !== undefined) return resolveVapiHmac(context, request, hmacSignature, 'X-Signature');
  return failure(
    'missing_credential',
    'missing Authorization: Bearer, X-Vapi-Secret, X-Vapi-Signature or X-Signature',
  );
}

/** Same verification and replay key whichever header carried the signature. */
function resolveVapiHmac(
  context: ResolveTenantContext,
  request: AuthRequest,
  signature: string,
  headerName: string,
): AuthResult {
  const { headers } = request;
  const rawBody = request.rawBody ?? '';
  const timestampHeader = VAPI_TIMESTAMP_HEADERS.map((name) => singleHeader(headers, name)).find(
    (value) => value !== undefined,
  );
  const tenant = context.credentials.vapiSecrets.find(({ secret: key }) =>
    vapiHmacMatches(rawBody, key, signature, timestampHeader),
  );
  if (!tenant)
    return failure('bad_signature', `${headerName} does not match the request body for any tenant`);
  // Without a timestamp header the signed body's own message.timestamp dates the request.
  const timestampMs = vapiTimestampMs(timestampHeader ?? messageTimestamp(rawBody));
  if (timestampMs === undefined) {
    return failure(
      'stale_signature',
      'the signed request carries no timestamp (x-timestamp or message.timestamp)',
      tenant.tenantId,
    );
  }
  // Keyed by the MAC itself, not the header text: re-encoding a captured signature (hex case,
  // base64, a prefix) must not make it new.
  const mac = signVapiRequest(rawBody, tenant.secret, timestampHeader);
  return checkReplay(context, 'vapi', tenant.tenantId, mac, timestampMs, 'vapi-hmac');
}

function resolveRetell(context: ResolveTenantContext, request: AuthRequest): AuthResult {
  const header = singleHeader(request.headers, RETELL_SIGNATURE_HEADER);
  if (header === undefined) return failure('missing_credential', 'missing X-Retell-Signature');
  const signature = parseRetellSignature(header);
  if (!signature) return failure('bad_signature', 'X-Retell-Signature is not "v=<timestamp>,d=<hex digest>"');
  const rawBody = request.rawBody ?? '';
  const tenant = context.credentials.retellKeys.find(({ secret }) =>
    retellSignatureMatches(rawBody, secret, signature),
  );
  if (!tenant)
    return failure('bad_signature', 'X-Retell-Signature does not match the request body for any tenant');
  // Normalised (the timestamp as a number): leading zeros must not make a captured signature new.
  const key = `${signature.timestampMs},${signature.digest}`;
  return checkReplay(context, 'retell', tenant.tenantId, key, signature.timestampMs, 'retell-signature');
}

function checkReplay(
  context: ResolveTenantContext,
  channel: ChannelName,
  tenantId: string,
  signature: string,
  timestampMs: number,
  method: AuthMethod,
): AuthResult {
  const verdict = context.replayGuard.check(`${channel}\u0000${tenantId}\u0000${signature}`, timestampMs);
  if (verdict === 'stale') {
    return failure('stale_signature', 'the signature timestamp is outside the accepted window', tenantId);
  }
  if (verdict === 'replayed') {
    return failure('replayed_request', 'this signed request was already received', tenantId);
  }
  return { ok: true, tenantId, channel, method };
}

function messageTimestamp(rawBody: string | Buffer): unknown {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(rawBody).toString('utf8'));
    const message = (parsed as { message?: { timestamp?: unknown } } | null)?.message;
    return message?.timestamp;
  } catch {
    return undefined;
  }
}

function failure(code: AuthFailureCode, message: string, tenantId?: string): AuthFailure {
  return { ok: false, code, message, status: 401, ...(tenantId === undefined ? {} : { tenantId }) };
}
