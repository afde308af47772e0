import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FhirError } from '../../fhir/index.ts';
import { listWorkItems, openStore, type Store } from '../../store/index.ts';
import {
  queueRecordForStaff,
  type RecordSteps,
  type RecordWrite,
  recordJobHandler,
  runVerifiedRecordWrite,
  type StoredRecord,
} from './verified-record-write.ts';

type Note = StoredRecord & { readonly text: string };

const NOW = 1_900_000_000_000;
const options = { now: () => NOW, sleep: async () => {}, workerId: 'unit' };
let store: Store;

before(async () => {
  store = await openStore({ url: ':memory:' });
});
after(() => store.close());

/** An in-memory "EHR" for one resource type: what the steps talk to. */
function ehr(
  behaviour: { send?: () => Note | Promise<Note>; stored?: (note: Note) => Note | undefined } = {},
) {
  const held = new Map<string, Note>();
  let sends = 0;
  const steps: RecordSteps<Note> = {
    findExisting: async () => [...held.values()].find((n) => n.text === 'hello'),
    send: async () => {
      sends += 1;
      const note = behaviour.send
        ? await behaviour.send()
        : { resourceType: 'Basic', id: `n${sends}`, text: 'hello' };
      const kept = behaviour.stored ? behaviour.stored(note) : note;
      if (kept !== undefined) held.set(kept.id, kept);
      return { record: note, warnings: [] };
    },
    read: async (id) => {
      const note = held.get(id);
      if (note === undefined)
        throw new FhirError({ kind: 'not-found', method: 'GET', path: `Basic/${id}`, ehrStatus: 404 });
      return note;
    },
    compare: (record) => (record.text === 'hello' ? [] : ['text']),
  };
  return { steps, sends: () => sends };
}

function write(key: string, steps: RecordSteps<Note>): RecordWrite<Note> {
  return {
    store,
    tenantId: 't1',
    callId: null,
    kind: 'test.note',
    tool: 'test_tool',
    idempotencyKey: key,
    requestHash: 'h',
    staffQueue: 'front-desk',
    payload: { text: 'hello' },
    steps,
    say: {
      confirmed: 'ok',
      pending: 'later',
      queued: 'staff',
      rejected: 'no',
      notAuthorized: 'no auth',
      notFound: 'gone',
    },
    staffInstruction: (reason) => `Enter "hello" by hand (${reason})`,
  };
}

async function itemFor(id: string | undefined) {
  return (await listWorkItems(store.db, { tenantId: 't1' })).find((i) => i.id === id);
}

describe('runVerifiedRecordWrite', () => {
  it('never confirms a write the EHR acknowledged but does not hold', async () => {
    const fake = ehr({ stored: () => undefined });
    const outcome = await runVerifiedRecordWrite(write('ack-lost', fake.steps), options);
    assert.equal(outcome.status, 'queued');
    assert.equal(
      (await itemFor(outcome.status === 'queued' ? outcome.workItemId : undefined))?.reason,
      'readback_missing',
    );
  });

  it('queues a read-back that differs from what was sent for staff', async () => {
    const fake = ehr({ stored: (n) => ({ ...n, text: 'HELLO' }) });
    const outcome = await runVerifiedRecordWrite(write('mismatch', fake.steps), options);
    assert.equal(outcome.status, 'queued');
    assert.equal(
      (await itemFor(outcome.status === 'queued' ? outcome.workItemId : undefined))?.reason,
      'readback_mismatch',
    );
  });

  it('hands an unknown error to staff instead of retrying it', async () => {
    const fake = ehr({
      send: () => {
        throw new TypeError('boom');
      },
    });
    const outcome = await runVerifiedRecordWrite(write('unknown', fake.steps), options);
    assert.equal(outcome.status, 'queued');
    assert.equal(fake.sends(), 1);
    assert.equal(
      (await itemFor(outcome.status === 'queued' ? outcome.workItemId : undefined))?.reason,
      'error',
    );
  });

  it('answers failed with the missing scope on a 403, and keeps the data for staff', async () => {
    const fake = ehr({
      send: () => {
        throw new FhirError({
          kind: 'forbidden',
          method: 'POST',
          path: 'Basic',
          ehrStatus: 403,
          insufficientScope: true,
          scope: 'system/Basic.c',
        });
      },
    });
    const outcome = await runVerifiedRecordWrite(write('forbidden', fake.steps), options);
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(outcome.status === 'failed' ? outcome.missingScopes : [], ['system/Basic.c']);
    const items = await listWorkItems(store.db, { tenantId: 't1' });
    assert.ok(items.some((i) => i.reason === 'not_authorized'));
  });
});

describe('queueRecordForStaff', () => {
  it('creates one work item however often the same request is repeated', async () => {
    const staff = {
      store,
      tenantId: 't1',
      callId: null,
      kind: 'test.staff',
      tool: 'test_tool',
      idempotencyKey: 'staff-once',
      requestHash: 'h',
      staffQueue: 'front-desk',
      payload: { text: 'hello' },
      reason: 'mapped_to_staff' as const,
      instruction: 'Enter "hello"',
      say: 'staff will',
    };
    const first = await queueRecordForStaff(staff, options);
    const second = await queueRecordForStaff(staff, options);
    assert.deepEqual(second, first);
    const items = (await listWorkItems(store.db, { tenantId: 't1' })).filter((i) => i.kind === 'test.staff');
    assert.equal(items.length, 1);
  });
});

describe('recordJobHandler', () => {
  it('gives the row to staff with its payload when the payload cannot be rebuilt', async () => {
    const handler = recordJobHandler<Note>(() => {
      throw new TypeError('old payload');
    });
    const result = await handler(
      {
        outboxId: 'o',
        tenantId: 't1',
        kind: 'test.note',
        idempotencyKey: 'k',
        callId: null,
        payload: { staffQueue: 'nurses', text: 'hello' },
        attempt: 1,
      },
      { signal: new AbortController().signal },
    );
    assert.equal(result.status, 'give_up');
    assert.equal(result.status === 'give_up' ? result.workItem.queue : '', 'nurses');
  });
});
