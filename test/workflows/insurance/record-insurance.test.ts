// recordInsurance over real HTTP against the sandbox (issue 5 item 4): Coverage verified on the
// Cerner-like and plain R4 personalities, Epic-like queued for staff, payer matching by the
// EHR's payors and by the tenant's aliases, bad input answered precisely.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Vendor } from '../../../src/config/types.ts';
import { getWorkItem } from '../../../src/store/index.ts';
import { openJson } from '../../../src/workflows/lib/sealed-json.ts';
import type { WorkItemDetails } from '../../../src/workflows/outbox/work-item-draft.ts';
import { type InsuranceHarness, startInsuranceHarness } from './support.ts';

const WRITING_VENDORS: readonly Vendor[] = ['cerner', 'fhir-r4'];

for (const vendor of WRITING_VENDORS) {
  describe(`recordInsurance on ${vendor}`, () => {
    let h: InsuranceHarness;
    before(async () => {
      h = await startInsuranceHarness(vendor);
    });
    after(() => h.close());

    it('writes a Coverage for a payer the EHR knows and confirms it after reading it back', async () => {
      const outcome = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-aetna-1`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId: "uh, it's W, two, three, four, five, six, seven",
        groupNumber: 'G 7 7 1',
        subscriber: 'self',
      });
      assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
      const stored = h.coveragesOf(h.patientId).filter((c) => c.subscriberId === 'W234567');
      assert.equal(stored.length, 1);
      assert.equal(stored[0]?.payor?.[0]?.reference, `Organization/${h.payorId('Aetna')}`);
      assert.equal(stored[0]?.relationship?.coding?.[0]?.code, 'self');
      assert.equal(stored[0]?.class?.find((c) => c.value === 'G771')?.type?.coding?.[0]?.code, 'group');
      if (outcome.status === 'confirmed') assert.equal(outcome.data.ref, `Coverage/${stored[0]?.id}`);
    });

    it('matches "blue cross" through the tenant alias and writes that payor', async () => {
      const outcome = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-bcbs-1`,
        patientId: h.patientId,
        payerName: 'blue cross',
        memberId: 'X double five nine one two',
        subscriber: 'self',
      });
      assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
      const stored = h.coveragesOf(h.patientId).filter((c) => c.subscriberId === 'X55912');
      assert.equal(stored[0]?.payor?.[0]?.reference, `Organization/${h.payorId('Blue Cross Blue Shield')}`);
    });

    it('returns the first outcome for a repeated call and writes one Coverage', async () => {
      const input = {
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-repeat-1`,
        patientId: h.patientId,
        payerName: 'Cigna',
        memberId: 'C 9 9 8 8 7',
        subscriber: 'self' as const,
      };
      const first = await h.workflow().recordInsurance(input);
      const second = await h.workflow().recordInsurance(input);
      assert.deepEqual(second, first);
      assert.equal(h.coveragesOf(h.patientId).filter((c) => c.subscriberId === 'C99887').length, 1);
    });

    it('sends a payer the clinic does not take to the work queue, never a guessed payor', async () => {
      const outcome = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-unknown-payer`,
        patientId: h.patientId,
        payerName: 'Acme Mutual Insurance',
        memberId: 'A1234567',
        subscriber: 'self',
      });
      assert.equal(outcome.status, 'queued');
      assert.equal(h.coveragesOf(h.patientId).filter((c) => c.subscriberId === 'A1234567').length, 0);
      const item = await getWorkItem(h.store.db, h.tenant.id, (outcome as { workItemId: string }).workItemId);
      assert.equal(item?.reason, 'missing_context');
      assert.equal(item?.queue, 'billing');
      assert.equal(item?.call_id, 'call-ins-1');
      const details = openJson<{ data: { payerSaid: string; memberId: string } }>(
        item?.details_enc ?? '',
        null,
      );
      assert.equal(details.data.payerSaid, 'Acme Mutual Insurance');
      assert.equal(details.data.memberId, 'A1234567');
    });

    it('answers a relationship outside the FHIR value set with invalid_input naming the field', async () => {
      const outcome = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-bad-relationship`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId: 'W1234567',
        subscriber: { name: 'Pat Doe', birthDate: '1970-05-06', relationship: 'landlord' },
      });
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.status === 'failed' && outcome.reason, 'invalid_input');
      assert.equal(outcome.status === 'failed' && outcome.field, 'subscriber.relationship');
    });

    it('answers an impossible subscriber birth date and an unreadable member id precisely', async () => {
      const badDate = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-bad-date`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId: 'W1234567',
        subscriber: { name: 'Pat Doe', birthDate: '1970-02-30', relationship: 'child' },
      });
      assert.equal(badDate.status === 'failed' && badDate.field, 'subscriber.birthDate');
      const badId = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-bad-id`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId: 'the one on the card, I think, banana',
        subscriber: 'self',
      });
      assert.equal(badId.status === 'failed' && badId.field, 'memberId');
    });

    it('queues a policy held by someone else with the holder, for staff to link', async () => {
      const outcome = await h.workflow().recordInsurance({
        callId: 'call-ins-1',
        idempotencyKey: `${vendor}-holder`,
        patientId: h.patientId,
        payerName: 'Aetna',
        memberId: 'H7654321',
        subscriber: { name: 'Pat Doe', birthDate: '1970-05-06', relationship: 'daughter' },
      });
      assert.equal(outcome.status, 'queued');
      const item = await getWorkItem(h.store.db, h.tenant.id, (outcome as { workItemId: string }).workItemId);
      const details = openJson<{ data: { subscriber: { relationship: string } } }>(
        item?.details_enc ?? '',
        null,
      );
      assert.equal(details.data.subscriber.relationship, 'child');
    });
  });
}

describe('recordInsurance on epic', () => {
  let h: InsuranceHarness;
  before(async () => {
    h = await startInsuranceHarness('epic');
  });
  after(() => h.close());

  it('queues the insurance for staff with a work item, since Epic offers no Coverage create', async () => {
    const outcome = await h.workflow().recordInsurance({
      callId: 'call-ins-1',
      idempotencyKey: 'epic-1',
      patientId: h.patientId,
      payerName: 'BCBS',
      memberId: 'W 2 3 4 5 6 7',
      subscriber: 'self',
    });
    assert.equal(outcome.status, 'queued');
    const item = await getWorkItem(h.store.db, h.tenant.id, (outcome as { workItemId: string }).workItemId);
    assert.equal(item?.reason, 'no_api');
    const details = openJson<WorkItemDetails & { data: { payer?: { id: string } } }>(
      item?.details_enc ?? '',
      null,
    );
    assert.equal(details.data.payer?.id, h.payorId('Blue Cross Blue Shield'));
    assert.equal(h.coveragesOf(h.patientId).length, 0);
  });
});

describe('recordInsurance with the mapping insurance: work-queue', () => {
  let h: InsuranceHarness;
  before(async () => {
    h = await startInsuranceHarness('fhir-r4', {
      tenant: {
        mapping: {
          chiefComplaint: { to: 'work-queue' },
          reasonForVisit: { to: 'work-queue' },
          insurance: { to: 'work-queue' },
        },
      },
    });
  });
  after(() => h.close());

  it('creates a work item and writes nothing to the EHR', async () => {
    const outcome = await h.workflow().recordInsurance({
      callId: 'call-ins-1',
      idempotencyKey: 'mapped-1',
      patientId: h.patientId,
      payerName: 'Aetna',
      memberId: 'W7654321',
      subscriber: 'self',
    });
    assert.equal(outcome.status, 'queued');
    const item = await getWorkItem(h.store.db, h.tenant.id, (outcome as { workItemId: string }).workItemId);
    assert.equal(item?.reason, 'mapped_to_staff');
    assert.equal(h.coveragesOf(h.patientId).length, 0);
  });
});
