// The hash chain on both store backends: appends become durable before append() resolves,
// concurrent writers (two Stores standing in for two processes) keep one unbroken chain, and
// verifyAuditChain finds each kind of tampering at the right seq.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type AuditAppender,
  type AuditEntry,
  auditRecordHash,
  createAuditAppender,
  verifyAuditChain,
} from '../../../src/compliance/audit/index.ts';
import { readAuditRecords, type Store } from '../../../src/store/index.ts';
import { type StoreBackend, storeBackends } from '../../store/backends.ts';

const T0 = 1_750_000_000_000;
const execFileAsync = promisify(execFile);

function entry(i: number): AuditEntry {
  return {
    tenantId: i % 2 === 0 ? 'riverside' : 'lakeside',
    actor: 'gateway',
    action: 'ehr.read',
    target: `Appointment/${i}`,
    outcome: 'success',
    patient: `Patient/p${i}`,
    detail: { method: 'GET', status: 200 },
    at: T0 + i,
  };
}

async function seed(store: Store, count: number): Promise<void> {
  const appender = createAuditAppender({ store });
  for (let i = 1; i <= count; i++) await appender.append(entry(i));
}

for (const makeBackend of storeBackends().map((b) => b.name)) {
  const fresh = (): StoreBackend => storeBackends().find((b) => b.name === makeBackend) as StoreBackend;

  describe(`audit chain on ${makeBackend}`, () => {
    const backends: StoreBackend[] = [];
    const open = async (backend?: StoreBackend): Promise<[StoreBackend, Store]> => {
      const b = backend ?? fresh();
      if (!backends.includes(b)) backends.push(b);
      return [b, await b.open()];
    };
    after(() => Promise.all(backends.map((b) => b.cleanup())));

    it('resolves append() only once the record is readable by another connection, and verifies', async () => {
      const [backend, store] = await open();
      const other = (await open(backend))[1];
      const appender = createAuditAppender({ store });
      const rows = await Promise.all([1, 2, 3].map((i) => appender.append(entry(i))));
      assert.deepEqual(
        rows.map((row) => row.seq),
        [1, 2, 3],
      );
      const seen = await readAuditRecords(other.db);
      assert.deepEqual(
        seen.map((row) => row.hash),
        rows.map((row) => row.hash),
      );
      const report = await verifyAuditChain(other);
      assert.deepEqual(report, { ok: true, count: 3, headHash: rows[2]?.hash });
    });

    it('writes a held record with the next record that is not held, in one commit', async () => {
      const [, real] = await open();
      let commits = 0;
      // The real store, counting the commits the appender asks of it.
      const store: Store = Object.assign(Object.create(real) as Store, {
        writeAtomically: (...args: Parameters<Store['writeAtomically']>) => {
          commits++;
          return real.writeAtomically(...args);
        },
      });
      const appender = createAuditAppender({ store });
      await appender.append(entry(0));
      commits = 0;
      const read = appender.append(entry(1), { hold: true });
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(commits, 0, 'the held record waits');
      const [readRow, answerRow] = await Promise.all([read, appender.append(entry(2))]);
      assert.equal(commits, 1);
      assert.deepEqual([readRow.seq, answerRow.seq], [2, 3], 'in the order they were appended');
    });

    it('writes a held record on its own once nothing comes to go with it, or at flush', async () => {
      const [, store] = await open();
      const appender = createAuditAppender({ store });
      const alone = await appender.append(entry(1), { hold: true });
      assert.equal(alone.seq, 1);
      const flushed = appender.append(entry(2), { hold: true });
      await appender.flush();
      assert.equal((await readAuditRecords(store.db)).length, 2);
      assert.equal((await flushed).seq, 2);
    });

    it('keeps patient and detail out of clear columns', async () => {
      const [, store] = await open();
      const row = await createAuditAppender({ store }).append(entry(1));
      assert.equal(row.target, 'Appointment/1');
      assert.ok(!JSON.stringify({ ...row, detail_enc: null }).includes('Patient/p1'));
      assert.ok(row.detail_enc?.includes('Patient/p1'), 'the patient is in the sealed detail');
    });

    it('keeps one unbroken chain when two appenders in one process append concurrently', async () => {
      const [, store] = await open();
      const first = createAuditAppender({ store, batchMaxRecords: 7 });
      const second = createAuditAppender({ store, batchMaxRecords: 5 });
      const appends = Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? first : second).append(entry(i + 1)),
      );
      const rows = await Promise.all(appends);
      assert.equal(new Set(rows.map((row) => row.seq)).size, 40);
      assert.deepEqual(await verifyAuditChain(store, { pageSize: 6 }), {
        ok: true,
        count: 40,
        headHash: rows.reduce((a, b) => (a.seq > b.seq ? a : b)).hash,
      });
    });

    it('keeps one unbroken chain when three processes append concurrently', async () => {
      const [backend, store] = await open();
      const url = await backend.url();
      const worker = fileURLToPath(new URL('./append-worker.ts', import.meta.url));
      const runs = ['worker:a', 'worker:b', 'worker:c'].map((actor) =>
        execFileAsync(process.execPath, [worker, url, '30', actor], { timeout: 60_000 }),
      );
      await Promise.all(runs);
      const report = await verifyAuditChain(store);
      assert.equal(report.ok, true);
      assert.equal(report.count, 90);
      const actors = new Set((await readAuditRecords(store.db, { limit: 100 })).map((row) => row.actor));
      assert.equal(actors.size, 3);
    });

    it('finds a record changed in place at its seq', async () => {
      const [, store] = await open();
      await seed(store, 6);
      await store.db
        .updateTable('audit_log')
        .set({ target: 'Appointment/999' })
        .where('seq', '=', 3)
        .execute();
      assert.deepEqual(await verifyAuditChain(store), {
        ok: false,
        count: 2,
        seq: 3,
        reason: 'record_changed',
      });
    });

    it('finds a record changed and re-hashed at the link after it', async () => {
      const [, store] = await open();
      await seed(store, 6);
      const [row] = await readAuditRecords(store.db, { afterSeq: 2, limit: 1 });
      assert.ok(row);
      const { hash: _old, ...hashed } = { ...row, actor: 'staff:mallory' };
      await store.db
        .updateTable('audit_log')
        .set({ actor: 'staff:mallory', hash: auditRecordHash(hashed) })
        .where('seq', '=', 3)
        .execute();
      assert.deepEqual(await verifyAuditChain(store), { ok: false, count: 3, seq: 4, reason: 'link_broken' });
    });

    it('finds a deleted record at the missing seq', async () => {
      const [, store] = await open();
      await seed(store, 6);
      await store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
      assert.deepEqual(await verifyAuditChain(store), {
        ok: false,
        count: 2,
        seq: 3,
        reason: 'record_missing',
      });
    });

    it('finds two swapped records at the first of them', async () => {
      const [, store] = await open();
      await seed(store, 6);
      const rows = await readAuditRecords(store.db, { afterSeq: 2, limit: 2 });
      const [third, fourth] = rows;
      assert.ok(third && fourth);
      const { seq: _s3, ...content3 } = third;
      const { seq: _s4, ...content4 } = fourth;
      await store.db.updateTable('audit_log').set(content4).where('seq', '=', 3).execute();
      await store.db.updateTable('audit_log').set(content3).where('seq', '=', 4).execute();
      assert.deepEqual(await verifyAuditChain(store), { ok: false, count: 2, seq: 3, reason: 'link_broken' });
    });

    it('verifies an empty chain', async () => {
      const [, store] = await open();
      const report = await verifyAuditChain(store);
      assert.equal(report.ok, true);
      assert.equal(report.count, 0);
    });
  });
}

