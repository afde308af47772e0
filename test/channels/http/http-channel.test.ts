// The plain HTTP channel end to end: real fastify server, real channel authentication, the real
// tool router over the sandbox EHR. Refusals are checked for their `{error:{code,message}}`
// shape, their status, and for sending nothing to the EHR.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  BODY_LIMIT_BYTES,
  bearer,
  type ChannelHarness,
  KEYS,
  OTHER_TENANT,
  SLOT_ARGS,
  startChannelHarness,
  verify,
} from './support.ts';

let h: ChannelHarness;
let seq = 0;
const nextCall = () => `http-call-${++seq}`;
const toolPath = (callId: string, name: string) => `/v1/calls/${callId}/tools/${name}`;

before(async () => {
  h = await startChannelHarness();
});
after(() => h.close());
beforeEach(() => h.sandbox.faults.clear());

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error?: { code: string; message: string } };
  assert.ok(body.error, JSON.stringify(body));
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

describe('plain HTTP channel', () => {
  it('finds slots and books through POST /v1/calls/{callId}/tools/{name}, answering the output and its say', async () => {
    const callId = nextCall();
    const found = await h.post(toolPath(callId, 'find_slots'), SLOT_ARGS, bearer(KEYS.http));
    assert.equal(found.status, 200);
    const slots = (await found.json()) as { status: string; say: string; offers: { offer: string }[] };
    assert.equal(slots.status, 'found');
    assert.match(slots.say, /opening/);
    assert.ok(slots.offers[0]);

    const patientId = h.patientId(5);
    await verify(h.router, h.tenant.id, callId, patientId);
    const before = h.bookedFor(patientId);
    const book = () =>
      h.post(
        toolPath(callId, 'book_appointment'),
        { offer: slots.offers[0]!.offer },
        { ...bearer(KEYS.http), 'idempotency-key': 'book-1' },
      );
    const booked = await book();
    assert.equal(booked.status, 200);
    const outcome = (await booked.json()) as { status: string; say: string };
    assert.equal(outcome.status, 'confirmed', JSON.stringify(outcome));
    assert.match(outcome.say, /^You're booked for /);
    assert.equal(JSON.stringify(outcome).includes('resourceType'), false);

    // The integrator's retry with the same Idempotency-Key gets the first outcome, not a second booking.
    const repeated = await book();
    assert.deepEqual(await repeated.json(), outcome);
    assert.equal(h.bookedFor(patientId) - before, 1);
  });

  it('answers a failed outcome with 200 and status failed: the tool ran, the caller hears why', async () => {
    const callId = nextCall();
    await verify(h.router, h.tenant.id, callId, h.patientId(6));
    const response = await h.post(
      toolPath(callId, 'book_appointment'),
      { offer: 'not-an-offer' },
      bearer(KEYS.http),
    );
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; say: string };
    assert.equal(body.status, 'failed');
    assert.ok(body.say.length > 0);
  });

  it('refuses a missing, malformed or unknown API key with 401 before reading the body, with no EHR traffic', async () => {
    const before = h.ehrRequests();
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('not-a-key'), bearer(KEYS.mcp)]) {
      const response = await h.post(toolPath(nextCall(), 'find_slots'), SLOT_ARGS, headers);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal((await errorOf(response)).code, 'unauthorized');
    }
    // Authentication comes first: an unauthenticated oversized body is a 401, not a 413.
    const big = await h.post(toolPath(nextCall(), 'find_slots'), { pad: 'x'.repeat(BODY_LIMIT_BYTES * 2) });
    assert.equal(big.status, 401);
    assert.equal(h.ehrRequests(), before);
  });

  it('answers an unknown tool with 404 unknown_tool naming the nearest tool', async () => {
    const before = h.ehrRequests();
    const response = await h.post(toolPath(nextCall(), 'find_slot'), SLOT_ARGS, bearer(KEYS.http));
    assert.equal(response.status, 404);
    const error = await errorOf(response);
    assert.equal(error.code, 'unknown_tool');
    assert.match(error.message, /find_slots/);
    assert.equal(h.ehrRequests(), before);
  });

  it('answers arguments of the wrong type, missing fields and a non-object body with 400 invalid_arguments', async () => {
    const before = h.ehrRequests();
    const wrongType = await h.post(
      toolPath(nextCall(), 'find_slots'),
      { ...SLOT_ARGS, visitType: 42 },
      bearer(KEYS.http),
    );
    assert.equal(wrongType.status, 400);
    const typeError = await errorOf(wrongType);
    assert.equal(typeError.code, 'invalid_arguments');
    assert.match(typeError.message, /visitType/);

    const missing = await h.post(toolPath(nextCall(), 'book_appointment'), {}, bearer(KEYS.http));
    assert.equal(missing.status, 400);
    const missingError = await errorOf(missing);
    assert.equal(missingError.code, 'invalid_arguments');
    assert.match(missingError.message, /offer/);

    const array = await h.post(toolPath(nextCall(), 'find_slots'), [SLOT_ARGS], bearer(KEYS.http));
    assert.equal(array.status, 400);
    assert.equal((await errorOf(array)).code, 'invalid_arguments');
    assert.equal(h.ehrRequests(), before);
  });

  it('answers malformed JSON with 400 malformed_json and a non-JSON body with 415', async () => {
    const before = h.ehrRequests();
    const malformed = await h.post(toolPath(nextCall(), 'find_slots'), '{"visitType": ', bearer(KEYS.http));
    assert.equal(malformed.status, 400);
    assert.equal((await errorOf(malformed)).code, 'malformed_json');

    const text = await fetch(`${h.url}${toolPath(nextCall(), 'find_slots')}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(KEYS.http) },
      body: 'find me a slot',
    });
    assert.equal(text.status, 415);
    assert.equal((await errorOf(text)).code, 'unsupported_media_type');
    assert.equal(h.ehrRequests(), before);
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const before = h.ehrRequests();
    const response = await h.post(
      toolPath(nextCall(), 'find_slots'),
      { ...SLOT_ARGS, pad: 'x'.repeat(BODY_LIMIT_BYTES) },
      bearer(KEYS.http),
    );
    assert.equal(response.status, 413);
    assert.equal((await errorOf(response)).code, 'payload_too_large');
    assert.equal(h.ehrRequests(), before);
  });

  it('answers a call id of another tenant with 404 and records a security event', async () => {
    const callId = nextCall();
    const mine = await h.post(toolPath(callId, 'find_slots'), SLOT_ARGS, bearer(KEYS.http));
    assert.equal(mine.status, 200);
    const before = h.ehrRequests();
    const theirs = await h.post(toolPath(callId, 'find_slots'), SLOT_ARGS, bearer(KEYS.otherHttp));
    assert.equal(theirs.status, 404);
    assert.equal((await errorOf(theirs)).code, 'call_belongs_to_another_tenant');
    assert.equal(h.ehrRequests(), before);
    const audit = await h.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', OTHER_TENANT)
      .where('action', '=', 'security.call_belongs_to_another_tenant')
      .execute();
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor, 'channel:http');
  });

  it('answers a call id that could smuggle a path or a header with 400 invalid_request', async () => {
    const response = await h.post(toolPath('%0Aevil', 'find_slots'), SLOT_ARGS, bearer(KEYS.http));
    assert.equal(response.status, 400);
    assert.equal((await errorOf(response)).code, 'invalid_request');
  });
});
