import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, Slot } from '@medplum/fhirtypes';
import type { FhirClient } from '../../fhir/index.ts';
import type { SlotQuery } from '../adapter.ts';
import { sortCandidates } from './slot-candidates.ts';
import { searchSlotCandidates } from './slot-pages.ts';

// A page as a server answers the search: the client is reduced to handing it back, since what is
// under test is what the adapter reads of it (the adapters' tests run the same code against the
// sandbox over HTTP).
const answering = (page: Bundle) =>
  ({
    search: async () => page,
    request: async () => {
      throw new Error('no next page');
    },
  }) as unknown as FhirClient;

const slot = (id: string, start: string, status: Slot['status'] = 'free'): Slot => ({
  resourceType: 'Slot',
  id,
  schedule: { reference: 'Schedule/s-1' },
  status,
  start: `2030-03-05T${start}:00Z`,
  end: `2030-03-05T${start.slice(0, 2)}:59:00Z`,
});

const page = (slots: Slot[]): Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: slots.map((resource) => ({ resource, search: { mode: 'match' } })),
});

const query: SlotQuery = {
  visitType: {
    id: 'follow-up',
    say: 'follow-up visit',
    minutes: 20,
    coding: { system: 'urn:test', code: 'f' },
  },
  from: new Date('2030-03-05T00:00:00Z'),
  to: new Date('2030-03-06T00:00:00Z'),
  timeZone: 'UTC',
  limit: 2,
};

const offered = async (slots: Slot[]) =>
  sortCandidates([await searchSlotCandidates(answering(page(slots)), {}, query)], query.limit).map(
    (candidate) => candidate.handle,
  );

describe('searchSlotCandidates', () => {
  it('stops reading a page in start order after the matches it needs, ties at the last start included', async () => {
    // "b" and "a" start together: the offer goes to the lower handle, as sortCandidates orders ties.
    const slots = [slot('c', '09:00'), slot('x', '09:30', 'busy'), slot('b', '10:00'), slot('a', '10:00')];
    for (let hour = 11; hour < 20; hour++) slots.push(slot(`later-${hour}`, `${hour}:00`));
    assert.deepEqual(await offered(slots), ['c', 'a']);
    const found = await searchSlotCandidates(answering(page(slots)), {}, query);
    assert.deepEqual(
      found.map((candidate) => candidate.handle),
      ['c', 'b', 'a'],
      'the later slots were not read',
    );
  });

  it('reads the whole page when it is not in start order', async () => {
    const slots = [
      slot('late', '15:00'),
      slot('later', '16:00'),
      slot('early', '08:00'),
      slot('mid', '12:00'),
    ];
    assert.deepEqual(await offered(slots), ['early', 'mid']);
  });
});
