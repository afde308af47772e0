// Client authentication for the token request.
// - private_key_jwt: SMART Backend Services (SMART App Launch 2.0.0, "Backend Services",
//   "Authenticating to the Token endpoint"; RFC 7523 section 3): header `typ: JWT`, `kid`,
//   optional `jku`; claims iss = sub = client id, aud = token endpoint URL, exp no more than five
//   minutes ahead, unique jti. Epic and Cerner accept RS384 and ES384 (DESIGN.md section 5).
// - client_secret_basic: RFC 6749 section 2.3.1, which Cerner system accounts may use.
import { randomUUID } from 'node:crypto';
import { type CryptoKey, SignJWT } from 'jose';
import { EhrgateError } from '../errors.ts';

export type AssertionAlg = 'RS384' | 'ES384';
export const ASSERTION_ALGS: readonly AssertionAlg[] = ['RS384', 'ES384'];

/** SMART Backend Services: `exp` SHALL be no more than five minutes in the future. */
export const MAX_ASSERTION_LIFETIME_MS = 5 * 60_000;
/** A minute under the limit, so an EHR clock a little ahead of ours still accepts it. */
export const DEFAULT_ASSERTION_LIFETIME_MS = 4 * 60_000;

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface SigningKey {
  kid: string;
  alg: AssertionAlg;
  privateKey: CryptoKey;
}

export interface ClientAssertionOptions {
  clientId: string;
  /** The discovered token endpoint URL: the assertion's `aud`. */
  tokenEndpoint: string;
  key: SigningKey;
  /** URL of our JWK Set, when the EHR should fetch it from the assertion header. */
  jku?: string;
  /** Default 4 minutes; at most 5 minutes. */
  lifetimeMs?: number;
  /** Epoch milliseconds; injectable so tests freeze the clock. */
  now?: () => number;
}

function validateLifetime(lifetimeMs: number): void {
  if (!Number.isFinite(lifetimeMs) || lifetimeMs < 1_000 || lifetimeMs > MAX_ASSERTION_LIFETIME_MS) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `client assertion lifetime must be between 1000 and ${MAX_ASSERTION_LIFETIME_MS} ms, got ${lifetimeMs}`,
    );
  }
}

/** Signs one client assertion. Each call has a fresh `jti`, so an assertion is never replayed. */
export async function createClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const lifetimeMs = options.lifetimeMs ?? DEFAULT_ASSERTION_LIFETIME_MS;
  validateLifetime(lifetimeMs);
  const nowMs = (options.now ?? Date.now)();
  // Both rounded down: exp - iat never exceeds the lifetime, so never exceeds five minutes.
  const iat = Math.floor(nowMs / 1000);
  const exp = Math.floor((nowMs + lifetimeMs) / 1000);
  return new SignJWT({})
    .setProtectedHeader({
      alg: options.key.alg,
      typ: 'JWT',
      kid: options.key.kid,
      ...(options.jku === undefined ? {} : { jku: options.jku }),
    })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.tokenEndpoint)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(options.key.privateKey);
}

/** application/x-www-form-urlencoded serialisation of one value (WHATWG URL, "urlencoded serializer"). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/**
 * `Authorization` header value for client_secret_basic. RFC 6749 section 2.3.1: the client id and
 * secret are each form-urlencoded before being joined with `:` and base64-encoded, so a `:` or
 * non-ASCII character in either survives.
 */
export function clientSecretBasicAuthorization(clientId: string, clientSecret: string): string {
  const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}
