// Offers: what the agent holds between "here are three times" and "book the second one". The
// token carries the vendor's handle (Slot id or Epic proposed Appointment id) and what the caller
// was told, HMAC-SHA256-signed (RFC 2104) so the model cannot invent or edit a slot, and bound to
// one tenant and one call so an offer never books in another health system or another caller's
// conversation. It holds no PHI: times, EHR ids of practitioners/locations, a visit type id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SlotCandidate } from '../../ehr/adapter.ts';
import { EhrgateError } from '../../errors.ts';

/** A caller who hesitates longer than this hears fresh times; the EHR's book re-validates anyway (P4). */
export const DEFAULT_OFFER_TTL_MS = 15 * 60_000;
/** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 section 3). */
export const MIN_OFFER_SECRET_BYTES = 32;

const VERSION = 1;

export type Offer = {
  readonly tenantId: string;
  readonly callId: string;
  readonly candidate: SlotCandidate;
  /** Epoch milliseconds after which the offer is refused. */
  readonly expiresAt: number;
};

export type OfferProblem = 'malformed' | 'forged' | 'expired' | 'other-tenant' | 'other-call';

/** ERR_OFFER_INVALID with the precise problem, for logs; the agent hears one sentence for all. */
export class OfferError extends EhrgateError {
  readonly problem: OfferProblem;

  constructor(problem: OfferProblem, message: string) {
    super('ERR_OFFER_INVALID', message);
    this.problem = problem;
  }
}

export type OfferKey = {
  readonly secret: string | Uint8Array;
  readonly tenantId: string;
  readonly callId: string;
};

function checkSecret(secret: string | Uint8Array): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : secret.byteLength;
  if (bytes < MIN_OFFER_SECRET_BYTES) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `the offer secret must be at least ${MIN_OFFER_SECRET_BYTES} bytes, got ${bytes}`,
    );
  }
}

function mac(secret: string | Uint8Array, body: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/** Signs an offer for `candidate`, valid for `ttlMs` from `now` in this tenant and call only. */
export function signOffer(
  key: OfferKey,
  candidate: SlotCandidate,
  options: { readonly now: number; readonly ttlMs?: number },
): string {
  checkSecret(key.secret);
  const payload = {
    v: VERSION,
    t: key.tenantId,
    c: key.callId,
    x: options.now + (options.ttlMs ?? DEFAULT_OFFER_TTL_MS),
    s: candidate,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(key.secret, body).toString('base64url')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isReference(value: unknown): boolean {
  return (
    value === undefined ||
    (isRecord(value) &&
      typeof value.id === 'string' &&
      (value.display === undefined || typeof value.display === 'string'))
  );
}

function isCandidate(value: unknown): value is SlotCandidate {
  return (
    isRecord(value) &&
    typeof value.handle === 'string' &&
    typeof value.start === 'string' &&
    typeof value.end === 'string' &&
    typeof value.visitTypeId === 'string' &&
    isReference(value.practitioner) &&
    isReference(value.location)
  );
}

/**
 * Checks the signature first (constant-time, crypto.timingSafeEqual), then expiry, tenant and
 * call. Throws OfferError (ERR_OFFER_INVALID) for a malformed, forged, expired, other-tenant or
 * other-call token.
 */
export function verifyOffer(token: string, key: OfferKey, options: { readonly now: number }): Offer {
  checkSecret(key.secret);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new OfferError('malformed', 'the offer is not a signed offer token');
  }
  const [body, signature] = parts as [string, string];
  const expected = mac(key.secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new OfferError('forged', 'the offer signature does not match');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new OfferError('malformed', 'the offer body is not JSON');
  }
  if (
    !isRecord(payload) ||
    payload.v !== VERSION ||
    typeof payload.t !== 'string' ||
    typeof payload.c !== 'string' ||
    typeof payload.x !== 'number' ||
    !isCandidate(payload.s)
  ) {
    throw new OfferError('malformed', 'the offer body has an unexpected shape');
  }
  // A validly signed offer from another tenant means the tenants share a secret: still refused.
  if (payload.t !== key.tenantId) throw new OfferError('other-tenant', 'the offer belongs to another tenant');
  if (payload.c !== key.callId) throw new OfferError('other-call', 'the offer belongs to another call');
  if (options.now >= payload.x) throw new OfferError('expired', 'the offer has expired');
  return { tenantId: payload.t, callId: payload.c, candidate: payload.s, expiresAt: payload.x };
}