describe('the appender', () => {
  let backend: StoreBackend;
  let store: Store;
  before(async () => {
    backend = storeBackends()[0] as StoreBackend;
    store = await backend.open();
  });
  after(() => backend.cleanup());

  it('writes a burst of appends in few transactions', async () => {
    let transactions = 0;
    const counting: Store = {
      ...store,
      db: store.db,
      withTransaction: (fn) => {
        transactions += 1;
        return store.withTransaction(fn);
      },
      writeAtomically: (queries) => {
        transactions += 1;
        return store.writeAtomically(queries);
      },
    };
    const appender = createAuditAppender({ store: counting, batchMaxRecords: 50 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => appender.append(entry(i + 1))));
    assert.ok(transactions <= 3, `${transactions} transactions for 100 appends`);
    assert.equal((await verifyAuditChain(store)).count, 100);
  });

  // Under load each EHR response is handled in an event-loop callback of its own; setImmediate
  // callbacks queued together stand in for responses the loop finds ready at once.
  const countingCommits = (): { store: Store; commits: () => number } => {
    let commits = 0;
    const counting: Store = Object.assign(Object.create(store) as Store, {
      writeAtomically: (...args: Parameters<Store['writeAtomically']>) => {
        commits++;
        return store.writeAtomically(...args);
      },
    });
    return { store: counting, commits: () => commits };
  };
  const appendInSeparateCallbacks = (appender: AuditAppender, first: number, count: number) =>
    new Promise<Promise<unknown>[]>((resolve) => {
      const appended: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) {
        setImmediate(() => {
          appended.push(appender.append(entry(first + i)));
          if (appended.length === count) resolve(appended);
        });
      }
    });

  it('under load, commits the answers of callbacks the event loop ran together in one transaction', async () => {
    const { store: counting, commits } = countingCommits();
    const appender = createAuditAppender({ store: counting, busyWindowMs: 60_000 });
    await appender.append(entry(1000));
    const before = commits();
    const rows = (await Promise.all(await appendInSeparateCallbacks(appender, 1001, 5))) as {
      hash: string;
    }[];
    assert.equal(commits() - before, 1, 'five answers, one commit');
    // Each append resolved only once its record was in the store (P8).
    const stored = new Set((await readAuditRecords(store.db)).map((row) => row.hash));
    assert.ok(rows.every((row) => stored.has(row.hash)));
  });

  it('when idle, commits an answer at once, before the event loop turns', async () => {
    const { store: counting, commits } = countingCommits();
    const appender = createAuditAppender({ store: counting, busyWindowMs: 0 });
    await appender.append(entry(2000));
    const before = commits();
    let committedBeforeTheLoopTurned = -1;
    setImmediate(() => {
      committedBeforeTheLoopTurned = commits() - before;
    });
    const appended = appender.append(entry(2001));
    await appended;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(committedBeforeTheLoopTurned, 1);
    // Idle, callbacks of one turn are not waited for: each commits on its own.
    const separate = await appendInSeparateCallbacks(appender, 2002, 3);
    await Promise.all(separate);
    assert.equal(commits() - before, 4);
  });

  it('refuses a busy window that is not a number >= 0', () => {
    assert.throws(
      () => createAuditAppender({ store, busyWindowMs: Number.NaN }),
      (error: unknown) =>
        (error as { code?: string }).code === 'ERR_CONFIG_INVALID' && /busyWindowMs/.test(String(error)),
    );
  });
});
