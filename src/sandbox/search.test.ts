// The search indexes (date orders, reference postings, remembered verdicts) must answer exactly
// what a scan would: checked against @medplum/core's matchesSearchRequest, whose date semantics
// search.ts follows (its header), on resources built to hit the edges: equal starts, long
// periods that start before a range, open-ended periods, updates and deletes between searches.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { matchesSearchRequest, parseSearchRequest } from '@medplum/core';
import type { Encounter, Resource, Slot } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { FhirStore } from './fhir-store.ts';
import { createPrng } from './lib/prng.ts';
import type { SearchQuery } from './search.ts';

before(async () => {
  await loadFhirDefinitions();
});

const ALL = { defaultCount: 10_000, maxCount: 10_000 };
const OPERATORS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'sa', 'eb', 'ap'] as const;
const VALUES = [
  '2030-03-05',
  '2030-03-05T14:00:00Z',
  '2030-03-05T14:00:00.000Z',
  '2030-03-05T14:20:00Z',
  '2030-03-05T09:00:00-05:00',
  '2030-03',
  '2030-03-07T08:00:00Z',
];

let ids = 0;
const nextId = (): string => `r${++ids}`;

function slot(start: string, status: Slot['status'] = 'free'): Slot {
  const end = new Date(Date.parse(start) + 20 * 60_000).toISOString();
  return {
    resourceType: 'Slot',
    schedule: { reference: 'Schedule/s1' },
    status,
    start,
    end,
    serviceType: [{ coding: [{ system: 'urn:test', code: 'follow-up' }] }],
  };
}

function encounter(start: string | undefined, end: string | undefined): Encounter {
  return {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    period: { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) },
  };
}

async function storeWith(resources: Resource[]): Promise<FhirStore> {
  const store = new FhirStore({ generateId: nextId });
  for (const resource of resources) await store.create(resource);
  return store;
}

function idsOf(resources: readonly Resource[]): string[] {
  return resources.map((r) => r.id as string);
}

/** What a scan returns: store order, then a stable sort on the first value's start (missing last). */
function expected(
  store: FhirStore,
  resourceType: string,
  query: string,
  sortPath?: (r: Resource) => string | undefined,
  descending = false,
): string[] {
  const request = parseSearchRequest(`${resourceType}?${query}`);
  const matches = [...store.all(resourceType)].filter((r) => matchesSearchRequest(r, request));
  if (sortPath === undefined) return idsOf(matches);
  const keyed = matches.map((r) => ({
    r,
    key: sortPath(r) === undefined ? undefined : new Date(sortPath(r) as string).toISOString(),
  }));
  keyed.sort((a, b) => {
    if (a.key === b.key) return 0;
    if (a.key === undefined) return 1;
    if (b.key === undefined) return -1;
    return (a.key < b.key ? -1 : 1) * (descending ? -1 : 1);
  });
  return idsOf(keyed.map((k) => k.r));
}

function searched(store: FhirStore, resourceType: string, query: string): string[] {
  const params = new URLSearchParams(query);
  const grouped: Record<string, string[]> = {};
  for (const key of new Set(params.keys())) grouped[key] = params.getAll(key);
  return idsOf(store.search(resourceType, grouped as SearchQuery, ALL).matches);
}

function slotStarts(): string[] {
  // Equal starts (ties must stay in store order), out of store order, across days.
  return [
    '2030-03-05T14:00:00.000Z',
    '2030-03-05T13:40:00.000Z',
    '2030-03-05T14:00:00.000Z',
    '2030-03-06T09:00:00.000Z',
    '2030-03-05T14:20:00.000Z',
    '2030-03-04T23:59:59.000Z',
    '2030-03-05T14:00:00.000Z',
    '2030-03-07T08:00:00.000Z',
    '2030-03-05T00:00:00.000Z',
  ];
}

test('finds the same slots in the same order as a scan, for every date prefix and sort', async () => {
  const store = await storeWith(slotStarts().map((start, i) => slot(start, i === 4 ? 'busy' : 'free')));
  const start = (r: Resource): string | undefined => (r as Slot).start;
  for (const operator of OPERATORS) {
    for (const value of VALUES) {
      const q = `start=${operator}${encodeURIComponent(value)}`;
      assert.deepEqual(searched(store, 'Slot', q), expected(store, 'Slot', q), q);
      assert.deepEqual(
        searched(store, 'Slot', `${q}&_sort=start`),
        expected(store, 'Slot', q, start),
        `${q} sorted`,
      );
      assert.deepEqual(
        searched(store, 'Slot', `${q}&_sort=-start`),
        expected(store, 'Slot', q, start, true),
        `${q} sorted descending`,
      );
    }
  }
  const window =
    'status=free&service-type=urn:test|follow-up&start=ge2030-03-05T04:00:00Z&start=lt2030-03-07T04:00:00Z';
  assert.deepEqual(searched(store, 'Slot', `${window}&_sort=start`), expected(store, 'Slot', window, start));
  assert.equal(searched(store, 'Slot', `${window}&_sort=start`).length, 5);
});

