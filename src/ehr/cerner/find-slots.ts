// Slot discovery on Oracle Health (Cerner) Millennium R4 (DESIGN.md section 5; fhir.cerner.com
// R4 Slot search): `service-type` is required, `start` needs both `ge` and `lt`, every parameter
// appears ONCE, so several practitioners or locations go in one comma list, which is also one
// round trip whatever the number of schedules. Only free Slots come back, sorted by start; no
// `status` or `_sort` is sent. `_include=Slot:schedule` names the practitioner through the
// Schedule's actor (cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json); the location is on the Slot.

import type { FhirClient } from '../../fhir/index.ts';
import type { FindSlotsResult, SlotQuery } from '../adapter.ts';
import { isoInstant } from '../lib/read-appointment.ts';
import { sortCandidates } from '../lib/slot-candidates.ts';
import { searchSlotCandidates } from '../lib/slot-pages.ts';

/** Slots per page; the `_count` of Cerner's own examples (cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json). */
export const CERNER_SLOT_PAGE_SIZE = 50;

export function cernerSlotParams(query: SlotQuery): URLSearchParams {
  const { coding } = query.visitType;
  const params = new URLSearchParams();
  params.append('service-type', `${coding.system}|${coding.code}`);
  params.append('start', `ge${isoInstant(query.from)}`);
  params.append('start', `lt${isoInstant(query.to)}`);
  const practitioners = query.practitionerIds ?? [];
  if (practitioners.length > 0) {
    params.append('schedule.actor', practitioners.map((id) => `Practitioner/${id}`).join(','));
  }
  const locations = query.locationIds ?? [];
  if (locations.length > 0) params.append('-location', locations.join(','));
  params.append('_include', 'Slot:schedule');
  params.append('_count', String(CERNER_SLOT_PAGE_SIZE));
  return params;
}

export async function findSlotsCerner(fhir: FhirClient, query: SlotQuery): Promise<FindSlotsResult> {
  const found = await searchSlotCandidates(fhir, cernerSlotParams(query), query);
  const candidates = sortCandidates([found], query.limit);
  return { candidates, notes: candidates.length === 0 ? [{ kind: 'no-results' }] : [] };
}
