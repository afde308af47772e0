// PHI at rest (issue 7 item 5): a whole call through the real tool runtime, workflows and sandbox
// EHR, with a data keyring set as the gateway sets it, writes its PHI columns only in sealed
// form: the store's raw file bytes hold none of the caller's distinctive details, every sealed
// column names its key, and the workflows read their rows back. Then a key rotation, a wrong
// key and a changed byte, on the same real store.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createDataKeyring,
  keyUsage,
  reencryptRows,
  useDataKeyring,
} from '../../../src/compliance/encryption/index.ts';
import { isEhrgateError } from '../../../src/errors.ts';
import type { Store } from '../../../src/store/index.ts';
import { openJson } from '../../../src/workflows/lib/sealed-json.ts';
import { type GatewayRuntime, startGatewayRuntime } from '../../tools/gateway-runtime.ts';

const K1 = { id: 'k-2031-a', key: randomBytes(32) };
const K2 = { id: 'k-2031-b', key: randomBytes(32) };
// Distinctive enough that no unrelated byte sequence in the file can match by chance.
const PHI = ['Vantreeck', 'Quillon', 'xylophonic', 'QV99887766', '617 555 0142', 'tuba-shaped'];

const SEALED = [
  { table: 'calls', column: 'caller_enc' },
  { table: 'call_events', column: 'data_enc' },
  { table: 'outbox', column: 'payload_enc' },
  { table: 'work_items', column: 'details_enc' },
  { table: 'idempotency', column: 'outcome_enc' },
  { table: 'audit_log', column: 'detail_enc' },
] as const;

let fixture: GatewayRuntime;
let store: Store;
let dir: string;
let bookedAppointmentId: string;
let bookArgs: { offer: string; reason: string };

const call = (...args: Parameters<GatewayRuntime['call']>) => fixture.call(...args);

async function sealedRows(): Promise<{ table: string; enc: string; keyId: string | null }[]> {
  const rows: { table: string; enc: string; keyId: string | null }[] = [];
  for (const { table, column } of SEALED) {
    const found = await store.db
      .selectFrom(table)
      .select([`${column} as enc`, 'key_id'])
      .where(column, 'is not', null)
      .execute();
    for (const row of found) rows.push({ table, enc: row.enc as string, keyId: row.key_id });
  }
  return rows;
}

async function rawBytes(): Promise<Buffer> {
  const files = await readdir(dir);
  return Buffer.concat(await Promise.all(files.map((file) => readFile(join(dir, file)))));
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    assert.ok(isEhrgateError(error), String(error));
    for (const word of PHI) assert.ok(!error.message.includes(word), 'no PHI in the message');
    return error.code;
  }
}

before(async () => {
  useDataKeyring(createDataKeyring([K1]));
  fixture = await startGatewayRuntime({
    patient: { family: 'Vantreeck', given: 'Quillon', birthDate: '1979-11-23' },
    audited: true,
  });
  ({ store, dir } = fixture);

  const callId = 'vapi-call-at-rest';
  const verified = await call(callId, 'find_patient', { name: 'Quillon Vantreeck', birthDate: '1979-11-23' });
  assert.equal(verified.status, 'verified', JSON.stringify(verified));
  const found = await call(callId, 'find_slots', {
    visitType: 'follow-up',
    practitioner: 'dr-alvarez',
    from: '2030-03-05',
    to: '2030-03-08',
  });
  const [offer] = found.offers as { offer: string }[];
  assert.ok(offer);
  bookArgs = { offer: offer.offer, reason: 'xylophonic cough' };
  const booked = await call(callId, 'book_appointment', bookArgs, { toolCallId: 'tc-book-at-rest' });
  assert.equal(booked.status, 'confirmed', JSON.stringify(booked));
  bookedAppointmentId = (booked.data as { appointmentId: string }).appointmentId;
  await call(callId, 'record_intake', {
    chiefComplaint: 'xylophonic cough for a week',
    appointmentId: bookedAppointmentId,
  });
  await call(callId, 'record_insurance', { payerName: 'Aetna', memberId: 'QV99887766', subscriber: 'self' });
  // NOW_MS is Monday 07:00 in New York, before billing opens: a callback work item with the
  // caller's number and note.
  const routed = await call(callId, 'route_call', {
    intent: 'billing',
    callbackNumber: '+1 617 555 0142',
    note: 'a tuba-shaped bill from Quillon Vantreeck',
  });
  assert.equal(routed.status, 'queued', JSON.stringify(routed));
  await call(callId, 'end_call', { reason: 'completed' });
  const session = await fixture.tools.router.sessions.open({
    tenantId: fixture.tenant.id,
    channel: 'sim',
    callId,
  });
  assert.ok(session !== 'other-tenant');
  await session.events;
});

