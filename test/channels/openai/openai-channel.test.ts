// POST /openai/tool-call end to end: `function_call` items as the Responses and Realtime APIs
// emit them (type, id, call_id, name, arguments as a JSON string) in, `function_call_output`
// items out, against the real router over the sandbox EHR.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BODY_LIMIT_BYTES,
  bearer,
  type ChannelHarness,
  KEYS,
  SLOT_ARGS,
  startChannelHarness,
  verify,
} from '../http/support.ts';

let h: ChannelHarness;
let seq = 0;
const nextCall = () => `openai-call-${++seq}`;

before(async () => {
  h = await startChannelHarness();
});
after(() => h.close());

function functionCall(name: string, args: unknown, callId = `call_${++seq}`) {
  return {
    type: 'function_call',
    id: `fc_${seq}`,
    call_id: callId,
    name,
    arguments: typeof args === 'string' ? args : JSON.stringify(args),
    status: 'completed',
  };
}

async function send(phoneCall: string, item: unknown, key: string = KEYS.http): Promise<Response> {
  return h.post('/openai/tool-call', item, { ...bearer(key), 'x-call-id': phoneCall });
}

async function outputOf(response: Response, callId: string): Promise<Record<string, unknown>> {
  assert.equal(response.status, 200);
  const item = (await response.json()) as { type: string; call_id: string; output: string };
  assert.equal(item.type, 'function_call_output');
  assert.equal(item.call_id, callId);
  assert.equal(typeof item.output, 'string');
  return JSON.parse(item.output) as Record<string, unknown>;
}

describe('OpenAI tool-call channel', () => {
  it('runs function_call items end to end and answers function_call_output items; a repeated item books once', async () => {
    const phoneCall = nextCall();
    const find = functionCall('find_slots', SLOT_ARGS);
    const slots = await outputOf(await send(phoneCall, find), find.call_id);
    assert.equal(slots.status, 'found');
    const offers = slots.offers as { offer: string }[];
    assert.ok(offers[0]);

    const patientId = h.patientId(7);
    await verify(h.router, h.tenant.id, phoneCall, patientId);
    const before = h.bookedFor(patientId);
    const book = functionCall('book_appointment', { offer: offers[0].offer, reason: 'knee pain' });
    const first = await outputOf(await send(phoneCall, book), book.call_id);
    assert.equal(first.status, 'confirmed', JSON.stringify(first));
    assert.match(String(first.say), /^You're booked for /);
    // The integrator forwards the same item again (a retry after a dropped connection).
    const again = await outputOf(await send(phoneCall, book), book.call_id);
    assert.deepEqual(again, first);
    assert.equal(h.bookedFor(patientId) - before, 1);
  });

  it('hands the model an unknown tool or bad arguments as an error output it can correct, with no EHR traffic', async () => {
    const before = h.ehrRequests();
    const unknown = functionCall('find_slot', SLOT_ARGS);
    const unknownOutput = await outputOf(await send(nextCall(), unknown), unknown.call_id);
    assert.deepEqual(Object.keys(unknownOutput), ['error']);
    assert.equal((unknownOutput.error as { code: string }).code, 'unknown_tool');

    const wrongType = functionCall('find_slots', { ...SLOT_ARGS, limit: 'three' });
    const wrongOutput = await outputOf(await send(nextCall(), wrongType), wrongType.call_id);
    assert.equal((wrongOutput.error as { code: string }).code, 'invalid_arguments');
    assert.match((wrongOutput.error as { message: string }).message, /limit/);

    const missing = functionCall('book_appointment', {});
    const missingOutput = await outputOf(await send(nextCall(), missing), missing.call_id);
    assert.equal((missingOutput.error as { code: string }).code, 'invalid_arguments');

    const notJson = functionCall('find_slots', '{"visitType": "follow-up"');
    const notJsonOutput = await outputOf(await send(nextCall(), notJson), notJson.call_id);
    assert.equal((notJsonOutput.error as { code: string }).code, 'invalid_arguments');
    assert.equal(h.ehrRequests(), before);
  });

  it('refuses with an HTTP error what is not a function_call item: wrong type, missing call_id, no X-Call-Id', async () => {
    const before = h.ehrRequests();
    const message = await send(nextCall(), { type: 'message', role: 'user', content: 'hi' });
    assert.equal(message.status, 400);
    const messageError = ((await message.json()) as { error: { code: string; message: string } }).error;
    assert.equal(messageError.code, 'invalid_request');
    assert.match(messageError.message, /^type: /);

    const { call_id: _dropped, ...noCallId } = functionCall('find_slots', SLOT_ARGS);
    const missingId = await send(nextCall(), noCallId);
    assert.equal(missingId.status, 400);
    assert.match(((await missingId.json()) as { error: { message: string } }).error.message, /^call_id: /);

    const noPhoneCall = await h.post(
      '/openai/tool-call',
      functionCall('find_slots', SLOT_ARGS),
      bearer(KEYS.http),
    );
    assert.equal(noPhoneCall.status, 400);
    assert.match(((await noPhoneCall.json()) as { error: { message: string } }).error.message, /^X-Call-Id/);
    assert.equal(h.ehrRequests(), before);
  });

  it('answers malformed JSON with 400, an oversized item with 413 and a missing or wrong key with 401', async () => {
    const before = h.ehrRequests();
    const malformed = await send(nextCall(), '{"type": "function_call",');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'malformed_json');

    const big = await send(
      nextCall(),
      functionCall('find_slots', { ...SLOT_ARGS, pad: 'x'.repeat(BODY_LIMIT_BYTES) }),
    );
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'payload_too_large');

    for (const key of ['', 'wrong-key', KEYS.mcp]) {
      const refused = await h.post('/openai/tool-call', functionCall('find_slots', SLOT_ARGS), {
        ...(key === '' ? {} : bearer(key)),
        'x-call-id': nextCall(),
      });
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'unauthorized');
    }
    assert.equal(h.ehrRequests(), before);
  });
});
