// Slot search results -> SlotCandidate, shared by the R4-speaking adapters (fhir-r4, cerner).
// A Slot names only its Schedule; who and where come from the Schedule's actors, which the search
// brings along with `_include=Slot:schedule` (cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json) and,
// for display names and the location's zone, `_include:iterate=Schedule:actor`. Cerner also puts
// the location on the Slot itself (extension scheduling-location, cerner/R4_SLOT_BUNDLE.json).
import type { Bundle, Location, Practitioner, Schedule, Slot } from '@medplum/fhirtypes';
import type { SlotCandidate, SlotQuery } from '../adapter.ts';
import { referenceId } from './references.ts';
import { matchesTimeOfDay } from './time-of-day.ts';

/** Cerner's Slot extension naming the Location (fhir.cerner.com R4 Slot, cerner/R4_SLOT_BUNDLE.json). */
export const CERNER_SCHEDULING_LOCATION_URL =
  'https://fhir-ehr.cerner.com/r4/StructureDefinition/scheduling-location';
/** FHIR extension `timezone` (IANA code) on Location, backported from R5 (extensions pack). */
export const TIMEZONE_EXTENSION_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';

export type IncludedResources = {
  readonly schedules: ReadonlyMap<string, Schedule>;
  readonly practitioners: ReadonlyMap<string, Practitioner>;
  readonly locations: ReadonlyMap<string, Location>;
};

export function indexBundle(bundle: Bundle): { slots: Slot[]; included: IncludedResources } {
  const slots: Slot[] = [];
  const schedules = new Map<string, Schedule>();
  const practitioners = new Map<string, Practitioner>();
  const locations = new Map<string, Location>();
  for (const entry of bundle.entry ?? []) {
    const r = entry.resource;
    if (r === undefined || r.id === undefined) continue;
    if (r.resourceType === 'Slot' && entry.search?.mode !== 'include') slots.push(r);
    else if (r.resourceType === 'Schedule') schedules.set(r.id, r);
    else if (r.resourceType === 'Practitioner') practitioners.set(r.id, r);
    else if (r.resourceType === 'Location') locations.set(r.id, r);
  }
  return { slots, included: { schedules, practitioners, locations } };
}

export function mergeIncluded(into: IncludedResources, from: IncludedResources): IncludedResources {
  return {
    schedules: new Map([...into.schedules, ...from.schedules]),
    practitioners: new Map([...into.practitioners, ...from.practitioners]),
    locations: new Map([...into.locations, ...from.locations]),
  };
}

function practitionerName(p: Practitioner | undefined): string | undefined {
  const name = p?.name?.[0];
  if (name === undefined) return undefined;
  if (typeof name.text === 'string' && name.text !== '') return name.text;
  const parts = [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(
    (s): s is string => typeof s === 'string' && s !== '',
  );
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function locationOfSlot(slot: Slot): string | undefined {
  const ext = slot.extension?.find((e) => e.url === CERNER_SCHEDULING_LOCATION_URL);
  return referenceId(ext?.valueReference, 'Location');
}

/** The IANA zone a Location declares, if any. */
export function locationTimeZone(location: Location | undefined): string | undefined {
  const value = location?.extension?.find((e) => e.url === TIMEZONE_EXTENSION_URL)?.valueCode;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A Slot as a candidate; undefined when it lacks what booking needs (id, start, end). */
export function slotToCandidate(
  slot: Slot,
  included: IncludedResources,
  visitTypeId: string,
): SlotCandidate | undefined {
  if (slot.id === undefined || slot.start === undefined || slot.end === undefined) return undefined;
  const scheduleId = referenceId(slot.schedule, 'Schedule');
  const schedule = scheduleId === undefined ? undefined : included.schedules.get(scheduleId);
  let practitioner: SlotCandidate['practitioner'];
  let location: SlotCandidate['location'];
  for (const actor of schedule?.actor ?? []) {
    const pid = referenceId(actor, 'Practitioner');
    if (pid !== undefined && practitioner === undefined) {
      const display = actor.display ?? practitionerName(included.practitioners.get(pid));
      practitioner = display === undefined ? { id: pid } : { id: pid, display };
    }
    const lid = referenceId(actor, 'Location');
    if (lid !== undefined && location === undefined) {
      const display = actor.display ?? included.locations.get(lid)?.name;
      location = display === undefined ? { id: lid } : { id: lid, display };
    }
  }
  const slotLocation = locationOfSlot(slot);
  if (location === undefined && slotLocation !== undefined) {
    const display = included.locations.get(slotLocation)?.name;
    location = display === undefined ? { id: slotLocation } : { id: slotLocation, display };
  }
  return {
    handle: slot.id,
    start: slot.start,
    end: slot.end,
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
    visitTypeId,
  };
}

/**
 * The query's filters applied on our side as well: a server may ignore a parameter it does not
 * support (R4 search.html#errors allows it with `handling=lenient`), and a wrong practitioner
 * offered to a caller is worse than a missed slot.
 */
export function candidateMatches(
  candidate: SlotCandidate,
  query: SlotQuery,
  included: IncludedResources,
): boolean {
  const start = Date.parse(candidate.start);
  if (Number.isNaN(start) || start < query.from.getTime() || start >= query.to.getTime()) return false;
  const practitioners = query.practitionerIds ?? [];
  if (practitioners.length > 0 && !practitioners.includes(candidate.practitioner?.id ?? '')) return false;
  const locations = query.locationIds ?? [];
  if (locations.length > 0 && !locations.includes(candidate.location?.id ?? '')) return false;
  const zone =
    locationTimeZone(
      candidate.location === undefined ? undefined : included.locations.get(candidate.location.id),
    ) ?? query.timeZone;
  return matchesTimeOfDay(candidate.start, query.timeOfDay, zone);
}

/** Merged, deduplicated by handle, sorted by start, cut to `limit` (FindSlotsResult.candidates). */
export function sortCandidates(lists: readonly (readonly SlotCandidate[])[], limit: number): SlotCandidate[] {
  const byHandle = new Map<string, SlotCandidate>();
  for (const list of lists) for (const c of list) if (!byHandle.has(c.handle)) byHandle.set(c.handle, c);
  // Each start parsed once: a two-week search sorts thousands of slots.
  const keyed = [...byHandle.values()].map((c) => ({ c, at: Date.parse(c.start) }));
  keyed.sort((a, b) => a.at - b.at || (a.c.handle < b.c.handle ? -1 : a.c.handle > b.c.handle ? 1 : 0));
  return keyed.slice(0, Math.max(0, limit)).map((k) => k.c);
}
