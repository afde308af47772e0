// Retell's request signature (docs.retellai.com/features/secure-webhook; the format is the one
// its SDK signs and verifies, RetellAI/retell-typescript-sdk src/lib/webhook_auth.ts):
//   X-Retell-Signature: v=<unix ms>,d=<hex HMAC-SHA256(api key, raw body + unix ms)>
// The key is the tenant's Retell API key (the one with the webhook badge). Verification is over
// the raw bytes received, never a re-serialised body.
import { createHmac } from 'node:crypto';
import { safeEqual } from './lib/safe-equal.ts';

export const RETELL_SIGNATURE_HEADER = 'x-retell-signature';

const SIGNATURE_FORMAT = /^v=(\d{1,16}),d=([0-9a-f]{64})$/;

export type ParsedRetellSignature = { readonly timestampMs: number; readonly digest: string };

export function parseRetellSignature(header: string): ParsedRetellSignature | undefined {
  const match = SIGNATURE_FORMAT.exec(header.trim());
  if (!match) return undefined;
  return { timestampMs: Number(match[1]), digest: match[2]! };
}

export function retellDigest(rawBody: string | Buffer, apiKey: string, timestampMs: number): string {
  return createHmac('sha256', apiKey)
    .update(Buffer.concat([Buffer.from(rawBody), Buffer.from(String(timestampMs))]))
    .digest('hex');
}

/** The header value Retell would send: for tests and the call simulator. */
export function signRetellRequest(rawBody: string | Buffer, apiKey: string, timestampMs: number): string {
  return `v=${timestampMs},d=${retellDigest(rawBody, apiKey, timestampMs)}`;
}

export function retellSignatureMatches(
  rawBody: string | Buffer,
  apiKey: string,
  signature: ParsedRetellSignature,
): boolean {
  return safeEqual(retellDigest(rawBody, apiKey, signature.timestampMs), signature.digest);
}