test('reaches back for periods that start before a range and end in it, and keeps open-ended ones', async () => {
  const store = await storeWith([
    encounter('2030-03-01T08:00:00.000Z', '2030-03-06T08:00:00.000Z'),
    encounter('2030-03-05T10:00:00.000Z', '2030-03-05T11:00:00.000Z'),
    encounter('2030-02-01T00:00:00.000Z', '2030-02-02T00:00:00.000Z'),
    encounter('2030-03-06T10:00:00.000Z', '2030-03-06T10:30:00.000Z'),
  ]);
  const queries = OPERATORS.flatMap((operator) =>
    VALUES.map((value) => `date=${operator}${encodeURIComponent(value)}`),
  );
  queries.push('date=ge2030-03-05&date=lt2030-03-06', 'date=gt2030-03-05T12:00:00Z&date=le2030-03-06');
  for (const q of queries)
    assert.deepEqual(searched(store, 'Encounter', q), expected(store, 'Encounter', q), q);

  // An encounter still open (no end) cannot be ordered as an instant: searches fall back to a
  // scan and still agree.
  await store.create(encounter('2030-03-04T09:00:00.000Z', undefined));
  for (const q of queries) {
    assert.deepEqual(searched(store, 'Encounter', q), expected(store, 'Encounter', q), `${q} (open period)`);
  }
});

test('follows updates, deletes and creates between searches of the same window', async () => {
  const store = await storeWith(slotStarts().map((start) => slot(start)));
  const window = 'status=free&start=ge2030-03-05T04:00:00Z&start=lt2030-03-06T04:00:00Z&_sort=start';
  const start = (r: Resource): string | undefined => (r as Slot).start;
  const check = (why: string): void =>
    assert.deepEqual(
      searched(store, 'Slot', window),
      expected(store, 'Slot', window.replace('&_sort=start', ''), start),
      why,
    );
  check('seeded');
  const [first] = searched(store, 'Slot', window);
  const booked = store.read<Slot>('Slot', first);
  await store.update('Slot', first, { ...booked, status: 'busy' });
  check('after booking');
  assert.ok(!searched(store, 'Slot', window).includes(first), 'a booked slot is no longer free');
  await store.update('Slot', first, { ...store.read<Slot>('Slot', first), status: 'free' });
  check('after freeing');
  assert.equal(searched(store, 'Slot', window)[0], first, 'freed, it is back in its place');
  await store.update('Slot', first, {
    ...store.read<Slot>('Slot', first),
    start: '2030-03-08T10:00:00.000Z',
    end: '2030-03-08T10:20:00.000Z',
  });
  check('after moving it out of the window');
  await store.delete('Slot', searched(store, 'Slot', window)[0]);
  check('after a delete');
  await store.create(slot('2030-03-05T14:00:00.000Z'));
  check('after a create that ties with others');
});

test('answers a bare _sort on a date parameter with missing values last', async () => {
  const store = await storeWith([
    encounter('2030-03-05T10:00:00.000Z', '2030-03-05T11:00:00.000Z'),
    { resourceType: 'Encounter', status: 'planned', class: { code: 'AMB' } },
    encounter('2030-03-04T10:00:00.000Z', '2030-03-04T11:00:00.000Z'),
  ]);
  const start = (r: Resource): string | undefined => (r as Encounter).period?.start;
  assert.deepEqual(searched(store, 'Encounter', '_sort=date'), expected(store, 'Encounter', '', start));
  assert.deepEqual(
    searched(store, 'Encounter', '_sort=-date'),
    expected(store, 'Encounter', '', start, true),
  );
});

test('agrees with a scan through a random run of bookings, moves, deletes and creates', async () => {
  const prng = createPrng(7);
  const day = (d: number, minutes: number): string =>
    new Date(Date.UTC(2030, 2, 4 + d, 13, 0) + minutes * 60_000).toISOString();
  // Few distinct times, so many slots tie on start and store order decides between them.
  const randomStart = (): string => day(prng.int(0, 3), 20 * prng.int(0, 5));
  const store = await storeWith(Array.from({ length: 60 }, () => slot(randomStart())));
  const start = (r: Resource): string | undefined => (r as Slot).start;
  const deleted: Slot[] = [];
  for (let step = 0; step < 300; step++) {
    const current = [...store.all('Slot')] as (Slot & { id: string })[];
    const target = prng.pick(current);
    const roll = prng.next();
    if (roll < 0.5) {
      // A booking or a cancellation: same times, another status.
      await store.update('Slot', target.id, {
        ...target,
        status: target.status === 'free' ? 'busy' : 'free',
      });
    } else if (roll < 0.65) {
      const moved = randomStart();
      const end = new Date(Date.parse(moved) + 20 * 60_000).toISOString();
      await store.update('Slot', target.id, { ...target, start: moved, end });
    } else if (roll < 0.75) {
      await store.delete('Slot', target.id);
      deleted.push(target);
    } else if (roll < 0.85 && deleted.length > 0) {
      // Update-as-create under a deleted id: back in the store, last in store order.
      const back = deleted.shift() as Slot & { id: string };
      await store.update('Slot', back.id, { ...back, meta: undefined });
    } else {
      await store.create(slot(randomStart(), prng.chance(0.5) ? 'free' : 'busy'));
    }
    const from = prng.int(0, 3);
    const window = `status=free&start=ge${day(from, 0)}&start=lt${day(from + prng.int(1, 2), 0)}`;
    assert.deepEqual(
      searched(store, 'Slot', `${window}&_sort=start`),
      expected(store, 'Slot', window, start),
      `step ${step}`,
    );
    assert.deepEqual(
      searched(store, 'Slot', window),
      expected(store, 'Slot', window),
      `step ${step}, unsorted`,
    );
    if (step % 10 === 0) {
      assert.deepEqual(
        searched(store, 'Slot', `${window}&_sort=-start`),
        expected(store, 'Slot', window, start, true),
        `step ${step}, descending`,
      );
    }
  }
});
