// findSlots: live openings from the EHR (P4, no cache), each turned into a signed offer bound to
// this call, with the sentence the caller hears.
import type { TimeOfDay } from '../../ehr/adapter.ts';
import { localDate, startOfLocalDay } from '../lib/zoned-date.ts';
import { type FailedOutcome, failed, type SlotsFound } from '../outcome.ts';
import { readFailure } from './answers.ts';
import {
  DEFAULT_OFFER_COUNT,
  MAX_OFFER_COUNT,
  offerView,
  type SchedulingContext,
  spokenList,
} from './context.ts';
import { searchRange } from './search-range.ts';

export type FindSlotsInput = {
  readonly callId: string;
  /** A visit type id from the tenant's configuration, e.g. `new-patient`. */
  readonly visitType: string;
  /** YYYY-MM-DD (the clinic's day) or an ISO date-time with zone; default now. */
  readonly from?: string;
  /** YYYY-MM-DD (inclusive) or an ISO date-time; default from + 14 days. */
  readonly to?: string;
  /** A configured practitioner id (or its EHR id). */
  readonly practitioner?: string;
  /** A configured location id (or its EHR id). */
  readonly location?: string;
  readonly timeOfDay?: TimeOfDay;
  /** The verified patient's EHR id (Epic $find uses it). */
  readonly patientId?: string;
  readonly limit?: number;
  readonly signal?: AbortSignal;
};

const TIMES_OF_DAY: readonly string[] = ['morning', 'afternoon', 'evening'];

export async function findSlots(
  context: SchedulingContext,
  input: FindSlotsInput,
): Promise<SlotsFound | FailedOutcome> {
  const { catalog } = context;
  if (typeof input.callId !== 'string' || input.callId === '') {
    return failed('invalid_input', 'I lost track of this call; please try again.', { field: 'callId' });
  }
  const visitType = catalog.visitType(input.visitType);
  if (visitType === undefined) {
    return failed('invalid_input', "I can't book that kind of visit by phone.", { field: 'visitType' });
  }
  const practitioner =
    input.practitioner === undefined ? undefined : catalog.practitioner(input.practitioner);
  if (input.practitioner !== undefined && practitioner === undefined) {
    return failed('invalid_input', "I don't have that provider on my list.", { field: 'practitioner' });
  }
  const location = input.location === undefined ? undefined : catalog.location(input.location);
  if (input.location !== undefined && location === undefined) {
    return failed('invalid_input', "I don't have that location on my list.", { field: 'location' });
  }
  if (input.timeOfDay !== undefined && !TIMES_OF_DAY.includes(input.timeOfDay)) {
    return failed('invalid_input', 'Would you prefer the morning, the afternoon or the evening?', {
      field: 'timeOfDay',
    });
  }
  const limit = input.limit ?? DEFAULT_OFFER_COUNT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_OFFER_COUNT) {
    return failed('invalid_input', `I can offer at most ${MAX_OFFER_COUNT} times at once.`, {
      field: 'limit',
    });
  }
  const timeZone = catalog.timeZoneOf(location?.ehrId);
  const now = context.now();
  const range = searchRange(input, {
    now,
    timeZone,
    todayStarts: startOfLocalDay(localDate(now, timeZone), timeZone),
  });
  if ('status' in range) return range;

  let result: Awaited<ReturnType<typeof context.adapter.findSlots>>;
  try {
    result = await context.adapter.findSlots({
      visitType,
      ...(practitioner === undefined ? {} : { practitionerIds: [practitioner.ehrId] }),
      ...(location === undefined ? {} : { locationIds: [location.ehrId] }),
      from: range.from,
      to: range.to,
      ...(input.timeOfDay === undefined ? {} : { timeOfDay: input.timeOfDay }),
      timeZone,
      limit,
      ...(input.patientId === undefined ? {} : { patientId: input.patientId }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
  } catch (error) {
    return readFailure(error);
  }
  if (result.notes.some((note) => note.kind === 'unknown-visit-type')) {
    // Epic 59200 (DESIGN.md section 5): the configured coding is not a visit type this EHR knows.
    return failed('rejected', "Our scheduling system doesn't accept that kind of visit by phone.", {
      field: 'visitType',
    });
  }
  const offers = result.candidates
    .slice(0, limit)
    .map((candidate) => offerView(context, input.callId, candidate));
  const say =
    offers.length === 0
      ? `I don't see any openings for a ${visitType.say} in that time. Would you like to try other dates?`
      : offers.length === 1
        ? `The one opening I have is ${offers[0]?.say}.`
        : `The earliest openings are ${spokenList(offers.map((offer) => offer.say))}.`;
  return { status: 'found', say, offers };
}
