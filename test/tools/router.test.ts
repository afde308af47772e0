// The tool router end to end over real HTTP: sandbox EHR, fhir-r4 adapter, SQLite store, the
// scheduling workflow, driven through ToolRouter.call as a channel does.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { listCallEvents } from '../../src/store/index.ts';
import { STILL_WORKING_SAY } from '../../src/tools/router.ts';
import { OTHER_TENANT, startToolHarness, type ToolHarness, verify } from './support.ts';

let h: ToolHarness;
let callSeq = 0;
const nextCall = () => `router-call-${++callSeq}`;

before(async () => {
  h = await startToolHarness();
});
after(() => h.close());
beforeEach(() => h.sandbox.faults.clear());

const SLOT_ARGS = {
  visitType: 'follow-up',
  practitioner: 'dr-alvarez',
  from: '2030-03-05',
  to: '2030-03-08',
};

async function firstOffer(callId: string, router = h.router): Promise<string> {
  const found = await h.output({ name: 'find_slots', callId, args: SLOT_ARGS }, router);
  assert.equal(found.status, 'found', JSON.stringify(found));
  const offers = found.offers as { offer: string }[];
  assert.ok(offers[0]);
  return offers[0].offer;
}

function bookedFor(patientId: string): number {
  return [...h.sandbox.store.all('Appointment')].filter(
    (a) =>
      (a as { status?: string }).status === 'booked' &&
      (a as { participant?: { actor?: { reference?: string } }[] }).participant?.some(
        (p) => p.actor?.reference === `Patient/${patientId}`,
      ),
  ).length;
}

