// Slot discovery on a plain R4 server (DESIGN.md section 5, "fhir-r4"): one search for free Slots
// of the visit type in [from, to), with the Schedule and its actors included to name the
// practitioner and the location and to know the location's zone.
// Several practitioners or locations go into ONE request as a comma list (OR, R4
// search.html#combining) through a one-level chain on the Schedule (search.html#chaining): one
// round trip whatever the number of schedules (DESIGN.md section 10, slot search target).

import type { FhirClient } from '../../fhir/index.ts';
import type { FindSlotsResult, SlotQuery } from '../adapter.ts';
import { isoInstant } from '../lib/read-appointment.ts';
import { sortCandidates } from '../lib/slot-candidates.ts';
import { searchSlotCandidates } from '../lib/slot-pages.ts';

/**
 * Slots per page when the time of day is filtered here (R4 has no search parameter for it):
 * a day of several schedules in one round trip.
 */
export const FHIR_R4_SLOT_PAGE_SIZE = 100;
/**
 * Slots per page otherwise, as a multiple of the offers asked for. The EHR applies every other
 * filter, so each slot it returns is an offer; twice as many leaves room for a few dropped here
 * (a filter the server ignored, a slot that does not map) and for ties at the last offer's start,
 * and a next page is read only when that is not enough. Every slot beyond is serialized, sent,
 * parsed and thrown away: with 20 a page, a day of the sandbox's schedules was ~40 KB against
 * ~20 KB, and the gateway's CPU per find_slots ~30% more (bench/gateway-overhead.bench.ts).
 */
export const FHIR_R4_SLOT_OFFERS_PER_PAGE = 2;

export function fhirR4SlotParams(query: SlotQuery): Record<string, string | string[]> {
  const { coding } = query.visitType;
  const params: Record<string, string | string[]> = {
    status: 'free',
    'service-type': `${coding.system}|${coding.code}`,
    start: [`ge${isoInstant(query.from)}`, `lt${isoInstant(query.to)}`],
    _include: 'Slot:schedule',
    '_include:iterate': 'Schedule:actor',
    _sort: 'start',
    _count: String(
      query.timeOfDay === undefined ? FHIR_R4_SLOT_OFFERS_PER_PAGE * query.limit : FHIR_R4_SLOT_PAGE_SIZE,
    ),
  };
  const actors: string[] = [];
  const practitioners = query.practitionerIds ?? [];
  const locations = query.locationIds ?? [];
  // Repeating the parameter ANDs the two lists: a schedule of one of these practitioners AND at
  // one of these locations.
  if (practitioners.length > 0) actors.push(practitioners.map((id) => `Practitioner/${id}`).join(','));
  if (locations.length > 0) actors.push(locations.map((id) => `Location/${id}`).join(','));
  if (actors.length > 0) params['schedule.actor'] = actors;
  return params;
}

export async function findSlotsFhirR4(fhir: FhirClient, query: SlotQuery): Promise<FindSlotsResult> {
  const found = await searchSlotCandidates(fhir, fhirR4SlotParams(query), query);
  const candidates = sortCandidates([found], query.limit);
  return { candidates, notes: candidates.length === 0 ? [{ kind: 'no-results' }] : [] };
}
