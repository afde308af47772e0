// The adapter error contract of adapter.ts, in one place: which EHR answers mean "the slot is
// gone" and which mean "refused by a rule", each keeping the FhirError as `cause` so the EHR's
// OperationOutcome can still be quoted (STYLE.md rule 4).
import { EhrgateError } from '../../errors.ts';
import { FhirError, isFhirError } from '../../fhir/index.ts';

export function slotTaken(message: string, cause?: unknown): EhrgateError {
  return new EhrgateError('ERR_SLOT_TAKEN', message, cause === undefined ? undefined : { cause });
}

export function unsupported(message: string): EhrgateError {
  return new EhrgateError('ERR_EHR_UNSUPPORTED', message);
}

/** A 422 from the EHR is a definite refusal: ERR_EHR_RULE; anything else passes unchanged. */
export function ruleOrSame(err: unknown, what: string): unknown {
  if (isFhirError(err, 'business-rule')) {
    return new EhrgateError('ERR_EHR_RULE', `${what} was refused by the EHR: ${err.message}`, { cause: err });
  }
  return err;
}

/** 409 or 412: another writer changed the resource since we read it (R4 http.html#concurrency). */
export function isVersionConflict(err: unknown): boolean {
  return isFhirError(err, 'conflict') || isFhirError(err, 'precondition-failed');
}

/**
 * A 2xx to a create without a body or a Location: the Appointment may well exist, but we cannot
 * say which. As an invalid 2xx response it is an ambiguous write failure (isAmbiguousWriteFailure),
 * so the verified write searches for it instead of resending.
 */
export function unnamedCreate(status: number): FhirError {
  return new FhirError({
    kind: 'invalid-response',
    method: 'POST',
    path: 'Appointment',
    ehrStatus: status,
    detail: 'the EHR accepted the Appointment without returning it or its Location',
  });
}
