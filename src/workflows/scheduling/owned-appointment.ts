// Cancel and reschedule act on an appointment the caller names by id: it must exist and belong to
// the verified patient, or the caller hears "not found" (never whose it is) and nothing is written.
import type { AppointmentRecord } from '../../ehr/adapter.ts';
import { isFhirError } from '../../fhir/index.ts';
import { type FailedOutcome, failed } from '../outcome.ts';
import { readFailure, scopeCheck } from './answers.ts';
import type { SchedulingContext } from './context.ts';
import { spokenTime } from './spoken-time.ts';

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

/** The two ids every change names, checked before anything is read; `ask` is the question to speak. */
export function changeInputProblem(
  input: { readonly appointmentId: unknown; readonly patientId: unknown },
  ask: string,
): FailedOutcome | undefined {
  if (typeof input.appointmentId !== 'string' || input.appointmentId.trim() === '') {
    return failed('invalid_input', ask, { field: 'appointmentId' });
  }
  if (typeof input.patientId !== 'string' || input.patientId.trim() === '') {
    return failed('invalid_input', 'I need to confirm who you are first.', { field: 'patientId' });
  }
  return undefined;
}

/**
 * The scope check and the owned appointment a cancel or reschedule starts from, with its time as
 * the clinic says it; `original` is undefined when the EHR did not answer (see ownedAppointment).
 */
export async function appointmentToChange(
  context: SchedulingContext,
  input: { readonly appointmentId: string; readonly patientId: string; readonly signal?: AbortSignal },
): Promise<FailedOutcome | { readonly original: AppointmentRecord | undefined; readonly spoken?: string }> {
  const refused = scopeCheck(context);
  if (refused) return refused;
  const original = await ownedAppointment(context, input.appointmentId, input.patientId, input.signal);
  if (isFailed(original)) return original;
  if (original?.start === undefined) return { original };
  return { original, spoken: spokenTime(original.start, context.catalog.timeZoneOf(original.locationId)) };
}
