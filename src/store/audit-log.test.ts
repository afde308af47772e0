import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeBackends } from '../../test/store/backends.ts';
import { isEhrgateError } from '../errors.ts';
import { appendAuditRecord, lastAuditRecord, readAuditRecords } from './audit-log.ts';
import type { NewAuditRecord } from './schema.ts';
import type { Store } from './store.ts';

const T0 = 1_750_000_000_000;
const GENESIS = '0'.repeat(64);

function record(seq: number, tenantId: string | null, prevHash: string): NewAuditRecord {
  return {
    seq,
    tenant_id: tenantId,
    at: T0 + seq,
    actor: 'gateway',
    action: 'ehr.write',
    call_id: null,
    target: `Appointment/${seq}`,
    detail_enc: null,
    key_id: null,
    prev_hash: prevHash,
    hash: `h${seq}`,
  };
}

for (const backend of storeBackends()) {
  describe(`audit log on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    after(() => backend.cleanup());

    it('has no head before the first record', async () => {
      assert.equal(await lastAuditRecord(store.db), undefined);
    });

    it('stores records as given and reports the head of the chain and of each tenant', async () => {
      await appendAuditRecord(store.db, record(1, 'riverside', GENESIS));
      await appendAuditRecord(store.db, record(2, 'lakeside', 'h1'));
      const stored = await appendAuditRecord(store.db, record(3, null, 'h2'));
      assert.deepEqual({ ...stored }, record(3, null, 'h2'));
      assert.equal((await lastAuditRecord(store.db))?.seq, 3);
      assert.equal((await lastAuditRecord(store.db, 'riverside'))?.seq, 1);
      assert.equal((await lastAuditRecord(store.db, 'lakeside'))?.hash, 'h2');
      assert.equal(typeof (await lastAuditRecord(store.db))?.seq, 'number');
    });

    it('refuses a second record at a taken sequence number and keeps the first', async () => {
      await assert.rejects(
        appendAuditRecord(store.db, { ...record(3, 'riverside', 'h2'), hash: 'fork' }),
        (error) => isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
      assert.equal((await lastAuditRecord(store.db))?.hash, 'h3');
    });

    it('reads the chain in order, a page at a time', async () => {
      for (let seq = 4; seq <= 10; seq++)
        await appendAuditRecord(store.db, record(seq, 'riverside', `h${seq - 1}`));
      const page1 = await readAuditRecords(store.db, { limit: 4 });
      const page2 = await readAuditRecords(store.db, { afterSeq: page1.at(-1)?.seq, limit: 4 });
      const page3 = await readAuditRecords(store.db, { afterSeq: page2.at(-1)?.seq, limit: 4 });
      assert.deepEqual(
        [...page1, ...page2, ...page3].map((row) => row.seq),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const riverside = await readAuditRecords(store.db, { tenantId: 'riverside', afterSeq: 1, limit: 3 });
      assert.deepEqual(
        riverside.map((row) => row.seq),
        [4, 5, 6],
      );
    });
  });
}
