// route_call and call ending through the router: destinations per intent from the tenant's
// routing configuration, business hours in the tenant's time zone (injected clock), emergency
// language on any tool, the handoff summary, and calls closed by end_call or by going idle.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getCall, listWorkItems } from '../../src/store/index.ts';
import { DEFAULT_CRISIS_SAY, DEFAULT_EMERGENCY_SAY } from '../../src/tools/emergency.ts';
import { startToolHarness, type ToolHarness, verify } from './support.ts';

// 2030-03-04 is a Monday. New York is UTC-5 in early March (DST starts March 10, 2030).
const MONDAY_10AM_NY = Date.parse('2030-03-04T15:00:00Z');
const MONDAY_7PM_NY = Date.parse('2030-03-05T00:00:00Z');
const SATURDAY_NOON_NY = Date.parse('2030-03-09T17:00:00Z');

let h: ToolHarness;
let seq = 0;
const nextCall = () => `route-${++seq}`;

before(async () => {
  h = await startToolHarness({
    tenant: {
      workflows: ['scheduling', 'routing'],
      routing: [
        { intent: 'scheduling', to: { queue: 'front-desk' } },
        {
          intent: 'billing',
          to: { queue: 'billing', phone: '+15550100' },
          hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' },
        },
        {
          intent: 'clinical-question',
          to: { queue: 'nurses', phone: '+15550111' },
          hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' },
          afterHours: { phone: '+15550199' },
        },
        {
          intent: 'prescription-refill',
          to: { queue: 'refills' },
          hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' },
          afterHours: { queue: 'refills-overnight' },
        },
        { intent: 'emergency', to: { phone: '+15550911' } },
      ],
    },
  });
});
after(() => h.close());

const at = (now: number) => h.routerWith({ now: () => now });

describe('route_call', () => {
  it('transfers each intent to its configured destination within business hours', async () => {
    const router = at(MONDAY_10AM_NY);
    const cases: [string, Record<string, string>][] = [
      ['billing', { queue: 'billing', phone: '+15550100' }],
      ['clinical-question', { queue: 'nurses', phone: '+15550111' }],
      ['prescription-refill', { queue: 'refills' }],
      ['scheduling', { queue: 'front-desk' }],
    ];
    for (const [intent, destination] of cases) {
      const out = await h.output({ name: 'route_call', callId: nextCall(), args: { intent } }, router);
      assert.equal(out.status, 'transfer', intent);
      assert.deepEqual(out.destination, destination, intent);
    }
  });

  it('asks for a callback number for an intent with no route of its own', async () => {
    const callId = nextCall();
    const out = await h.output({ name: 'route_call', callId, args: { intent: 'other' } }, at(MONDAY_10AM_NY));
    assert.equal(out.status, 'needs_more');
    assert.equal(out.ask, 'callbackNumber');
  });

  it('after hours uses the route fallback line, or a callback work item with the number', async () => {
    const evening = at(MONDAY_7PM_NY);
    const nurse = await h.output(
      { name: 'route_call', callId: nextCall(), args: { intent: 'clinical-question' } },
      evening,
    );
    assert.equal(nurse.status, 'transfer');
    assert.deepEqual(nurse.destination, { phone: '+15550199' });

    const callId = nextCall();
    const ask = await h.output(
      { name: 'route_call', callId, args: { intent: 'prescription-refill' } },
      evening,
    );
    assert.equal(ask.status, 'needs_more');
    const queued = await h.output(
      {
        name: 'route_call',
        callId,
        args: {
          intent: 'prescription-refill',
          callbackNumber: '+1 555 010 4242',
          note: 'refill of an inhaler',
        },
      },
      evening,
    );
    assert.equal(queued.status, 'queued');
    const items = await listWorkItems(h.store.db, { tenantId: h.tenant.id, queue: 'refills-overnight' });
    const item = items.find((i) => i.id === queued.workItemId);
    assert.ok(item);
    assert.equal(item.kind, 'callback');
    assert.match(item.details_enc, /\+1 555 010 4242/);

    const weekend = await h.output(
      { name: 'route_call', callId: nextCall(), args: { intent: 'billing' } },
      at(SATURDAY_NOON_NY),
    );
    assert.equal(weekend.status, 'needs_more');
  });

  it('answers intent emergency and emergency words in any tool with the emergency instruction', async () => {
    const router = at(MONDAY_10AM_NY);
    const direct = await h.output(
      { name: 'route_call', callId: nextCall(), args: { intent: 'emergency' } },
      router,
    );
    assert.equal(direct.status, 'emergency');
    assert.equal(direct.say, DEFAULT_EMERGENCY_SAY);
    assert.deepEqual(direct.destination, { phone: '+15550911' });

    const words = await h.output(
      { name: 'route_call', callId: nextCall(), args: { intent: 'other', note: "he can't breathe" } },
      router,
    );
    assert.equal(words.status, 'emergency');
    const slots = await h.output(
      { name: 'find_slots', callId: nextCall(), args: { visitType: 'I want to kill myself' } },
      router,
    );
    assert.equal(slots.say, DEFAULT_CRISIS_SAY);
  });

  it('hands over a summary of who called, what was done and what is pending, without PHI', async () => {
    const router = at(MONDAY_10AM_NY);
    const callId = nextCall();
    const found = await h.output(
      { name: 'find_slots', callId, args: { visitType: 'follow-up', from: '2030-03-05', to: '2030-03-06' } },
      router,
    );
    const [offer] = found.offers as { offer: string }[];
    assert.ok(offer);
    await verify(router, h.tenant.id, callId, h.patientId(8));
    const booked = await h.output({ name: 'book_appointment', callId, args: { offer: offer.offer } }, router);
    assert.equal(booked.status, 'confirmed');
    const out = await h.output({ name: 'route_call', callId, args: { intent: 'billing' } }, router);
    const summary = out.summary as { verified: boolean; done: string[]; text: string };
    assert.equal(summary.verified, true);
    assert.deepEqual(summary.done, ['appointment booked']);
    assert.equal(summary.text, 'Caller verified. Done: appointment booked.');
  });
});

describe('ending calls', () => {
  it('end_call closes the call in the store and answers the summary', async () => {
    const router = at(MONDAY_10AM_NY);
    const callId = nextCall();
    const out = await h.output({ name: 'end_call', callId }, router);
    assert.equal(out.status, 'ended');
    assert.deepEqual(out.summary, {
      verified: false,
      done: [],
      pending: [],
      workItems: [],
      text: 'Caller not verified. Nothing completed.',
    });
    const session = router.sessions.get(h.tenant.id, callId);
    assert.ok(session);
    assert.equal((await getCall(h.store.db, h.tenant.id, session.storeCallId))?.status, 'ended');
    // A platform's retry of end_call gets the same answer.
    assert.deepEqual(await h.output({ name: 'end_call', callId }, router), out);
  });

  it('closes a call that simply stopped once it has been idle for the timeout', async () => {
    let now = MONDAY_10AM_NY;
    const router = h.routerWith({ now: () => now, idleTimeoutMs: 60_000 });
    const callId = nextCall();
    await h.output({ name: 'route_call', callId, args: { intent: 'billing' } }, router);
    const session = router.sessions.get(h.tenant.id, callId);
    assert.ok(session);
    now += 30_000;
    assert.equal(await router.closeIdleCalls(), 0);
    now += 31_000;
    assert.equal(await router.closeIdleCalls(), 1);
    assert.equal((await getCall(h.store.db, h.tenant.id, session.storeCallId))?.status, 'ended');
  });
});
