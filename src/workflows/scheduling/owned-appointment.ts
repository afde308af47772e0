// Cancel and reschedule act on an appointment the caller names by id: it must exist and belong to
// the verified patient, or the caller hears "not found" (never whose it is) and nothing is written.
import type { AppointmentRecord } from '../../ehr/adapter.ts';
import { isFhirError } from '../../fhir/index.ts';
import { type FailedOutcome, failed } from '../outcome.ts';
import { readFailure } from './answers.ts';
import type { SchedulingContext } from './context.ts';

export const APPOINTMENT_NOT_FOUND_SAY = "I couldn't find that appointment for you.";

/**
 * The appointment, a failed outcome, or `undefined` when the EHR did not answer (the verified
 * write then retries and, beyond its budget, hands the change to staff).
 */
export async function ownedAppointment(
  context: SchedulingContext,
  appointmentId: string,
  patientId: string,
  signal: AbortSignal | undefined,
): Promise<AppointmentRecord | FailedOutcome | undefined> {
  try {
    const record = await context.adapter.readAppointment(appointmentId, signal);
    if (record.patientId !== patientId) return failed('not_found', APPOINTMENT_NOT_FOUND_SAY);
    return record;
  } catch (error) {
    if (isFhirError(error, 'not-found')) return failed('not_found', APPOINTMENT_NOT_FOUND_SAY);
    const failure = readFailure(error);
    return failure.reason === 'not_authorized' ? failure : undefined;
  }
}

export function isFailed(value: unknown): value is FailedOutcome {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'failed';
}
