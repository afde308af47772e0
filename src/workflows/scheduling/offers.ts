// Offers: what the agent holds between "here are three times" and "book the second one". The
// token carries the vendor's handle (Slot id or Epic proposed Appointment id) and what the caller
// was told, HMAC-SHA256-signed (RFC 2104) so the model cannot invent or edit a slot, and bound to
// one tenant and one call so an offer never books in another health system or another caller's
// conversation. It holds no PHI: times, EHR ids of practitioners/locations, a visit type id.
import type { SlotCandidate } from '../../ehr/adapter.ts';
import { EhrgateError } from '../../errors.ts';
import {
  type CallBoundKey,
  MIN_TOKEN_SECRET_BYTES,
  signCallBoundToken,
  type TokenProblem,
  verifyCallBoundToken,
} from '../lib/call-bound-token.ts';

/** A caller who hesitates longer than this hears fresh times; the EHR's book re-validates anyway (P4). */
export const DEFAULT_OFFER_TTL_MS = 15 * 60_000;
export const MIN_OFFER_SECRET_BYTES = MIN_TOKEN_SECRET_BYTES;
const PURPOSE = 'offer';

export type Offer = {
  readonly tenantId: string;
  readonly callId: string;
  readonly candidate: SlotCandidate;
  /** Epoch milliseconds after which the offer is refused. */
  readonly expiresAt: number;
};

export type OfferProblem = TokenProblem;

/** ERR_OFFER_INVALID with the precise problem, for logs; the agent hears one sentence for all. */
export class OfferError extends EhrgateError {
  readonly problem: OfferProblem;

  constructor(problem: OfferProblem, message: string) {
    super('ERR_OFFER_INVALID', message);
    this.problem = problem;
  }
}

export type OfferKey = CallBoundKey;

/** Signs an offer for `candidate`, valid for `ttlMs` from `now` in this tenant and call only. */
export function signOffer(
  key: OfferKey,
  candidate: SlotCandidate,
  options: { readonly now: number; readonly ttlMs?: number },
): string {
  return signCallBoundToken(PURPOSE, key, candidate, options.now + (options.ttlMs ?? DEFAULT_OFFER_TTL_MS));
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
  const verified = verifyCallBoundToken(
    PURPOSE,
    token,
    key,
    options.now,
    isCandidate,
    (problem, message) => new OfferError(problem, message),
  );
  return {
    tenantId: verified.tenantId,
    callId: verified.callId,
    candidate: verified.data,
    expiresAt: verified.expiresAt,
  };
}
