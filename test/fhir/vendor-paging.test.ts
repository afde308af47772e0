// Paging and match filtering over the vendors' own search Bundles.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Bundle } from '@medplum/fhirtypes';
import { createFhirClient, FhirError } from '../../src/fhir/index.ts';
import { readVendorFixture } from '../support/fixtures.ts';
import { type Script, startScriptedServer } from './support/scripted-server.ts';

async function setup(t: TestContext, script: Script) {
  const server = await startScriptedServer(script);
  const client = createFhirClient({ baseUrl: `${server.origin}/r4/tenant`, sleep: async () => {} });
  t.after(async () => {
    await client.close();
    await server.close();
  });
  return { server, client };
}

test("refuses to follow Cerner's next link when it points to another origin", async (t) => {
  // fixtures/vendor/cerner/R4_SLOT_BUNDLE.json: its next link points to fhir-open.cerner.com,
  // another origin than the local server that serves the page.
  const page = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE.json');
  const { client, server } = await setup(t, () => ({ status: 200, body: page }));

  const one = await client.search('Slot', { 'service-type': 'x|1' });
  assert.equal(one.entry?.length, 2);

  await assert.rejects(client.searchAll('Slot', { 'service-type': 'x|1' }), (err: unknown) => {
    assert.ok(err instanceof FhirError);
    assert.equal(err.code, 'ERR_FHIR_INVALID_RESPONSE');
    assert.match(err.message, /https:\/\/fhir-open\.cerner\.com/);
    return true;
  });
  assert.equal(server.requests.length, 2);
});

test("follows Cerner's paging on the same origin and keeps only matched Slots, not included Schedules", async (t) => {
  // fixtures/vendor/cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json then R4_SLOT_BUNDLE.json, with
  // their links moved onto the local origin (Cerner paging uses -pageContext, see the fixtures).
  const first = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json');
  const last = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE.json');
  let origin = '';
  const local = (url: string): string => url.replace(/^https:\/\/[^/]+\/r4\/[^/]+/, `${origin}/r4/tenant`);
  const { client, server } = await setup(t, (_req, i) => {
    const page = structuredClone(i === 0 ? first : last);
    page.link = (page.link ?? [])
      .filter((l) => i === 0 || l.relation !== 'next')
      .map((l) => ({ ...l, url: local(l.url ?? '') }));
    return { status: 200, body: page };
  });
  origin = server.origin;

  const slots = await client.searchResources('Slot', { 'service-type': 'x|1', _include: 'Slot:schedule' });
  assert.equal(server.requests.length, 2);
  assert.match(server.requests[1].url, /^\/r4\/tenant\/Slot\?.*-pageContext=/);
  assert.equal(slots.length, 3);
  assert.ok(slots.every((s) => s.resourceType === 'Slot'));
});

test('drops the OperationOutcome entries of an Argonaut $find result', async (t) => {
  // fixtures/vendor/argonaut/Bundle-hal-dr-y-appts.json: three proposed Appointments and an
  // OperationOutcome with search.mode = outcome.
  const bundle = readVendorFixture<Bundle>('argonaut/Bundle-hal-dr-y-appts.json');
  const { client } = await setup(t, () => ({ status: 200, body: bundle }));
  const appointments = await client.searchResources('Appointment');
  assert.equal(appointments.length, 3);
  assert.ok(appointments.every((a) => a.resourceType === 'Appointment' && a.status === 'proposed'));
});
