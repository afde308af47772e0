// Checks every scheduling write makes before anything is written: the idempotency key (a repeat
// returns the first outcome, even after its offer expired) and the offer (signed by us, for this
// tenant and this call, not expired, for a visit type still configured and a time still ahead).
import type { SlotCandidate, VisitType } from '../../ehr/adapter.ts';
import { isEhrgateError } from '../../errors.ts';
import { type FailedOutcome, failed, type WriteOutcome } from '../outcome.ts';
import type { SchedulingContext } from './context.ts';
import { verifyOffer } from './offers.ts';
import { spokenSlot } from './spoken-time.ts';
import { firstOutcome, requestHash } from './verified-write.ts';

/** What a queued write says: staff will finish it; never that it is done (DESIGN.md section 4). */
export const QUEUED_SAY =
  "I couldn't finish that in our scheduling system just now, so I've passed it to our staff. They'll complete it and call you to confirm.";

export const OFFER_INVALID_SAY =
  "That time isn't available to book anymore. Let me look up current openings.";

export async function idempotencyCheck(
  context: SchedulingContext,
  tool: string,
  input: { readonly idempotencyKey: string; readonly callId: string },
  hashed: Readonly<Record<string, unknown>>,
): Promise<{ readonly outcome?: WriteOutcome; readonly requestHash: string }> {
  const hash = requestHash(tool, hashed);
  if (typeof input.idempotencyKey !== 'string' || input.idempotencyKey === '') {
    return {
      outcome: failed('invalid_input', 'Something went wrong on my side; please say that again.', {
        field: 'idempotencyKey',
      }),
      requestHash: hash,
    };
  }
  if (typeof input.callId !== 'string' || input.callId === '') {
    return {
      outcome: failed('invalid_input', 'I lost track of this call; please try again.', { field: 'callId' }),
      requestHash: hash,
    };
  }
  // No waiting here: a first call still in flight is waited for after validation, in
  // runVerifiedWrite, where the key reservation settles who writes.
  const first = await firstOutcome(
    context.store,
    { tenantId: context.catalog.tenantId, idempotencyKey: input.idempotencyKey, requestHash: hash },
    { ...context.write, inFlightWaitMs: 0 },
  );
  return first === undefined || first === 'timeout'
    ? { requestHash: hash }
    : { outcome: first, requestHash: hash };
}

export type CheckedOffer = {
  readonly candidate: SlotCandidate;
  readonly visitType: VisitType;
  /** "Tuesday March 3 at 2:40 pm with Dr. Rivera at Main Street" */
  readonly say: string;
};

export function checkOffer(
  context: SchedulingContext,
  token: string,
  callId: string,
): CheckedOffer | FailedOutcome {
  const { catalog } = context;
  let candidate: SlotCandidate;
  try {
    ({ candidate } = verifyOffer(
      token,
      { secret: context.offerSecret, tenantId: catalog.tenantId, callId },
      { now: context.now() },
    ));
  } catch (error) {
    if (isEhrgateError(error, 'ERR_OFFER_INVALID')) {
      return failed('offer_invalid', OFFER_INVALID_SAY, { field: 'offer' });
    }
    throw error;
  }
  const visitType = catalog.visitType(candidate.visitTypeId);
  if (visitType === undefined) {
    return failed('invalid_input', "I can't book that kind of visit by phone.", { field: 'offer' });
  }
  if (Date.parse(candidate.start) <= context.now()) {
    return failed('invalid_input', 'That time has already passed. Let me look up current openings.', {
      field: 'offer',
    });
  }
  const practitioner = catalog.practitionerName(candidate.practitioner);
  const location = catalog.locationName(candidate.location);
  const say = spokenSlot({
    start: candidate.start,
    timeZone: catalog.timeZoneOf(candidate.location?.id),
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
  });
  return { candidate, visitType, say };
}

/** Display names of an offer's practitioner and location, for the confirmed outcome. */
export function candidateNames(
  context: SchedulingContext,
  candidate: SlotCandidate,
): { practitioner?: string; location?: string } {
  const practitioner = context.catalog.practitionerName(candidate.practitioner);
  const location = context.catalog.locationName(candidate.location);
  return {
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
  };
}
