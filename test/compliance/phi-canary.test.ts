// The no-PHI canary (issue 7 item 6, "Done when"): a whole call through the running gateway with
// distinctive fake PHI, told to the LLM only as tokens — the platform's transcript goes through
// /phi/protect, the model calls the tools with the tokens, the gateway reveals them before the
// EHR — after which the logs (at trace level), /metrics and every string the LLM was given are
// scanned for the PHI in clear. The EHR, and only the EHR, must hold it. Plus the subprocessor
// registry: speech is revealed for the TTS vendor with a BAA and refused (and audited) for the
// one without.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { verifyAuditChain } from '../../src/compliance/audit/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import type { RunningGateway } from '../../src/server/start-gateway.ts';
import { openStore, readAuditRecords } from '../../src/store/index.ts';
import { GATEWAY_KEYS, type GatewayFixture, startGatewayFixture } from '../channels/http/gateway-support.ts';

const CALL_ID = 'canary-call-1';
// Distinctive enough that any occurrence anywhere is this call's PHI, in every form it is said.
const CANARIES = ['Zebediah', 'Quillfeather', 'QZX987654321', '1961-07-19', 'July 19', '555-0142', '5550142'];
const TRANSCRIPT = [
  'My name is Zebediah Quillfeather and my date of birth is July 19th, 1961.',
  'You can reach me at six one seven, five five five, oh one four two.',
  "I'm with Aetna and my member ID is QZX987654321.",
];

