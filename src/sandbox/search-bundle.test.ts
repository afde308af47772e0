// encodeBundle must write exactly the bytes JSON.stringify would (what the search route sent
// before it spliced cached entries), whatever the Bundle holds, and a pooled body must never be
// handed out again while still in use.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { FhirStore } from './fhir-store.ts';
import { issue } from './lib/outcome.ts';
import type { SearchPage } from './search.ts';
import { buildSearchBundle, encodeBundle } from './search-bundle.ts';

before(async () => {
  await loadFhirDefinitions();
});

const NOW = new Date('2030-03-04T12:00:00.000Z');

async function storedPatients(): Promise<Resource[]> {
  const store = new FhirStore();
  const names = ['Zoë Ångström', 'José Núñez', '王 小明', 'Plain Name'];
  const stored: Resource[] = [];
  for (const text of names) {
    const patient: Patient = { resourceType: 'Patient', name: [{ text, family: text.split(' ')[1] }] };
    stored.push((await store.create(patient)).resource);
  }
  return stored;
}

function page(matches: Resource[], included: Resource[] = [], warnings = false): SearchPage {
  return {
    total: matches.length + 7,
    offset: 0,
    count: matches.length,
    matches,
    included,
    warnings: warnings ? [issue('not-supported', 'ignored', { severity: 'warning', expression: 'x' })] : [],
    applied: [['name', 'Zoë']],
  };
}

test('writes the bytes JSON.stringify writes, for non-ASCII names, includes and outcome entries', async () => {
  const [a, b, c, d] = await storedPatients();
  const bundles: Bundle[] = [
    buildSearchBundle('http://127.0.0.1:1/fhir/R4', 'Patient', page([a, b], [c], true), {
      id: 'x',
      now: NOW,
    }),
    buildSearchBundle('http://localhost:2/fhir/R4', 'Patient', page([a, d]), { id: 'y', now: NOW }),
    buildSearchBundle('http://127.0.0.1:1/fhir/R4', 'Patient', page([]), { id: 'z', now: NOW }),
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: a }, { fullUrl: 'urn:x', resource: { ...b } }],
    },
    { resourceType: 'Bundle', entry: [{ resource: a }], type: 'collection' },
  ];
  // Twice: the second pass is served from the entry cache.
  for (const round of [1, 2]) {
    for (const bundle of bundles) {
      assert.equal(encodeBundle(bundle).toString('utf8'), JSON.stringify(bundle), `round ${round}`);
    }
  }
});

test('encodes a resource under several base URLs without mixing them up', async () => {
  const [a] = await storedPatients();
  const bases = [
    'http://a:1/fhir/R4',
    'http://b:2/fhir/R4',
    'http://c:3/fhir/R4',
    'http://d:4/fhir/R4',
    'http://e:5/r4',
  ];
  for (const round of [1, 2]) {
    for (const base of bases) {
      const bundle = buildSearchBundle(base, 'Patient', page([], [a]), { id: 'x', now: NOW });
      assert.equal(encodeBundle(bundle).toString('utf8'), JSON.stringify(bundle), `${base}, round ${round}`);
    }
  }
});
