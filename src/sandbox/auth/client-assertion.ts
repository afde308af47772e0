// Verifies a private_key_jwt client assertion the way the vendors' token endpoints do.
//
// Rules: SMART Backend Services ("Authenticating to the Token endpoint",
// https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html): header `alg` RS384 or
// ES384, `kid` present; claims `iss` and `sub` both the client_id, `aud` the token endpoint URL,
// `exp` no more than five minutes in the future, `jti` unique. RFC 7523 section 3.2: any
// failure is `invalid_client`. Epic and Cerner both follow these (DESIGN.md section 5).

import {
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import type { ClientRegistry, RegisteredClient } from './clients.ts';
import { OAuthError } from './errors.ts';
import type { JtiReplayCache } from './jti-replay-cache.ts';
import type { Personality } from './personality.ts';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The signing algorithms SMART Backend Services requires servers to support; nothing else. */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

/** SMART Backend Services: `exp` "no more than five minutes in the future". */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** Tolerated disagreement between the client's clock and the sandbox's. */
export const DEFAULT_CLOCK_LEEWAY_SECONDS = 60;

export interface VerifyAssertionOptions {
  readonly clients: ClientRegistry;
  readonly replay: JtiReplayCache;
  readonly personality: Personality;
  /** The token endpoint URL the assertion must name in `aud`. */
  readonly audience: string;
  readonly nowMs: number;
  readonly leewaySeconds: number;
  /** The `client_id` form parameter, when the client sent one. */
  readonly clientIdParam?: string;
}

/** Returns the authenticated client, or throws `OAuthError` (`invalid_client`). */
export async function verifyClientAssertion(
  assertion: string,
  options: VerifyAssertionOptions,
): Promise<RegisteredClient> {
  const { header, claims } = decodeUnverified(assertion);
  const alg = header.alg;
  if (!(ASSERTION_ALGORITHMS as readonly unknown[]).includes(alg)) {
    throw invalidClient(`client_assertion alg ${String(alg)} is not allowed; use RS384 or ES384`);
  }
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw invalidClient('client_assertion header has no kid');
  }
  const { iss, sub } = claims;
  if (typeof iss !== 'string' || iss === '' || iss !== sub) {
    throw invalidClient('client_assertion iss and sub must both be the client_id');
  }
  if (options.clientIdParam !== undefined && options.clientIdParam !== iss) {
    throw invalidClient('client_id does not match the client_assertion issuer');
  }
  const registered = options.clients.get(iss);
  if (registered === undefined || registered.client.personality !== options.personality) {
    throw invalidClient('unknown client');
  }
  if (registered.getKey === undefined) {
    throw invalidClient('the client has no registered keys');
  }
  // SMART Backend Services allows a `jku` header only when it names the registered JWK Set URL.
  if (header.jku !== undefined && header.jku !== registered.client.auth.jwksUrl) {
    throw invalidClient('client_assertion jku is not the registered JWK Set URL');
  }

  const payload = await verifySignatureAndClaims(assertion, registered.getKey, iss, options);
  const nowSeconds = Math.floor(options.nowMs / 1_000);
  const exp = payload.exp as number;
  if (exp > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + options.leewaySeconds) {
    throw invalidClient('client_assertion exp is more than 5 minutes in the future');
  }
  if (payload.iat !== undefined && payload.iat > nowSeconds + options.leewaySeconds) {
    throw invalidClient('client_assertion iat is in the future');
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') {
    throw invalidClient('client_assertion has no jti');
  }
  // Checked last, so an assertion refused for another reason does not use up its jti.
  if (!options.replay.claim(iss, payload.jti, (exp + options.leewaySeconds) * 1_000)) {
    throw invalidClient('client_assertion jti has already been used');
  }
  return registered;
}

function decodeUnverified(assertion: string): { header: ProtectedHeaderParameters; claims: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(assertion), claims: decodeJwt(assertion) };
  } catch (cause) {
    throw invalidClient('client_assertion is not a JWT', cause);
  }
}

async function verifySignatureAndClaims(
  assertion: string,
  getKey: JWTVerifyGetKey,
  clientId: string,
  options: VerifyAssertionOptions,
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(assertion, getKey, {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: clientId,
      subject: clientId,
      audience: options.audience,
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(options.nowMs),
      clockTolerance: options.leewaySeconds,
    });
    return payload;
  } catch (cause) {
    throw invalidClient(describeVerifyFailure(cause, options.audience), cause);
  }
}

function describeVerifyFailure(cause: unknown, audience: string): string {
  if (cause instanceof errors.JWTExpired) return 'client_assertion has expired';
  if (cause instanceof errors.JWTClaimValidationFailed) {
    if (cause.claim === 'aud') return `client_assertion aud must be the token endpoint URL ${audience}`;
    if (cause.claim === 'nbf') return 'client_assertion nbf is in the future';
    return `client_assertion ${cause.claim} claim is invalid: ${cause.reason}`;
  }
  if (cause instanceof errors.JWKSNoMatchingKey) return 'no key in the client JWK Set matches the kid';
  if (cause instanceof errors.JWSSignatureVerificationFailed) {
    return 'client_assertion signature does not verify with the client JWK Set';
  }
  if (cause instanceof errors.JWKSTimeout) return 'timed out fetching the client JWK Set URL';
  // jose reports a JWK Set URL that answers with something other than a JWK Set (an HTML login
  // page, a 404) as JWKSInvalid, or as a bare JOSEError when the body is not JSON at all.
  if (
    cause instanceof errors.JWKSInvalid ||
    (cause instanceof Error && cause.constructor === errors.JOSEError)
  ) {
    return 'the client JWK Set URL did not return a JWK Set';
  }
  if (cause instanceof errors.JOSEError) return `client_assertion rejected: ${cause.message}`;
  // fetch() itself failed (connection refused, DNS): the set could not be obtained.
  return 'could not fetch the client JWK Set URL';
}

function invalidClient(description: string, cause?: unknown): OAuthError {
  return new OAuthError('invalid_client', description, { cause });
}
