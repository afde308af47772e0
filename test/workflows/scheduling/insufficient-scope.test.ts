// P5 end to end: the sandbox's authorization server enforces scopes, our client was registered
// without Appointment create, and the EHR's 403 insufficient_scope becomes a visible
// not_authorized outcome naming the scope (issue 3), with nothing booked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEhrAdapter } from '../../../src/ehr/index.ts';
import type { SlotsFound } from '../../../src/workflows/index.ts';
import { clientFor, secretClient } from '../../ehr/support.ts';
import { CALL_ID, type Harness, startHarness } from './support.ts';

// Reads and searches, and the Slot update of the fhir-r4 slot claim, but no Appointment create.
const GRANTED = ['system/Slot.rus', 'system/Schedule.rs', 'system/Appointment.rs', 'system/Patient.r'];

let h: Harness;

before(async () => {
  // Auth on (the harness default is off): every FHIR request needs a token with the right scopes.
  h = await startHarness({ sandbox: { auth: {} } });
});
after(() => h?.close());

describe('not authorized by the EHR', () => {
  it('answers not_authorized naming the scope when the EHR refuses the Appointment create with 403', async () => {
    const fhir = clientFor(h.sandbox.r4BaseUrl, secretClient(h.sandbox, 'r4', h.sandbox.r4BaseUrl, GRANTED));
    const workflow = h.workflow({ adapter: createEhrAdapter({ vendor: 'fhir-r4', fhir }) });
    const found = await workflow.findSlots({
      callId: CALL_ID,
      visitType: 'follow-up',
      from: '2030-03-05',
      to: '2030-03-05',
    });
    assert.equal(found.status, 'found', JSON.stringify(found));
    const offer = (found as SlotsFound).offers[0];
    assert.ok(offer);
    const before = h.sandbox.store.count('Appointment');
    const patientId = h.sandbox.seed.patients[30]?.id ?? '';
    const outcome = await workflow.book({
      callId: CALL_ID,
      idempotencyKey: 'scope-1',
      offer: offer.offer,
      patientId,
    });
    assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.reason, 'not_authorized');
    assert.ok(
      outcome.missingScopes?.some((scope) => /Appointment/.test(scope)),
      JSON.stringify(outcome),
    );
    assert.equal(h.sandbox.store.count('Appointment'), before);
  });
});
