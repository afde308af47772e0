// What is on disk the moment a tool call answers, read through a connection of the test's own to
// the store's file, which sees only what is committed: the call's audit records (P8, the answer
// waits for them) and, in the same commit, the events the tool call made (store/calls.ts), none
// of them left waiting for a commit of their own.
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
  it('has its audit records and every event it made on disk', async () => {
    const callId = 'answer-commit-1';
    const found = await fixture.call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-05',
      to: '2030-03-08',
    });
    assert.equal(found.status, 'found', JSON.stringify(found));
    const first = committed(callId);
    assert.deepEqual(first.events, ['tool.call', 'tool.result']);
    assert.ok(first.audit.includes('ehr.search'), first.audit.join());
    assert.ok(
      first.audit.some((action) => action.startsWith('tool.')),
      first.audit.join(),
    );

    const again = await fixture.call(callId, 'find_slots', {
      visitType: 'follow-up',
      from: '2030-03-06',
      to: '2030-03-08',
    });
    assert.equal(again.status, 'found', JSON.stringify(again));
    assert.deepEqual(committed(callId).events, ['tool.call', 'tool.result', 'tool.call', 'tool.result']);
  });
});
