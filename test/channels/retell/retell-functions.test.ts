import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signRetellRequest } from '../../../src/channels/auth/index.ts';
import { readAuditRecords } from '../../../src/store/index.ts';
import { type ChannelHarness, HILLSIDE, SECRETS, startChannelHarness, VALLEY } from '../vapi/support.ts';

const PATH = '/retell/functions';

// The body Retell POSTs to a custom function (docs.retellai.com/build/conversation-flow/
// custom-function, "Request & response spec"): name, the call object (as the Get Call API
// returns it, transcript included), and args.
function retellBody(callId: string, name: string, args: unknown): string {
  return JSON.stringify({
    name,
    call: {
      call_id: callId,
      call_type: 'phone_call',
      agent_id: 'agent_test',
      call_status: 'ongoing',
      direction: 'inbound',
      from_number: '+15550100000',
      to_number: '+15550199999',
      start_timestamp: Date.now() - 30_000,
      transcript: 'Agent: How can I help?\nUser: I need an appointment.',
    },
    args,
  });
}

/** Signed as Retell signs every attempt: with the time it is sent. */
function signed(
  body: string,
  tenant: typeof VALLEY | typeof HILLSIDE,
  at = Date.now(),
): Record<string, string> {
  return { 'x-retell-signature': signRetellRequest(body, SECRETS[tenant].retell, at) };
}