describe('no PHI in clear outside the EHR (canary call)', () => {
  let fixture: GatewayFixture;
  let gateway: RunningGateway | undefined;
  const logs: string[] = [];
  // Everything the model read: protected transcript turns and every tool answer, as sent.
  const llmBound: string[] = [];
  let metricsText = '';
  const tokens: Record<string, string> = {};
  let forged: Response;
  let badPhiRequests: Response[];
  let stolen: Response;
  let readyz: { checks: { name: string; status: string; detail?: string; flows?: unknown[] }[] };
  let tts: { allowed: Response; allowedText: string; refused: Response; unknown: Response };

  const post = async (path: string, body: unknown) =>
    fetch(`${gateway!.url}/v1/calls/${CALL_ID}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
      body: JSON.stringify(body),
    });
  const tool = async (name: string, args: Record<string, unknown>) => {
    const response = await post(`/tools/${name}`, args);
    const text = await response.text();
    llmBound.push(text);
    assert.equal(response.status, 200, `${name}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    fixture = await startGatewayFixture({
      logger: createLogger({ level: 'trace', destination: sink }),
      tenant: {
        subprocessors: [
          { name: 'acme-llm', role: 'llm', baa: false },
          { name: 'acme-tts', role: 'tts', baa: true, baaDate: '2026-01-15', zeroRetention: true },
          { name: 'cheap-tts', role: 'tts', baa: false },
        ],
      },
    });
    gateway = await fixture.startGateway();

    // The platform protects each transcript turn before its LLM sees it.
    for (const turn of TRANSCRIPT) {
      const response = await post('/phi/protect', { text: turn });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { text: string; spans: { type: string; token: string }[] };
      llmBound.push(JSON.stringify(body));
      for (const span of body.spans) tokens[span.type] ??= span.token;
    }

    // The model, which knows the caller only as tokens, registers and serves them.
    const registered = await tool('register_patient', {
      name: tokens.NAME,
      birthDate: tokens.DOB,
      phone: tokens.PHONE,
    });
    assert.equal(registered.status, 'confirmed', JSON.stringify(registered));
    const slots = await tool('find_slots', { visitType: 'follow-up' });
    const offer = (slots.offers as { offer: string }[])[0];
    assert.ok(offer, JSON.stringify(slots));
    const booked = await tool('book_appointment', { offer: offer.offer, reason: 'knee pain' });
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
    const insurance = await tool('record_insurance', {
      payerName: 'Aetna',
      memberId: tokens.MEMBER_ID,
      subscriber: 'self',
    });
    assert.equal(insurance.status, 'confirmed', JSON.stringify(insurance));

    // The model's reply, on its way to speech.
    const reply = `Thanks ${tokens.NAME}, you're booked. I have your number as ${tokens.PHONE}.`;
    const allowed = await post('/phi/reveal', { text: reply, for: 'acme-tts' });
    const allowedText = ((await allowed.clone().json()) as { text: string }).text;
    const refused = await post('/phi/reveal', { text: reply, for: 'cheap-tts' });
    const unknown = await post('/phi/reveal', { text: reply, for: 'nobody-tts' });
    tts = { allowed, allowedText, refused, unknown };
    badPhiRequests = [
      await post('/phi/reveal', { text: 'Hello [NAME_424242]', for: 'acme-tts' }),
      await post('/phi/protect', { text: 42 }),
      await post('/phi/reveal', { text: reply }),
    ];

    // A token this call never issued, and this call's token used in another call.
    forged = await post('/tools/find_patient', { name: '[NAME_424242]', birthDate: tokens.DOB });
    stolen = await fetch(`${gateway.url}/v1/calls/canary-call-2/tools/find_patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
      body: JSON.stringify({ name: tokens.NAME, birthDate: '1970-01-01' }),
    });

    const ended = await tool('end_call', { reason: 'completed' });
    assert.equal(ended.status, 'ended');
    metricsText = await (await fetch(`${gateway.url}/metrics`)).text();
    readyz = (await (await fetch(`${gateway.url}/readyz`)).json()) as typeof readyz;
  });

  after(async () => {
    await gateway?.close();
    await fixture?.close();
  });

  it('found every identifier of the transcript and gave the model tokens for them', () => {
    assert.deepEqual(Object.keys(tokens).sort(), ['DOB', 'MEMBER_ID', 'NAME', 'PHONE']);
  });

  it('wrote the revealed values to the EHR: the record exists with the name and birth date', () => {
    const patient = ([...fixture.sandbox.store.all('Patient')] as Patient[]).find(
      (p) => p.name?.[0]?.family === 'Quillfeather',
    );
    assert.ok(patient, 'the sandbox holds the registered patient');
    assert.equal(patient.birthDate, '1961-07-19');
    assert.deepEqual(patient.name?.[0]?.given, ['Zebediah']);
  });

  it('gave the model no PHI in clear', () => {
    const all = llmBound.join('\n');
    assert.ok(all.length > 500, 'the model was given the answers');
    for (const canary of CANARIES) assert.ok(!all.includes(canary), `LLM-bound text holds ${canary}`);
  });

  it('logged no PHI, even at trace level', () => {
    const all = logs.join('');
    assert.ok(logs.length > 10, `the gateway logged (${logs.length} lines)`);
    for (const canary of CANARIES) assert.ok(!all.includes(canary), `a log line holds ${canary}`);
  });

  it('exposes no PHI in /metrics', () => {
    assert.match(metricsText, /ehrgate_/);
    for (const canary of CANARIES) assert.ok(!metricsText.includes(canary), `metrics hold ${canary}`);
  });

  it('reveals speech only for the TTS vendor with a BAA', async () => {
    assert.equal(tts.allowed.status, 200);
    assert.match(tts.allowedText, /^Thanks Zebediah Quillfeather, you're booked\./);
    for (const refused of [tts.refused, tts.unknown]) {
      assert.equal(refused.status, 403);
      const body = (await refused.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'phi_flow_refused');
      for (const canary of CANARIES) assert.ok(!body.error.message.includes(canary));
    }
  });

  it('refuses a forged token, or a token of another call, naming the field', async () => {
    const forgedBody = (await forged.json()) as { error: { code: string; message: string } };
    assert.equal(forged.status, 400);
    assert.deepEqual(forgedBody.error, {
      code: 'invalid_arguments',
      message: 'arguments.name: holds a PHI token this call never issued',
    });
    assert.equal(stolen.status, 400);
    assert.match(
      ((await stolen.json()) as { error: { message: string } }).error.message,
      /^arguments\.name:/,
    );
  });

  it('answers bad PHI route requests with 400 naming the field', async () => {
    const bodies = await Promise.all(
      badPhiRequests.map(async (r) => [
        r.status,
        ((await r.json()) as { error: { message: string } }).error.message,
      ]),
    );
    assert.deepEqual(bodies, [
      [400, 'text: holds a PHI token this call never issued'],
      [400, 'text: expected a string'],
      [400, 'for: expected the name of the subprocessor that receives the text'],
    ]);
  });

  it('lists the data flows on /readyz and warns of the vendor without a BAA', () => {
    const flows = readyz.checks.find((check) => check.name === `data-flows:${fixture.tenantId}`);
    assert.ok(flows, JSON.stringify(readyz.checks.map((c) => c.name)));
    assert.equal(flows.status, 'warn');
    assert.equal(flows.flows?.length, 3);
    assert.match(String(flows.detail), /cheap-tts \(tts\) would receive PHI without a BAA/);
    assert.doesNotMatch(String(flows.detail), /acme-/, 'the LLM gets tokens only; acme-tts has a BAA');
  });

  it('chained every tool answer, re-identification and PHI flow, with types and never values', async () => {
    await gateway?.close();
    gateway = undefined;
    const store = await openStore({ url: `sqlite:${join(fixture.dir, 'ehrgate.sqlite')}` });
    try {
      assert.equal((await verifyAuditChain(store)).ok, true);
      const records = await readAuditRecords(store.db, { limit: 10_000 });
      const actions = records.map((r) => r.action);
      // Five tools of the call, and the two refused for their tokens.
      assert.equal(actions.filter((a) => a === 'tool.answer').length, 7);
      const reidentified = records.filter((r) => r.action === 'phi.reidentify');
      // register_patient's three tokens, record_insurance's one, and the speech for acme-tts.
      assert.equal(reidentified.length, 3);
      assert.deepEqual(
        records.filter((r) => r.action === 'phi.flow').map((r) => r.target),
        ['acme-tts'],
      );
      assert.deepEqual(
        records.filter((r) => r.action === 'phi.flow.refused').map((r) => r.target),
        ['cheap-tts', 'nobody-tts'],
      );
      const clear = records.map((r) => [r.actor, r.action, r.target, r.call_id].join(' ')).join('\n');
      for (const canary of CANARIES) assert.ok(!clear.includes(canary));
    } finally {
      await store.close();
    }
  });
});
