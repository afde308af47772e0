// A whole call through the tool router as the gateway builds it (server/tool-runtime.ts): every
// workflow over the real adapters and the sandbox EHR over HTTP, a SQLite store. find_patient ->
// find_slots -> book_appointment -> record_intake -> record_insurance -> end_call, then routing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment } from '@medplum/fhirtypes';
import type { TenantConfig } from '../../src/config/types.ts';
import type { SandboxHandle } from '../../src/sandbox/server.ts';
import type { ToolRuntime } from '../../src/server/tool-runtime.ts';
import { getCall, listCallEvents, listWorkItems, type Store } from '../../src/store/index.ts';
import { type GatewayRuntime, startGatewayRuntime } from './gateway-runtime.ts';

let sandbox: SandboxHandle;
let store: Store;
let tools: ToolRuntime;
let tenant: TenantConfig;
let fixture: GatewayRuntime;

before(async () => {
  fixture = await startGatewayRuntime({
    patient: { family: 'Lindqvist', given: 'Maja', birthDate: '1985-03-04' },
  });
  ({ sandbox, store, tools, tenant } = fixture);
});

after(() => fixture.close());

const call = (...args: Parameters<GatewayRuntime['call']>) => fixture.call(...args);

describe('a full call through the tool router', () => {
  it('lists every tool of the catalog for a tenant with every workflow', () => {
    assert.deepEqual(
      tools.router.list(tenant.id).map((tool) => tool.name),
      [
        'find_patient',
        'register_patient',
        'find_slots',
        'book_appointment',
        'cancel_appointment',
        'reschedule_appointment',
        'list_appointments',
        'record_intake',
        'record_insurance',
        'route_call',
        'end_call',
      ],
    );
  });

  it('verifies, finds slots, books, records intake and insurance, and ends with a summary', async () => {
    const callId = 'vapi-call-full-1';
    const verified = await call(callId, 'find_patient', {
      name: 'Maja Lindqvist',
      birthDate: 'March 4th 1985',
    });
    assert.equal(verified.status, 'verified', JSON.stringify(verified));
    assert.equal('patient' in verified, false, 'the handle stays in the session');

    const found = await call(callId, 'find_slots', {
      visitType: 'follow-up',
      practitioner: 'dr-alvarez',
      from: '2030-03-05',
      to: '2030-03-08',
    });
    assert.equal(found.status, 'found');
    const [offer] = found.offers as { offer: string }[];
    assert.ok(offer);

    const booked = await call(
      callId,
      'book_appointment',
      JSON.stringify({ offer: offer.offer, reason: 'sore throat' }),
      { toolCallId: 'vapi-tc-book' },
    );
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
    const appointmentId = (booked.data as { appointmentId: string }).appointmentId;
    const stored = (await sandbox.store.read('Appointment', appointmentId)) as Appointment;
    assert.equal(stored.status, 'booked');

    const intake = await call(callId, 'record_intake', {
      chiefComplaint: 'sore throat for three days',
      appointmentId,
    });
    assert.ok(['confirmed', 'queued'].includes(intake.status), JSON.stringify(intake));

    const insurance = await call(callId, 'record_insurance', {
      payerName: 'Aetna',
      memberId: 'W234567',
      subscriber: 'self',
    });
    assert.ok(['confirmed', 'queued'].includes(insurance.status), JSON.stringify(insurance));

    const ended = await call(callId, 'end_call', { reason: 'completed' });
    assert.equal(ended.status, 'ended');
    const summary = ended.summary as { verified: boolean; done: string[]; text: string };
    assert.equal(summary.verified, true);
    assert.ok(summary.done.includes('appointment booked'), summary.text);
    assert.equal(summary.text.includes('Lindqvist'), false, 'no PHI in the summary');

    const session = await tools.router.sessions.open({ tenantId: tenant.id, channel: 'sim', callId });
    assert.ok(session !== 'other-tenant');
    await session.events;
    const row = await getCall(store.db, tenant.id, session.storeCallId);
    assert.equal(row?.status, 'ended');
    const events = (await listCallEvents(store.db, tenant.id, session.storeCallId)).map((e) => e.type);
    // end_call's own result is the last event, after the call was closed.
    assert.deepEqual(events.slice(-2), ['call.ended', 'tool.result']);
    assert.ok(events.filter((type) => type === 'tool.result').length >= 5);
  });

  it('refuses booking before find_patient verified anyone in the call', async () => {
    const callId = 'vapi-call-unverified';
    const found = await call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-05',
      to: '2030-03-06',
    });
    const [offer] = found.offers as { offer: string }[];
    assert.ok(offer);
    const refused = await call(callId, 'book_appointment', { offer: offer.offer });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.reason, 'not_verified');
    const intake = await call(callId, 'record_intake', { chiefComplaint: 'a rash' });
    assert.equal(intake.reason, 'not_verified');
  });

  it('transfers billing in business hours and takes a callback after hours', async () => {
    // NOW_MS is Monday 07:00 in New York: before the 08:00 opening.
    const closed = await call('route-call-1', 'route_call', { intent: 'billing' });
    assert.equal(closed.status, 'needs_more');
    const queued = await call('route-call-1', 'route_call', {
      intent: 'billing',
      callbackNumber: '+1 555 010 9999',
      note: 'question about a bill',
    });
    assert.equal(queued.status, 'queued');
    const items = await listWorkItems(store.db, { tenantId: tenant.id, queue: 'billing' });
    assert.ok(items.some((item) => item.id === queued.workItemId && item.kind === 'callback'));
  });
});