describe('tool router', () => {
  it('finds slots and books one for the verified patient, with a say sentence and no raw FHIR', async () => {
    const callId = nextCall();
    const offer = await firstOffer(callId);
    await verify(h.router, h.tenant.id, callId, h.patientId(3));
    const result = await h.call({
      name: 'book_appointment',
      callId,
      toolCallId: 'tc-1',
      args: JSON.stringify({ offer }),
    });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.output.status, 'confirmed');
    assert.match(result.say, /^You're booked for /);
    assert.equal(JSON.stringify(result.output).includes('resourceType'), false);
    const session = h.router.sessions.get(h.tenant.id, callId);
    assert.ok(session);
    await session.events;
    const types = (await listCallEvents(h.store.db, h.tenant.id, session.storeCallId)).map((e) => e.type);
    assert.deepEqual(types, ['tool.call', 'tool.result', 'tool.call', 'tool.result']);
  });

  it('books once when the same toolCallId is repeated, including while the first is still running', async () => {
    const callId = nextCall();
    const patientId = h.patientId(4);
    const offer = await firstOffer(callId);
    await verify(h.router, h.tenant.id, callId, patientId);
    const before = bookedFor(patientId);
    const request = { name: 'book_appointment', callId, toolCallId: 'tc-repeat', args: { offer } };
    const [a, b] = await Promise.all([h.call(request), h.call(request)]);
    const c = await h.call(request);
    assert.deepEqual(a, b);
    assert.deepEqual(a, c);
    assert.ok(a.ok && a.output.status === 'confirmed', JSON.stringify(a));
    assert.equal(bookedFor(patientId) - before, 1);
  });

  it('books once when a platform without tool call ids retries with the same arguments', async () => {
    const callId = nextCall();
    const patientId = h.patientId(5);
    const offer = await firstOffer(callId);
    await verify(h.router, h.tenant.id, callId, patientId);
    const before = bookedFor(patientId);
    const first = await h.call({ name: 'book_appointment', callId, args: { offer } });
    const retry = await h.call({ name: 'book_appointment', callId, args: JSON.stringify({ offer }) });
    assert.deepEqual(first, retry);
    assert.equal(bookedFor(patientId) - before, 1);
  });

  it('answers "still working" past the deadline, then the real outcome on the repeat, with one booking', async () => {
    const router = h.routerWith({ deadlineMs: 50 });
    const callId = nextCall();
    const patientId = h.patientId(6);
    const offer = await firstOffer(callId, router);
    await verify(router, h.tenant.id, callId, patientId);
    const before = bookedFor(patientId);
    h.sandbox.faults.addRule({
      match: { method: 'POST', pathRegex: '/fhir/R4/Appointment($|\\?)' },
      fault: { latencyMs: 400 },
      times: 1,
    });
    const request = { name: 'book_appointment', callId, toolCallId: 'tc-slow', args: { offer } };
    const first = await h.call(request, router);
    assert.ok(first.ok);
    assert.equal(first.output.status, 'pending');
    assert.equal(first.say, STILL_WORKING_SAY);
    await router.settled();
    const repeat = await h.call(request, router);
    assert.ok(repeat.ok);
    assert.equal(repeat.output.status, 'confirmed', JSON.stringify(repeat));
    assert.equal(bookedFor(patientId) - before, 1);
  });

  it('refuses a patient-bound tool before anyone is verified in the call', async () => {
    const callId = nextCall();
    const offer = await firstOffer(callId);
    const result = await h.call({ name: 'book_appointment', callId, args: { offer } });
    assert.ok(result.ok);
    assert.equal(result.output.status, 'failed');
    assert.equal(result.output.reason, 'not_verified');
    assert.match(result.say, /confirm who/);
  });

  it('names the field when arguments fail the schema, before any EHR traffic', async () => {
    const ehrRequests = h.sandbox.stats.snapshot().total;
    const missing = await h.call({ name: 'find_slots', callId: nextCall(), args: { from: '2030-03-05' } });
    assert.deepEqual(missing, {
      ok: false,
      error: { code: 'invalid_arguments', message: 'arguments.visitType: required' },
    });
    const wrongType = await h.call({
      name: 'find_slots',
      callId: nextCall(),
      args: { visitType: 'x', limit: 'three' },
    });
    assert.deepEqual(wrongType, {
      ok: false,
      error: { code: 'invalid_arguments', message: 'arguments.limit: expected number, got a string' },
    });
    // A field sent with the wrong type is not "required": the model did send it.
    const wrongTypes = await h.call({
      name: 'find_slots',
      callId: nextCall(),
      args: { visitType: ['follow-up'], from: 20300305 },
    });
    assert.ok(!wrongTypes.ok);
    assert.equal(
      wrongTypes.error.message,
      'arguments.visitType: expected string, got an array; arguments.from: expected string, got a number',
    );
    const extra = await h.call({
      name: 'find_slots',
      callId: nextCall(),
      args: { visitType: 'x', color: 'red' },
    });
    assert.ok(!extra.ok);
    assert.equal(extra.error.message, 'arguments.color: not a field of this tool');
    const malformed = await h.call({ name: 'find_slots', callId: nextCall(), args: '{"visitType":' });
    assert.ok(!malformed.ok);
    assert.equal(malformed.error.message, 'arguments: not valid JSON');
    assert.equal(h.sandbox.stats.snapshot().total, ehrRequests);
  });

  it('answers unknown_tool with a suggestion for a misspelt name', async () => {
    const result = await h.call({ name: 'find_slot', callId: nextCall() });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'unknown_tool');
    assert.match(result.error.message, /did you mean "find_slots"/);
  });

  it('refuses a call id already used by another tenant', async () => {
    const callId = nextCall();
    await firstOffer(callId);
    const result = await h.call({ name: 'find_slots', callId, tenantId: OTHER_TENANT, args: SLOT_ARGS });
    assert.ok(!result.ok);
    assert.equal(result.error.code, 'call_belongs_to_another_tenant');
    // Also from a router that never saw the call: the store is the authority.
    const fresh = h.routerWith({});
    const again = await h.call(
      { name: 'find_slots', callId, tenantId: OTHER_TENANT, args: SLOT_ARGS },
      fresh,
    );
    assert.ok(!again.ok);
    assert.equal(again.error.code, 'call_belongs_to_another_tenant');
  });

  it('answers emergency language with the emergency instruction and does nothing else', async () => {
    const callId = nextCall();
    const ehrRequests = h.sandbox.stats.snapshot().total;
    await verify(h.router, h.tenant.id, callId, h.patientId(7));
    const result = await h.call({
      name: 'book_appointment',
      callId,
      args: { offer: 'x', reason: "I've had chest pain since this morning" },
    });
    assert.ok(result.ok);
    assert.equal(result.output.status, 'emergency');
    assert.match(result.say, /911/);
    const crisis = await h.call({
      name: 'book_appointment',
      callId,
      args: { offer: 'x', reason: 'I feel suicidal' },
    });
    assert.ok(crisis.ok);
    assert.match(crisis.say, /988/);
    assert.equal(h.sandbox.stats.snapshot().total, ehrRequests);
  });

  it('lists the catalog with JSON Schemas for the tenant', () => {
    const names = h.router.list(h.tenant.id).map((tool) => tool.name);
    assert.ok(names.includes('find_slots') && names.includes('book_appointment'));
    const find = h.router.list(h.tenant.id).find((tool) => tool.name === 'find_slots');
    assert.ok(find);
    assert.deepEqual((find.inputSchema as { required?: string[] }).required, ['visitType']);
    assert.equal(find.outputSchema.type, 'object');
    assert.deepEqual(h.router.list('nobody'), []);
  });
});
