// Search and paging against a real local HTTP server.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { type Script, startScriptedServer } from '../../test/fhir/support/scripted-server.ts';
import { createFhirClient } from './client.ts';
import { FhirError } from './errors.ts';

const slot = (id: string): BundleEntry => ({
  resource: { resourceType: 'Slot', id, status: 'free', schedule: {}, start: '', end: '' },
  search: { mode: 'match' },
});

async function setup(t: TestContext, script: Script) {
  const server = await startScriptedServer(script);
  const client = createFhirClient({ baseUrl: `${server.origin}/r4/tenant`, sleep: async () => {} });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  return { server, client };
}

/** Three pages linked by absolute `next` URLs, as FHIR requires (R4 http.html#paging). */
function threePages(origin: string): Script {
  return (req) => {
    const page = new URL(req.url, origin).searchParams.get('page') ?? '1';
    const n = Number(page);
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: 5,
      link: [{ relation: 'self', url: `${origin}${req.url}` }],
      entry: n === 3 ? [slot('s5')] : [slot(`s${2 * n - 1}`), slot(`s${2 * n}`)],
    };
    if (n < 3) bundle.link?.push({ relation: 'next', url: `${origin}/r4/tenant/Slot?page=${n + 1}` });
    return { status: 200, body: bundle };
  };
}

test('search returns one page and sends the parameters in the query string', async (t) => {
  let origin = '';
  const { client, server } = await setup(t, (req, i) => threePages(origin)(req, i));
  origin = server.origin;
  const bundle = await client.search('Slot', {
    'service-type': 'sys|1',
    start: ['ge2026-03-02', 'lt2026-03-03'],
  });
  assert.equal(bundle.entry?.length, 2);
  assert.equal(
    server.requests[0].url,
    '/r4/tenant/Slot?service-type=sys%7C1&start=ge2026-03-02&start=lt2026-03-03',
  );
});

test('searchAll follows next links across 3 pages and returns every entry', async (t) => {
  let origin = '';
  const { client, server } = await setup(t, (req, i) => threePages(origin)(req, i));
  origin = server.origin;
  const bundle = await client.searchAll('Slot', { 'service-type': 'sys|1' });
  assert.deepEqual(
    bundle.entry?.map((e) => e.resource?.id),
    ['s1', 's2', 's3', 's4', 's5'],
  );
  assert.equal(bundle.total, 5);
  assert.equal(
    bundle.link?.some((l) => l.relation === 'next'),
    false,
  );
  assert.deepEqual(
    server.requests.map((r) => r.url),
    ['/r4/tenant/Slot?service-type=sys%7C1', '/r4/tenant/Slot?page=2', '/r4/tenant/Slot?page=3'],
  );
});

test('searchAll stops at maxPages and keeps the unfollowed next link', async (t) => {
  let origin = '';
  const { client, server } = await setup(t, (req, i) => threePages(origin)(req, i));
  origin = server.origin;
  const bundle = await client.searchAll('Slot', {}, { maxPages: 2 });
  assert.equal(bundle.entry?.length, 4);
  assert.equal(bundle.link?.find((l) => l.relation === 'next')?.url, `${origin}/r4/tenant/Slot?page=3`);
  assert.equal(server.requests.length, 2);
});

test('searchAll refuses a next link to another origin and sends nothing there', async (t) => {
  const other = await startScriptedServer([
    { status: 200, body: { resourceType: 'Bundle', type: 'searchset' } },
  ]);
  t.after(() => other.close());
  const { client } = await setup(t, () => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: `${other.origin}/r4/tenant/Slot?page=2` }],
      entry: [slot('s1')],
    },
  }));
  await assert.rejects(client.searchAll('Slot'), (err: unknown) => {
    assert.ok(err instanceof FhirError);
    assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
    assert.match(err.message, /another origin/);
    return true;
  });
  assert.equal(other.requests.length, 0);
});

test('searchAll refuses a next link that repeats a page instead of looping', async (t) => {
  let origin = '';
  const { client, server } = await setup(t, () => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'next', url: `${origin}/r4/tenant/Slot?page=2` }],
      entry: [slot('s1')],
    },
  }));
  origin = server.origin;
  await assert.rejects(client.searchAll('Slot'), { code: 'ERR_FHIR_INVALID_RESPONSE' });
  assert.equal(server.requests.length, 2);
});

test('searchAll resolves a relative next link against the page it came from', async (t) => {
  const { client, server } = await setup(t, (req) => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      link: req.url.includes('page=2') ? [] : [{ relation: 'next', url: '/r4/tenant/Slot?page=2' }],
      entry: [slot(req.url.includes('page=2') ? 's2' : 's1')],
    },
  }));
  const bundle = await client.searchAll('Slot');
  assert.equal(bundle.entry?.length, 2);
  assert.equal(server.requests[1].url, '/r4/tenant/Slot?page=2');
});

test('searchResources returns matched resources only, also those without a search mode', async (t) => {
  const { client } = await setup(t, () => ({
    status: 200,
    body: {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        slot('s1'),
        { resource: { resourceType: 'Slot', id: 's2' } },
        { resource: { resourceType: 'Schedule', id: 'sc1' }, search: { mode: 'include' } },
        { resource: { resourceType: 'OperationOutcome', issue: [] }, search: { mode: 'outcome' } },
      ],
    },
  }));
  const slots = await client.searchResources('Slot');
  assert.deepEqual(
    slots.map((s) => s.id),
    ['s1', 's2'],
  );
});

test('a search answered with something other than a Bundle is an invalid response', async (t) => {
  const { client } = await setup(t, () => ({ status: 200, body: { resourceType: 'Slot', id: 's1' } }));
  await assert.rejects(client.search('Slot'), { code: 'ERR_FHIR_INVALID_RESPONSE' });
});
