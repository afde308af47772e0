// Tokens the agent carries between tool calls (slot offers, patient handles): a JSON body,
// HMAC-SHA256-signed (RFC 2104) and bound to one tenant and one call, so the model can neither
// invent nor edit one, nor carry it into another health system or another caller's conversation.
// `purpose` prefixes the signed text so a token of one kind never verifies as another kind made
// with the same secret.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { EhrgateError } from '../../errors.ts';

/** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 section 3). */
export const MIN_TOKEN_SECRET_BYTES = 32;

const VERSION = 1;

export type CallBoundKey = {
  readonly secret: string | Uint8Array;
  readonly tenantId: string;
  readonly callId: string;
};

export type TokenProblem = 'malformed' | 'forged' | 'expired' | 'other-tenant' | 'other-call';

export type VerifiedToken = {
  readonly tenantId: string;
  readonly callId: string;
  readonly expiresAt: number;
};

export function checkTokenSecret(secret: string | Uint8Array, what: string): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : secret.byteLength;
  if (bytes < MIN_TOKEN_SECRET_BYTES) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `the ${what} secret must be at least ${MIN_TOKEN_SECRET_BYTES} bytes, got ${bytes}`,
    );
  }
}

// A KeyObject per secret, made once: handing createHmac raw bytes imports the key on every call,
// and find_slots signs an offer per slot it proposes.
const byteKeys = new WeakMap<Uint8Array, KeyObject>();
const textKeys = new Map<string, KeyObject>();

function keyObjectOf(secret: string | Uint8Array): KeyObject {
  const cached = typeof secret === 'string' ? textKeys.get(secret) : byteKeys.get(secret);
  if (cached !== undefined) return cached;
  const key = createSecretKey(typeof secret === 'string' ? Buffer.from(secret) : secret);
  if (typeof secret === 'string') textKeys.set(secret, key);
  else byteKeys.set(secret, key);
  return key;
}

function mac(purpose: string, secret: string | Uint8Array, body: string): Buffer {
  return createHmac('sha256', keyObjectOf(secret)).update(`${purpose}.${body}`).digest();
}

export function signCallBoundToken(
  purpose: string,
  key: CallBoundKey,
  data: unknown,
  expiresAt: number,
): string {
  checkTokenSecret(key.secret, purpose);
  const body = Buffer.from(
    JSON.stringify({ v: VERSION, t: key.tenantId, c: key.callId, x: expiresAt, d: data }),
  );
  const encoded = body.toString('base64url');
  return `${encoded}.${mac(purpose, key.secret, encoded).toString('base64url')}`;
}

/**
 * Checks the signature first (constant time), then shape, tenant, call and expiry; `isData`
 * checks the payload. Every refusal goes through `fail`, so each token kind keeps its own error.
 */
export function verifyCallBoundToken<T>(
  purpose: string,
  token: string,
  key: CallBoundKey,
  now: number,
  isData: (value: unknown) => value is T,
  fail: (problem: TokenProblem, message: string) => Error,
): VerifiedToken & { readonly data: T } {
  checkTokenSecret(key.secret, purpose);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
    throw fail('malformed', `not a signed ${purpose}`);
  const [body, signature] = parts as [string, string];
  const expected = mac(purpose, key.secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw fail('forged', `the ${purpose} signature does not match`);
  }
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw fail('malformed', `the ${purpose} body is not JSON`);
  }
  if (
    typeof payload !== 'object' ||
    payload === null ||
    payload.v !== VERSION ||
    typeof payload.t !== 'string' ||
    typeof payload.c !== 'string' ||
    typeof payload.x !== 'number' ||
    !isData(payload.d)
  ) {
    throw fail('malformed', `the ${purpose} body has an unexpected shape`);
  }
  // A validly signed token of another tenant means the tenants share a secret: still refused.
  if (payload.t !== key.tenantId) throw fail('other-tenant', `the ${purpose} belongs to another tenant`);
  if (payload.c !== key.callId) throw fail('other-call', `the ${purpose} belongs to another call`);
  if (now >= payload.x) throw fail('expired', `the ${purpose} has expired`);
  return { tenantId: payload.t, callId: payload.c, expiresAt: payload.x, data: payload.d as T };
}
