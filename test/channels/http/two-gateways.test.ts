// One call, two gateway processes' worth of state (DESIGN.md section 7: behind a balancer any
// process may receive a call's next tool call): the caller verified on one gateway books on the
// other, because who the call verified is in the store, not only in the first one's memory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start-gateway.ts';
import { GATEWAY_KEYS, type GatewayFixture, startGatewayFixture } from './gateway-support.ts';

describe('a call whose tool calls land on two gateways', () => {
  let fixture: GatewayFixture;
  let first: RunningGateway;
  let second: RunningGateway;

  before(async () => {
    fixture = await startGatewayFixture();
    first = await fixture.startGateway();
    second = await fixture.startGateway();
  });
  after(async () => {
    await first?.close();
    await second?.close();
    await fixture?.close();
  });

  const tool = async (gateway: RunningGateway, callId: string, name: string, args: object) => {
    const response = await fetch(`${gateway.url}/v1/calls/${callId}/tools/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
      body: JSON.stringify(args),
    });
    assert.equal(response.status, 200, name);
    return (await response.json()) as Record<string, unknown>;
  };

  it('books on the second gateway for the caller the first one verified', async () => {
    const caller = fixture.caller(5);
    const before = fixture.bookedFor(caller.id);
    const verified = await tool(first, 'two-gw-1', 'find_patient', {
      name: caller.name,
      birthDate: caller.birthDate,
    });
    assert.equal(verified.status, 'verified');
    const slots = await tool(second, 'two-gw-1', 'find_slots', { visitType: 'follow-up' });
    const offer = (slots.offers as { offer: string }[])[0];
    assert.ok(offer, JSON.stringify(slots));
    const booked = await tool(second, 'two-gw-1', 'book_appointment', { offer: offer.offer });
    assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
    assert.equal(fixture.bookedFor(caller.id) - before, 1);
  });

  it('reveals on the second gateway the tokens the first one issued, and forgets them at call end', async () => {
    const caller = fixture.caller(6);
    const said = await fetch(`${first.url}/v1/calls/two-gw-3/phi/protect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
      body: JSON.stringify({ text: `This is ${caller.name}, born ${caller.birthDate}.` }),
    });
    const { spans } = (await said.json()) as { spans: { type: string; token: string }[] };
    const token = (type: string) => spans.find((s) => s.type === type)?.token;
    assert.ok(token('NAME') && token('DOB'), JSON.stringify(spans));
    const vaultRows = async () =>
      second.store.db.selectFrom('phi_vault').selectAll().where('call_ref', '=', 'two-gw-3').execute();
    const rows = await vaultRows();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.ok(!row.value_enc.includes(caller.name.split(' ')[1] as string), 'the value is sealed');
      assert.notEqual(row.key_id, null);
    }

    const verified = await tool(second, 'two-gw-3', 'find_patient', {
      name: token('NAME'),
      birthDate: token('DOB'),
    });
    assert.equal(verified.status, 'verified', JSON.stringify(verified));
    const ended = await tool(second, 'two-gw-3', 'end_call', { reason: 'completed' });
    assert.equal(ended.status, 'ended');
    assert.equal((await vaultRows()).length, 0);
  });

  it('still refuses a patient-bound tool on a call nobody verified', async () => {
    await tool(first, 'two-gw-2', 'find_slots', { visitType: 'follow-up' });
    const refused = await tool(second, 'two-gw-2', 'record_intake', { chiefComplaint: 'cough' });
    assert.equal(refused.status, 'failed');
    assert.equal(refused.reason, 'not_verified');
  });
});
