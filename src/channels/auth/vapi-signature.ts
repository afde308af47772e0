// Vapi's server-URL authentication (docs.vapi.ai/server-url/server-authentication). A tenant's
// `channels.vapi.secret` is accepted in each form Vapi sends it:
// - a Bearer Token credential: `Authorization: Bearer <secret>`;
// - the legacy `server.secret`: the secret itself in `X-Vapi-Secret` or `X-Vapi-Signature`;
// - an HMAC credential with Signature Header `x-signature` (the plan's default) or
//   `x-vapi-signature` (Vapi's HMACAuthenticationPlan: algorithm sha256, hex by default, optional prefix such as `sha256=`, payload
//   `{timestamp}.{body}` with the timestamp in `x-timestamp` by default, or the body alone when
//   no timestamp header is configured).
// Only the HMAC form signs the request, so only it is subject to replay protection.
import { createHmac } from 'node:crypto';
import { safeEqual } from './lib/safe-equal.ts';

export const VAPI_SIGNATURE_HEADER = 'x-vapi-signature';
export const VAPI_SECRET_HEADER = 'x-vapi-secret';
/** Vapi's default HMAC timestamp header, and the vendor-prefixed name some set instead. */
export const VAPI_TIMESTAMP_HEADERS = ['x-timestamp', 'x-vapi-timestamp'] as const;

const PREFIX = /^(sha256=|v1=)/i;

export function vapiHmacPayload(rawBody: string | Buffer, timestamp: string | undefined): Buffer {
  const body = Buffer.from(rawBody);
  return timestamp === undefined ? body : Buffer.concat([Buffer.from(`${timestamp}.`), body]);
}

/** The `x-vapi-signature` value for a secret, hex encoded (Vapi's default): for tests and the simulator. */
export function signVapiRequest(rawBody: string | Buffer, secret: string, timestamp?: string): string {
  return createHmac('sha256', secret).update(vapiHmacPayload(rawBody, timestamp)).digest('hex');
}

/** True when `signature` (hex or base64, with or without a `sha256=` prefix) is the HMAC of the payload. */
export function vapiHmacMatches(
  rawBody: string | Buffer,
  secret: string,
  signature: string,
  timestamp: string | undefined,
): boolean {
  const given = signature.trim().replace(PREFIX, '');
  const mac = createHmac('sha256', secret).update(vapiHmacPayload(rawBody, timestamp)).digest();
  // Both comparisons always run, so timing does not tell which encoding was tried.
  const hex = safeEqual(mac.toString('hex'), given.toLowerCase());
  const base64 = safeEqual(mac.toString('base64'), given);
  return hex || base64;
}

/** A Vapi timestamp in ms: Vapi sends epoch milliseconds in `message.timestamp`; headers may hold seconds. */
export function vapiTimestampMs(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\d{1,16}(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) return undefined;
  // 1e11 ms is March 1973; 1e11 s is the year 5138: below it the value must be seconds.
  return number < 1e11 ? Math.round(number * 1000) : Math.round(number);
}
