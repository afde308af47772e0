// A taken slot is answered with fresh times from the EHR, found live (P4), the closest to the
// time the caller wanted first: with the same practitioner and place if possible, else anyone.
import type { SlotCandidate, VisitType } from '../../ehr/adapter.ts';
import { type FailedOutcome, failed, type OfferView } from '../outcome.ts';
import { MAX_ALTERNATIVES, offerView, type SchedulingContext, spokenList } from './context.ts';

/** How far before and after the wanted time alternatives are sought. */
export const ALTERNATIVES_BEFORE_MS = 2 * 86_400_000;
export const ALTERNATIVES_AFTER_MS = 7 * 86_400_000;
/** Candidates fetched per search before picking the closest. */
const ALTERNATIVES_SEARCH_LIMIT = 60;

export async function findAlternatives(
  context: SchedulingContext,
  request: {
    readonly callId: string;
    readonly taken: SlotCandidate;
    readonly visitType: VisitType;
    readonly patientId?: string;
    readonly signal?: AbortSignal;
  },
): Promise<readonly OfferView[]> {
  const wanted = Date.parse(request.taken.start);
  const from = new Date(Math.max(context.now(), wanted - ALTERNATIVES_BEFORE_MS));
  const to = new Date(Math.max(wanted, from.getTime()) + ALTERNATIVES_AFTER_MS);
  const practitionerIds = request.taken.practitioner ? [request.taken.practitioner.id] : [];
  const locationIds = request.taken.location ? [request.taken.location.id] : [];
  const attempts =
    practitionerIds.length > 0 ? [{ practitionerIds, locationIds }, { locationIds }] : [{ locationIds }];
  for (const filter of attempts) {
    let candidates: readonly SlotCandidate[];
    try {
      const result = await context.adapter.findSlots({
        visitType: request.visitType,
        ...filter,
        from,
        to,
        timeZone: context.catalog.timeZoneOf(request.taken.location?.id),
        limit: ALTERNATIVES_SEARCH_LIMIT,
        ...(request.patientId === undefined ? {} : { patientId: request.patientId }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
      candidates = result.candidates;
    } catch {
      // Alternatives are a courtesy: the outcome is still a definite slot_taken without them.
      return [];
    }
    const closest = candidates
      .filter((c) => c.handle !== request.taken.handle)
      .map((c) => ({ c, distance: Math.abs(Date.parse(c.start) - wanted) }))
      .sort((a, b) => a.distance - b.distance || Date.parse(a.c.start) - Date.parse(b.c.start))
      .slice(0, MAX_ALTERNATIVES)
      .map(({ c }) => c);
    if (closest.length > 0) return closest.map((c) => offerView(context, request.callId, c));
  }
  return [];
}

type AlternativesRequest = Parameters<typeof findAlternatives>[1];

/**
 * The `failed` / `slot_taken` answer for book and reschedule: what the caller wanted is gone, and
 * here are the closest live openings. `unchanged` is said when an existing appointment stays.
 */
export async function slotTakenOutcome(
  context: SchedulingContext,
  request: AlternativesRequest,
  unchanged?: string,
): Promise<FailedOutcome> {
  const alternatives = await findAlternatives(context, request);
  const taken = unchanged
    ? `I'm sorry, that time was just taken; ${unchanged}.`
    : "I'm sorry, that time was just taken.";
  const say =
    alternatives.length === 0
      ? `${taken} I don't see other openings close to it.`
      : `${taken} The closest openings are ${spokenList(alternatives.map((a) => a.say))}.`;
  return failed('slot_taken', say, { alternatives });
}
