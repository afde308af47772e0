// Outcomes shared by the scheduling operations: what the caller hears when the EHR refuses our
// credentials, and how an appointment the EHR holds is presented.
import type { AppointmentRecord } from '../../ehr/adapter.ts';
import { isFhirError } from '../../fhir/index.ts';
import { type AppointmentView, type FailedOutcome, failed } from '../outcome.ts';
import type { SchedulingContext } from './context.ts';
import { spokenTime } from './spoken-time.ts';

export const NOT_AUTHORIZED_SAY =
  "I can't make that change right now because our scheduling system hasn't granted this line access. I'll have staff follow up.";

/** P5: refuse a write before any EHR call when the token lacks scopes the workflow needs. */
export function scopeCheck(context: SchedulingContext): FailedOutcome | undefined {
  const missing = context.missingScopes();
  if (missing.length === 0) return undefined;
  return failed('not_authorized', NOT_AUTHORIZED_SAY, { missingScopes: [...missing] });
}

/** A read tool's failure as an outcome: a 401/403 names the scope, anything else is an outage. */
export function readFailure(error: unknown): FailedOutcome {
  if (
    isFhirError(error) &&
    (error.insufficientScope || error.kind === 'forbidden' || error.kind === 'unauthorized')
  ) {
    return failed('not_authorized', NOT_AUTHORIZED_SAY, {
      ...(error.scope === undefined ? {} : { missingScopes: error.scope.split(/\s+/) }),
    });
  }
  if (isFhirError(error, 'not-found')) {
    return failed('not_found', "I couldn't find that appointment.");
  }
  return failed(
    'ehr_unavailable',
    "Our scheduling system isn't answering right now. Let me try again in a moment.",
  );
}

/** `known` names what the record only holds as ids (the offer's practitioner and location displays). */
export function appointmentView(
  context: SchedulingContext,
  record: AppointmentRecord,
  known: { readonly practitioner?: string; readonly location?: string } = {},
): AppointmentView {
  const { catalog } = context;
  const practitioner = catalog.practitionerName(record.practitionerId) ?? known.practitioner;
  const location = catalog.locationName(record.locationId) ?? known.location;
  const start = record.start ?? '';
  return {
    appointmentId: record.id,
    start,
    ...(record.end === undefined ? {} : { end: record.end }),
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
    spokenTime: start === '' ? 'an unknown time' : spokenTime(start, catalog.timeZoneOf(record.locationId)),
  };
}