describe('Retell custom functions', () => {
  let h: ChannelHarness;
  before(async () => {
    h = await startChannelHarness();
  });
  after(() => h.close());

  it('drives a call with {name, call, args} bodies: verify -> find slots -> book -> intake -> insurance -> end', async () => {
    const callId = 'retell-call-flow';
    const caller = h.hillside.caller(4);
    const send = async (name: string, args: unknown) => {
      const body = retellBody(callId, name, args);
      const response = await h.post(PATH, body, signed(body, HILLSIDE));
      assert.equal(response.status, 200, JSON.stringify(response.json));
      return response.json as Record<string, unknown>;
    };
    assert.equal(
      (await send('find_patient', { name: caller.name, birthDate: caller.birthDate })).status,
      'verified',
    );
    const slots = await send('find_slots', { visitType: 'new-patient' });
    assert.equal(slots.status, 'found', JSON.stringify(slots));
    const offer = (slots.offers as { offer: string }[])[0]!.offer;
    const booked = await send('book_appointment', { offer });
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
    const appointmentId = (booked.data as { appointmentId: string }).appointmentId;
    const intake = await send('record_intake', { chiefComplaint: 'cough', appointmentId });
    assert.equal(intake.status, 'confirmed', JSON.stringify(intake));
    const insurance = await send('record_insurance', {
      payerName: 'Cigna',
      memberId: 'U1234567',
      subscriber: 'self',
    });
    assert.equal(insurance.status, 'confirmed', JSON.stringify(insurance));
    const ended = await send('end_call', {});
    assert.equal(ended.status, 'ended', JSON.stringify(ended));
    assert.deepEqual((ended.summary as { pending: unknown[] }).pending, []);
    assert.equal(h.hillside.sandbox.stats.count('POST /fhir/R4/Appointment'), 1);
    assert.equal(h.valley.sandbox.stats.count('POST /fhir/R4/Appointment'), 0);
  });

  it('books once when Retell retries the same function call, in flight and after it answered', async () => {
    const callId = 'retell-call-retry';
    const caller = h.valley.caller(5);
    const post = (name: string, args: unknown, at = Date.now()) => {
      const body = retellBody(callId, name, args);
      return h.post(PATH, body, signed(body, VALLEY, at));
    };
    await post('find_patient', { name: caller.name, birthDate: caller.birthDate });
    const slots = (await post('find_slots', { visitType: 'follow-up' })).json as {
      offers: { offer: string }[];
    };
    const offer = slots.offers[0]!.offer;
    const postsBefore = h.valley.sandbox.stats.count('POST /fhir/R4/Appointment');

    // A retry while the first attempt is still running, then one after it answered.
    const [first, concurrent] = await Promise.all([
      post('book_appointment', { offer }),
      post('book_appointment', { offer }, Date.now() + 1),
    ]);
    const late = await post('book_appointment', { offer }, Date.now() + 2);
    for (const response of [first, concurrent, late]) assert.equal(response.status, 200);
    assert.equal((first.json as { status: string }).status, 'confirmed');
    assert.deepEqual(concurrent.json, first.json);
    assert.deepEqual(late.json, first.json);
    assert.equal(h.valley.sandbox.stats.count('POST /fhir/R4/Appointment') - postsBefore, 1);
  });

  it('takes the args-only payload with the function in the path and the call id in the query', async () => {
    const body = JSON.stringify({ visitType: 'follow-up', limit: 2 });
    const response = await h.post(
      `${PATH}/find_slots?call_id=retell-call-args-only`,
      body,
      signed(body, VALLEY),
    );
    assert.equal(response.status, 200, JSON.stringify(response.json));
    assert.equal((response.json as { status: string }).status, 'found');
    assert.equal((response.json as { offers: unknown[] }).offers.length, 2);

    const noCall = await h.post(`${PATH}/find_slots`, body, signed(body, VALLEY));
    assert.equal(noCall.status, 400);
    assert.equal((noCall.json as { error: { code: string } }).error.code, 'invalid_request');
  });

  it('answers tool refusals with 200 so the model can correct itself, without EHR traffic', async () => {
    const ehrBefore = h.valley.ehrRequests();
    for (const [name, args, code] of [
      ['find_slot', {}, 'unknown_tool'],
      ['find_slots', { visitType: 42 }, 'invalid_arguments'],
    ] as const) {
      const body = retellBody('retell-call-refusals', name, args);
      const response = await h.post(PATH, body, signed(body, VALLEY));
      assert.equal(response.status, 200);
      assert.equal((response.json as { error: { code: string } }).error.code, code);
    }
    assert.equal(h.valley.ehrRequests(), ehrBefore);
  });

  it('refuses unsigned, forged, stale and replayed requests with 401, records each, and calls no EHR', async () => {
    const body = retellBody('retell-call-forged', 'find_slots', { visitType: 'follow-up' });
    const ehrBefore = h.valley.ehrRequests() + h.hillside.ehrRequests();
    const good = signed(body, VALLEY);
    assert.equal((await h.post(PATH, body, good)).status, 200);
    const ehrAfterGood = h.valley.ehrRequests() + h.hillside.ehrRequests();
    assert.ok(ehrAfterGood > ehrBefore);

    const cases: [Record<string, string>, string, string][] = [
      [{}, 'missing_credential', '-'],
      [
        { 'x-retell-signature': signRetellRequest(body, 'someone-elses-key', Date.now()) },
        'bad_signature',
        '-',
      ],
      [
        { 'x-retell-signature': signRetellRequest(`${body} `, SECRETS[VALLEY].retell, Date.now()) },
        'bad_signature',
        '-',
      ],
      [signed(body, VALLEY, Date.now() - 10 * 60_000), 'stale_signature', VALLEY],
      [good, 'replayed_request', VALLEY],
    ];
    for (const [headers, code] of cases) {
      const response = await h.post(PATH, body, headers);
      assert.equal(response.status, 401, code);
      assert.equal((response.json as { error: { code: string } }).error.code, code);
    }
    assert.equal(h.valley.ehrRequests() + h.hillside.ehrRequests(), ehrAfterGood);
    const actions = (await readAuditRecords(h.store.db)).map((r) => `${r.tenant_id ?? '-'} ${r.action}`);
    for (const [, code, tenant] of cases) assert.ok(actions.includes(`${tenant} security.${code}`), code);
  });

  it('refuses a malformed or oversized body in its own error shape', async () => {
    const malformed = '{"name": "find_slots", "args": ';
    const bad = await h.post(PATH, malformed, signed(malformed, VALLEY));
    assert.equal(bad.status, 400);
    assert.equal((bad.json as { error: { code: string } }).error.code, 'malformed_json');
    const huge = retellBody('retell-call-huge', 'find_slots', { visitType: 'x'.repeat(3 * 1024 * 1024) });
    const oversized = await h.post(PATH, huge, signed(huge, VALLEY));
    assert.equal(oversized.status, 413);
    assert.equal((oversized.json as { error: { code: string } }).error.code, 'payload_too_large');
  });
});

describe('Retell rate limit', () => {
  let h: ChannelHarness;
  before(async () => {
    h = await startChannelHarness({ rateLimit: { perSecond: 1, burst: 1 } });
  });
  after(() => h.close());

  it("answers past the tenant's rate with 429 and Retry-After, without EHR traffic", async () => {
    const body = retellBody('retell-call-rate', 'find_slots', { visitType: 'follow-up', limit: 1 });
    assert.equal((await h.post(PATH, body, signed(body, VALLEY))).status, 200);
    const ehrBefore = h.valley.ehrRequests();
    const limited = await h.post(PATH, body, signed(body, VALLEY, Date.now() + 1));
    assert.equal(limited.status, 429);
    assert.equal((limited.json as { error: { code: string } }).error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(h.valley.ehrRequests(), ehrBefore);
  });
});