after(async () => {
  await fixture.close();
  useDataKeyring(undefined);
});

describe('PHI columns at rest', () => {
  it('writes every sealed column of a real call under the active key, and none of its PHI in clear', async () => {
    const rows = await sealedRows();
    const tables = new Set(rows.map((r) => r.table));
    for (const table of ['calls', 'call_events', 'outbox', 'work_items', 'idempotency', 'audit_log']) {
      if (table !== 'calls') assert.ok(tables.has(table), `the call wrote sealed ${table} rows`);
    }
    for (const row of rows) {
      assert.equal(row.keyId, K1.id, `${row.table} row under the active key`);
      assert.match(row.enc, /^v1\./, row.table);
    }
    // The scan below means something only if the PHI really went into those columns.
    const opened = rows.map((row) => JSON.stringify(openJson(row.enc, row.keyId))).join('\n');
    for (const word of PHI) assert.ok(opened.includes(word), `the call stored ${word} (sealed)`);

    const bytes = await rawBytes();
    assert.ok(bytes.length > 10_000);
    for (const word of PHI) assert.equal(bytes.indexOf(word), -1, `${word} is not in the store's files`);
  });

  it('reads its rows back through the workflows: a repeated booking returns the first outcome', async () => {
    const repeated = await call('vapi-call-at-rest', 'book_appointment', bookArgs, {
      toolCallId: 'tc-book-at-rest',
    });
    assert.equal(repeated.status, 'confirmed', JSON.stringify(repeated));
    assert.equal((repeated.data as { appointmentId: string }).appointmentId, bookedAppointmentId);
  });

  it('rotates: old rows open with the old key listed, re-encryption moves them to the new key', async () => {
    useDataKeyring(createDataKeyring([K2, K1]));
    const item = await store.db
      .selectFrom('work_items')
      .selectAll()
      .where('kind', '=', 'callback')
      .executeTakeFirstOrThrow();
    assert.equal(item.key_id, K1.id);
    assert.match(JSON.stringify(openJson(item.details_enc, item.key_id)), /tuba-shaped/);

    const report = await reencryptRows({ store, keyring: createDataKeyring([K2, K1]), batchRows: 3 });
    assert.ok(report.call_events.reencrypted > 3, JSON.stringify(report));
    assert.ok(report.work_items.reencrypted >= 1);
    const usage = await keyUsage(store);
    for (const table of ['call_events', 'outbox', 'work_items', 'idempotency'] as const) {
      assert.deepEqual(Object.keys(usage[table]), [K2.id], table);
    }
    // The audit log's sealed details are covered by the hash chain, so they stay under K1.
    assert.deepEqual(Object.keys(usage.audit_log), [K1.id]);

    useDataKeyring(createDataKeyring([K2]));
    const moved = await store.db
      .selectFrom('work_items')
      .selectAll()
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    assert.equal(moved.key_id, K2.id);
    assert.match(JSON.stringify(openJson(moved.details_enc, moved.key_id)), /tuba-shaped/);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('key_id', '=', K1.id)
      .executeTakeFirstOrThrow();
    assert.equal(
      code(() => openJson(audit.detail_enc as string, audit.key_id)),
      'ERR_DATA_KEY_UNKNOWN',
    );
    for (const word of PHI) assert.equal((await rawBytes()).indexOf(word), -1, word);
  });

  it('refuses other key material under a known id, and a changed byte in the file, with typed errors', async () => {
    const item = await store.db
      .selectFrom('work_items')
      .selectAll()
      .where('kind', '=', 'callback')
      .executeTakeFirstOrThrow();
    useDataKeyring(createDataKeyring([{ id: item.key_id as string, key: randomBytes(32) }]));
    assert.equal(
      code(() => openJson(item.details_enc, item.key_id)),
      'ERR_DATA_UNREADABLE',
    );

    useDataKeyring(createDataKeyring([K2, K1]));
    const at = item.details_enc.length - 10;
    const changed =
      item.details_enc.slice(0, at) +
      (item.details_enc[at] === 'A' ? 'Q' : 'A') +
      item.details_enc.slice(at + 1);
    await store.db
      .updateTable('work_items')
      .set({ details_enc: changed })
      .where('id', '=', item.id)
      .execute();
    const stored = await store.db
      .selectFrom('work_items')
      .selectAll()
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow();
    assert.equal(
      code(() => openJson(stored.details_enc, stored.key_id)),
      'ERR_DATA_UNREADABLE',
    );
  });
});
