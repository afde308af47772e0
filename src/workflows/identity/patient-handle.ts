// Patient handles: what the agent holds once a caller is verified or registered, instead of the
// EHR patient id. The token carries the EHR id, HMAC-SHA256-signed (RFC 2104) and bound to one
// tenant and one call, like scheduling offers (../scheduling/offers.ts): the model can neither
// invent a patient nor carry a verified identity into another call. It holds no name, birth date
// or phone: only the EHR id, which the tools that take the handle (booking, intake) need.
import { EhrgateError } from '../../errors.ts';
import {
  type CallBoundKey,
  signCallBoundToken,
  type TokenProblem,
  verifyCallBoundToken,
} from '../lib/call-bound-token.ts';

/** A verification holds for the call it was made in; a call longer than this verifies again. */
export const DEFAULT_PATIENT_HANDLE_TTL_MS = 4 * 60 * 60_000;

const PURPOSE = 'patient handle';

export type PatientHandleKey = CallBoundKey;

export type PatientHandle = {
  readonly tenantId: string;
  readonly callId: string;
  readonly patientId: string;
  readonly expiresAt: number;
};

export type PatientHandleProblem = TokenProblem;

/** ERR_PATIENT_HANDLE_INVALID with the precise problem, for logs; the agent hears one sentence. */
export class PatientHandleError extends EhrgateError {
  readonly problem: PatientHandleProblem;

  constructor(problem: PatientHandleProblem, message: string) {
    super('ERR_PATIENT_HANDLE_INVALID', message);
    this.problem = problem;
  }
}

export function signPatientHandle(
  key: PatientHandleKey,
  patientId: string,
  options: { readonly now: number; readonly ttlMs?: number },
): string {
  return signCallBoundToken(
    PURPOSE,
    key,
    patientId,
    options.now + (options.ttlMs ?? DEFAULT_PATIENT_HANDLE_TTL_MS),
  );
}

/** Signature first (constant time), then shape, tenant, call and expiry. Throws PatientHandleError. */
export function verifyPatientHandle(
  token: string,
  key: PatientHandleKey,
  options: { readonly now: number },
): PatientHandle {
  const verified = verifyCallBoundToken(
    PURPOSE,
    token,
    key,
    options.now,
    (value): value is string => typeof value === 'string' && value !== '',
    (problem, message) => new PatientHandleError(problem, message),
  );
  return {
    tenantId: verified.tenantId,
    callId: verified.callId,
    patientId: verified.data,
    expiresAt: verified.expiresAt,
  };
}
