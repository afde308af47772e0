// Contract: the Coverage the gateway builds for Cerner has the shape of Oracle Health's documented
// create example (cerner/R4_COVERAGE_CREATE.json), and the Cerner-like sandbox refuses what
// Cerner requires (src/sandbox/personalities/cerner-coverage.ts) with an OperationOutcome naming
// the element.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Coverage } from '@medplum/fhirtypes';
import { buildCoverage } from '../../../src/mapping/coverage.ts';
import { loadFhirSchema } from '../../../src/mapping/lib/fhir-schema.ts';
import { readVendorFixture } from '../../support/fixtures.ts';
import { type InsuranceHarness, startInsuranceHarness, vendorBase } from './support.ts';

const FIXTURE = 'cerner/R4_COVERAGE_CREATE.json';

/** The element paths of a JSON value, array indexes dropped: its shape. */
function shape(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    for (const item of value) for (const p of shape(item, prefix)) paths.add(p);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      paths.add(path);
      for (const p of shape(child, path)) paths.add(p);
    }
  }
  return paths;
}

describe(`Coverage body against ${FIXTURE}`, () => {
  before(() => loadFhirSchema());

  const built = () =>
    buildCoverage({
      vendor: 'cerner',
      patientId: '589763',
      payer: { id: '643847', name: 'Aetna Missouri POS - Open' },
      memberId: '123',
      groupNumber: '729839',
      periodStart: '2014-09-05',
      idempotencyKey: 'k-1',
    });

  it('uses only elements of the documented example, with its codings', () => {
    const fixture = readVendorFixture(FIXTURE) as Coverage;
    const body = built();
    const documented = shape(fixture);
    const extra = [...shape(body)].filter((path) => !documented.has(path));
    assert.deepEqual(extra, []);
    assert.equal(body.status, fixture.status);
    assert.deepEqual(body.beneficiary, fixture.beneficiary);
    assert.deepEqual(body.subscriber, fixture.subscriber);
    assert.equal(body.subscriberId, fixture.subscriberId);
    assert.equal(body.payor?.[0]?.reference, fixture.payor?.[0]?.reference);
    assert.equal(body.relationship?.coding?.[0]?.system, fixture.relationship?.coding?.[0]?.system);
    const group = fixture.class?.find((c) => c.type?.coding?.[0]?.code === 'group');
    assert.deepEqual(body.class?.[0]?.type, group?.type);
    assert.equal(body.class?.[0]?.value, group?.value);
  });

  it('carries every element the example has except period.end, which a caller cannot know', () => {
    const missing = [...shape(readVendorFixture(FIXTURE))].filter((path) => !shape(built()).has(path));
    assert.deepEqual(missing.sort(), ['period.end']);
  });
});

describe('Cerner-like sandbox Coverage create rules', () => {
  let h: InsuranceHarness;
  let valid: Coverage;
  before(async () => {
    h = await startInsuranceHarness('cerner');
    await loadFhirSchema();
    valid = buildCoverage({
      vendor: 'cerner',
      patientId: h.patientId,
      payer: { id: h.payorId('Aetna'), name: 'Aetna' },
      memberId: 'R1234',
      periodStart: '2030-03-04',
      idempotencyKey: 'k',
    });
  });
  after(() => h.close());

  const post = (body: unknown) =>
    fetch(`${vendorBase(h.sandbox, 'cerner')}/Coverage`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(body),
    });

  it('creates the documented body: 201 with a Location', async () => {
    const response = await post(valid);
    assert.equal(response.status, 201);
    assert.match(response.headers.get('location') ?? '', /\/Coverage\/[^/]+/);
  });

  for (const [element, change, status] of [
    ['Coverage.subscriberId', { subscriberId: undefined }, 400],
    ['Coverage.relationship', { relationship: undefined }, 400],
    ['Coverage.subscriber', { subscriber: { display: 'Pat Doe' } }, 422],
    ['Coverage.status', { status: 'draft' }, 422],
    ['Coverage.payor[0]', { payor: [{ reference: 'Organization/does-not-exist' }] }, 422],
  ] as const) {
    it(`refuses a body with a bad ${element} with ${status} naming it`, async () => {
      const response = await post({ ...valid, ...change });
      assert.equal(response.status, status);
      const outcome = (await response.json()) as { issue: { expression?: string[] }[] };
      assert.equal(outcome.issue[0]?.expression?.[0], element);
    });
  }

  it('refuses a payor that is not of type pay', async () => {
    const response = await post({
      ...valid,
      payor: [{ reference: `Organization/${h.sandbox.seed.organization.id}` }],
    });
    assert.equal(response.status, 422);
  });
});
