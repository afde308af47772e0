// Patient handles: what the agent holds once a caller is verified or registered, instead of the
// EHR patient id. The token carries the EHR id, HMAC-SHA256-signed (RFC 2104) and bound to one
// tenant and one call, like scheduling offers (../scheduling/offers.ts): the model can neither
// invent a patient nor carry a verified identity into another call. It holds no name, birth date
// or phone: only the EHR id, which the tools that take the handle (booking, intake) need.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EhrgateError } from '../../errors.ts';
import { MIN_OFFER_SECRET_BYTES } from '../scheduling/offers.ts';

/** A verification holds for the call it was made in; a call longer than this verifies again. */
export const DEFAULT_PATIENT_HANDLE_TTL_MS = 4 * 60 * 60_000;

const VERSION = 1;
const PREFIX = 'ph1';

export type PatientHandleKey = {
  readonly secret: string | Uint8Array;
  readonly tenantId: string;
  readonly callId: string;
};

export type PatientHandle = {
  readonly tenantId: string;
  readonly callId: string;
  readonly patientId: string;
  readonly expiresAt: number;
};

export type PatientHandleProblem = 'malformed' | 'forged' | 'expired' | 'other-tenant' | 'other-call';

/** ERR_PATIENT_HANDLE_INVALID with the precise problem, for logs; the agent hears one sentence. */
export class PatientHandleError extends EhrgateError {
  readonly problem: PatientHandleProblem;

  constructor(problem: PatientHandleProblem, message: string) {
    super('ERR_PATIENT_HANDLE_INVALID', message);
    this.problem = problem;
  }
}

function checkSecret(secret: string | Uint8Array): void {
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : secret.byteLength;
  if (bytes < MIN_OFFER_SECRET_BYTES) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `the patient handle secret must be at least ${MIN_OFFER_SECRET_BYTES} bytes, got ${bytes}`,
    );
  }
}

function mac(secret: string | Uint8Array, body: string): Buffer {
  // The prefix separates handle signatures from offer signatures made with the same secret.
  return createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest();
}

export function signPatientHandle(
  key: PatientHandleKey,
  patientId: string,
  options: { readonly now: number; readonly ttlMs?: number },
): string {
  checkSecret(key.secret);
  const payload = {
    v: VERSION,
    t: key.tenantId,
    c: key.callId,
    p: patientId,
    x: options.now + (options.ttlMs ?? DEFAULT_PATIENT_HANDLE_TTL_MS),
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${PREFIX}.${body}.${mac(key.secret, body).toString('base64url')}`;
}

/** Signature first (constant time), then shape, tenant, call and expiry. Throws PatientHandleError. */
export function verifyPatientHandle(
  token: string,
  key: PatientHandleKey,
  options: { readonly now: number },
): PatientHandle {
  checkSecret(key.secret);
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts[0] !== PREFIX || parts[1] === '' || parts[2] === '') {
    throw new PatientHandleError('malformed', 'not a patient handle');
  }
  const [, body, signature] = parts as [string, string, string];
  const expected = mac(key.secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new PatientHandleError('forged', 'the patient handle signature does not match');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new PatientHandleError('malformed', 'the patient handle body is not JSON');
  }
  const p = payload as Record<string, unknown> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    p.v !== VERSION ||
    typeof p.t !== 'string' ||
    typeof p.c !== 'string' ||
    typeof p.p !== 'string' ||
    typeof p.x !== 'number'
  ) {
    throw new PatientHandleError('malformed', 'the patient handle body has an unexpected shape');
  }
  if (p.t !== key.tenantId)
    throw new PatientHandleError('other-tenant', 'the patient handle belongs to another tenant');
  if (p.c !== key.callId)
    throw new PatientHandleError('other-call', 'the patient handle belongs to another call');
  if (options.now >= p.x) throw new PatientHandleError('expired', 'the patient handle has expired');
  return { tenantId: p.t, callId: p.c, patientId: p.p, expiresAt: p.x };
}
