// What is on disk the moment a tool call answers, read through a connection of the test's own to
// the store's file, which sees only what is committed. The record of the EHR search (P8) went in
// as the search went out, with the events the tool call had made by then, and the answer waited
// for it; the record of what the EHR answered, the answer's own record and the last event ride
// with the next commit (compliance/audit/audit-ehr-requests.ts, server/tool-runtime.ts).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { type GatewayRuntime, startGatewayRuntime } from './gateway-runtime.ts';

let fixture: GatewayRuntime;

before(async () => {
  fixture = await startGatewayRuntime({
    patient: { family: 'Okonkwo', given: 'Adaeze', birthDate: '1979-11-02' },
    audited: true,
  });
});
after(() => fixture.close());

function callRow(callId: string): { id: string } | undefined {
  const db = new DatabaseSync(join(fixture.dir, 'ehrgate.sqlite'), { readOnly: true });
  try {
    return db.prepare('select id from calls where external_id = ?').get(callId) as { id: string } | undefined;
  } finally {
    db.close();
  }
}

/** Read at once, before any timer of the gateway's could commit what it holds back. */
function committed(callId: string): { events: string[]; audit: string[] } {
  const db = new DatabaseSync(join(fixture.dir, 'ehrgate.sqlite'), { readOnly: true });
  try {
    const call = db.prepare('select id from calls where external_id = ?').get(callId) as { id: string };
    const events = db
      .prepare('select type from call_events where call_id = ? order by seq')
      .all(call.id)
      .map((row) => String(row.type));
    const audit = db
      .prepare('select action from audit_log where call_id = ? order by seq')
      .all(call.id)
      .map((row) => String(row.action));
    return { events, audit };
  } finally {
    db.close();
  }
}

describe('what a tool call has committed when it answers', () => {
  it('has the record of its EHR search on disk, and the rest with the next commit', async () => {
    const callId = 'answer-commit-1';
    const found = await fixture.call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-05',
      to: '2030-03-08',
    });
    assert.equal(found.status, 'found', JSON.stringify(found));
    const first = committed(callId);
    // The rest may have gone in too, if the hold ran out (AUDIT_HOLD_MS) before this read.
    assert.equal(first.audit[0], 'ehr.search', 'the search, recorded as it went out');
    assert.equal(first.events[0], 'tool.call');

    const again = await fixture.call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-06',
      to: '2030-03-08',
    });
    assert.equal(again.status, 'found', JSON.stringify(again));
    const second = committed(callId);
    // The first tool call's answer went in with the second's search at the latest.
    assert.deepEqual(second.audit.slice(0, 3).sort(), ['ehr.search', 'ehr.search', 'tool.answer']);
    assert.equal(second.audit.filter((action) => action === 'ehr.search').length >= 3, true);
    assert.deepEqual(second.events.slice(0, 3), ['tool.call', 'tool.result', 'tool.call']);
  });

  it('commits the record of its EHR search while the EHR is still working on it', async () => {
    const callId = 'answer-commit-2';
    fixture.sandbox.faults.addRule({
      match: { method: 'GET', pathRegex: '/Slot($|\\?)' },
      fault: { latencyMs: 400 },
      times: 1,
    });
    let answered = false;
    const answer = fixture
      .call(callId, 'find_slots', { visitType: 'follow-up', from: '2030-03-05', to: '2030-03-08' })
      .finally(() => {
        answered = true;
      });
    let onDisk: string[] = [];
    for (const until = Date.now() + 5_000; !answered && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const call = callRow(callId);
      if (call === undefined) continue;
      onDisk = committed(callId).audit;
      if (onDisk.includes('ehr.search')) break;
    }
    assert.equal(answered, false, 'the EHR was still working');
    assert.deepEqual(onDisk, ['ehr.search']);
    assert.equal((await answer).status, 'found');
  });

  it('has a re-identification of the PHI tokens in its arguments on disk', async () => {
    const callId = 'answer-commit-3';
    await fixture.call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-05',
      to: '2030-03-06',
    });
    // The caller's words, tokenised for the model as the PHI routes do (tools/call-phi.ts).
    const said = await fixture.tools.phi.protect({
      tenantId: fixture.tenant.id,
      callId,
      channel: 'sim',
      text: 'This is Adaeze Okonkwo calling.',
    });
    assert.ok(said.ok);
    const token = said.spans.find((span) => span.type === 'NAME')?.token;
    assert.ok(token, said.text);
    const routed = await fixture.call(callId, 'route_call', {
      intent: 'scheduling',
      note: `${token} asks about parking`,
    });
    assert.equal(typeof routed.status, 'string');
    assert.ok(committed(callId).audit.includes('phi.reidentify'), committed(callId).audit.join());
  });
});
