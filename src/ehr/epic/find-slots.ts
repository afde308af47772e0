// Slot discovery on Epic (DESIGN.md section 5): `POST .../api/FHIR/STU3/Appointment/$find` with
// Parameters patient (a Patient resource with an identifier), startTime, endTime, serviceType
// (the visit type's Epic coding), location-reference and time-of-day. `$find` takes one location
// per call, so several locations are asked in parallel, bounded (lib/map-bounded.ts); Epic has
// no practitioner parameter, so practitioners are filtered here, as are time of day and range,
// whatever Epic did with the hints. `$find` answers a bounded number of the earliest openings and
// has no paging, so when the filters leave fewer than `limit`, it is asked again from the last
// start it gave, a few times at most.
import type { Bundle, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import type { FindNote, FindSlotsResult, SlotCandidate, SlotQuery } from '../adapter.ts';
import { mapBounded } from '../lib/map-bounded.ts';
import { isoInstant } from '../lib/read-appointment.ts';
import { sortCandidates } from '../lib/slot-candidates.ts';
import { matchesTimeOfDay } from '../lib/time-of-day.ts';
import { readFindBundle } from './find-results.ts';

export const EPIC_FIND_PATH = 'Appointment/$find';
/** `$find` calls per location for one search: with Epic's short answers, enough for a few days. */
export const EPIC_FIND_MAX_ROUNDS = 5;
/** The parts of the day `time-of-day` takes; `evening` is filtered here only. */
const EPIC_TIMES_OF_DAY: ReadonlySet<string> = new Set(['morning', 'afternoon']);

export function epicFindParameters(query: SlotQuery, locationId?: string): Parameters {
  const parameter: ParametersParameter[] = [];
  if (query.patientId !== undefined) {
    parameter.push({
      name: 'patient',
      resource: { resourceType: 'Patient', identifier: [{ value: query.patientId }] },
    });
  }
  parameter.push(
    { name: 'startTime', valueDateTime: isoInstant(query.from) },
    { name: 'endTime', valueDateTime: isoInstant(query.to) },
    {
      name: 'serviceType',
      valueCodeableConcept: { coding: [{ ...query.visitType.coding }], text: query.visitType.say },
    },
  );
  if (locationId !== undefined) {
    parameter.push({ name: 'location-reference', valueReference: { reference: `Location/${locationId}` } });
  }
  if (query.timeOfDay !== undefined && EPIC_TIMES_OF_DAY.has(query.timeOfDay)) {
    parameter.push({ name: 'time-of-day', valueString: query.timeOfDay });
  }
  return { resourceType: 'Parameters', parameter };
}

function keep(candidate: SlotCandidate, query: SlotQuery): boolean {
  const start = Date.parse(candidate.start);
  if (Number.isNaN(start) || start < query.from.getTime() || start >= query.to.getTime()) return false;
  const practitioners = query.practitionerIds ?? [];
  if (practitioners.length > 0 && !practitioners.includes(candidate.practitioner?.id ?? '')) return false;
  // Proposals carry no Location resource, so the query's zone stands in for the location's.
  return matchesTimeOfDay(candidate.start, query.timeOfDay, query.timeZone);
}

/** One opening, whatever temporary id each `$find` gave its proposal. */
function openingKey(c: SlotCandidate): string {
  return `${Date.parse(c.start)}|${c.practitioner?.id ?? ''}|${c.location?.id ?? ''}`;
}

async function findAtLocation(
  stu3: FhirClient,
  query: SlotQuery,
  locationId: string | undefined,
): Promise<{ candidates: SlotCandidate[]; notes: FindNote[] }> {
  const opts = query.signal === undefined ? {} : { signal: query.signal };
  const kept: SlotCandidate[] = [];
  const seen = new Set<string>();
  let notes: FindNote[] = [];
  let from = query.from;
  for (let round = 1; round <= EPIC_FIND_MAX_ROUNDS; round++) {
    const bundle = await stu3.operation<Bundle>(
      EPIC_FIND_PATH,
      epicFindParameters({ ...query, from }, locationId),
      opts,
    );
    const answer = readFindBundle(bundle, query.visitType.id);
    // A later round's "no results" only means the earlier rounds found everything.
    if (round === 1) notes = answer.notes;
    const fresh = answer.candidates.filter((c) => !seen.has(openingKey(c)));
    if (fresh.length === 0) break;
    for (const c of fresh) {
      seen.add(openingKey(c));
      if (keep(c, query)) kept.push(c);
    }
    const last = Math.max(...fresh.map((c) => Date.parse(c.start)));
    if (kept.length >= query.limit || Number.isNaN(last) || last >= query.to.getTime()) break;
    // From the last start, not after it: other openings may share that start.
    from = new Date(last);
  }
  return { candidates: kept, notes };
}

export async function findSlotsEpic(
  stu3: FhirClient,
  query: SlotQuery,
  concurrency: number,
): Promise<FindSlotsResult> {
  const locations: (string | undefined)[] = query.locationIds?.length ? [...query.locationIds] : [undefined];
  const answers = await mapBounded(locations, concurrency, (locationId) =>
    findAtLocation(stu3, query, locationId),
  );
  const candidates = sortCandidates(
    answers.map((a) => a.candidates),
    query.limit,
  );
  const notes: FindNote[] = answers.flatMap((a) => a.notes);
  if (candidates.length === 0 && !notes.some((n) => n.kind === 'no-results'))
    notes.push({ kind: 'no-results' });
  return { candidates, notes: dedupe(notes) };
}

function dedupe(notes: readonly FindNote[]): FindNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.kind}|${n.code ?? ''}|${n.diagnostics ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
