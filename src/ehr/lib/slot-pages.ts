// Pages through a Slot search until enough candidates are found (R4 http.html#paging). Slots come
// sorted by start (Cerner always; fhir-r4 asks `_sort=start`), so once `limit` candidates have
// passed the filters, later pages cannot hold an earlier one and are not fetched.
import type { Bundle } from '@medplum/fhirtypes';
import type { FhirClient, SearchParams } from '../../fhir/index.ts';
import { FhirError } from '../../fhir/index.ts';
import type { SlotCandidate, SlotQuery } from '../adapter.ts';
import {
  candidateMatches,
  type IncludedResources,
  indexBundle,
  mergeIncluded,
  slotToCandidate,
} from './slot-candidates.ts';

/** Pages one Slot search may read before it stops: 10 pages of 100 cover weeks of a busy schedule. */
export const DEFAULT_SLOT_SEARCH_MAX_PAGES = 10;

export async function searchSlotCandidates(
  fhir: FhirClient,
  params: SearchParams,
  query: SlotQuery,
  maxPages: number = DEFAULT_SLOT_SEARCH_MAX_PAGES,
): Promise<SlotCandidate[]> {
  const signal = query.signal;
  const out: SlotCandidate[] = [];
  let included: IncludedResources = { schedules: new Map(), practitioners: new Map(), locations: new Map() };
  let page: Bundle = await fhir.search('Slot', params, signal === undefined ? {} : { signal });
  for (let pages = 1; ; pages++) {
    const indexed = indexBundle(page);
    included = mergeIncluded(included, indexed.included);
    // On a page in start order, as asked, no slot after the `limit`th match can start earlier:
    // the rest is not read (a day of several schedules is a hundred slots, three are offered).
    // Slots starting with that one are still read, as sortCandidates breaks ties by handle.
    const starts = indexed.slots.map((slot) => Date.parse(slot.start ?? ''));
    const ordered = starts.every((start, i) => i === 0 || start >= (starts[i - 1] as number));
    let lastStart = Number.NaN;
    for (const [i, slot] of indexed.slots.entries()) {
      if (ordered && out.length >= query.limit && starts[i] !== lastStart) break;
      if (slot.status !== undefined && slot.status !== 'free') continue;
      const candidate = slotToCandidate(slot, included, query.visitType.id);
      if (candidate !== undefined && candidateMatches(candidate, query, included)) {
        out.push(candidate);
        lastStart = starts[i] as number;
      }
    }
    const next = page.link?.find((l) => l.relation === 'next')?.url;
    if (out.length >= query.limit || next === undefined || next === '' || pages >= maxPages) return out;
    // The client refuses a next link on another origin: the token never leaves the EHR.
    const response = await fhir.request('GET', next, signal === undefined ? {} : { signal });
    page = asBundle(response.body, next);
  }
}

function asBundle(body: unknown, url: string): Bundle {
  if (
    typeof body === 'object' &&
    body !== null &&
    (body as { resourceType?: unknown }).resourceType === 'Bundle'
  ) {
    return body as Bundle;
  }
  throw new FhirError({
    kind: 'invalid-response',
    method: 'GET',
    path: new URL(url).pathname,
    ehrStatus: 200,
    detail: 'a search page is not a Bundle',
  });
}
