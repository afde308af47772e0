// The retention purge on both store backends: it deletes exactly what is past each tenant's
// retention, never what is still live (P2), accounts for itself in the audit chain, and leaves a
// chain that audit verify accepts while still catching any other deletion.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, describe, it } from 'node:test';
import {
  auditRecordHash,
  createAuditAppender,
  verifyAuditChain,
} from '../../../src/compliance/audit/index.ts';
import { createDataKeyring, useDataKeyring } from '../../../src/compliance/encryption/index.ts';
import { purgeExpired } from '../../../src/compliance/retention/index.ts';
import type { Store } from '../../../src/store/index.ts';
import { type StoreBackend, storeBackends } from '../../store/backends.ts';
import { ago, DAY_MS, EXPECTED_DELETED, ids, NOW, seedTwoTenants, TENANTS, tableCounts } from './support.ts';

for (const name of storeBackends().map((b) => b.name)) {
  describe(`retention purge on ${name}`, () => {
    const backends: StoreBackend[] = [];
    const fresh = async (): Promise<Store> => {
      const backend = storeBackends().find((b) => b.name === name) as StoreBackend;
      backends.push(backend);
      return backend.open();
    };
    after(() => Promise.all(backends.map((b) => b.cleanup())));
    afterEach(() => useDataKeyring(undefined));

    it('counts on a dry run exactly what the purge then deletes, and changes nothing', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      const before = await tableCounts(store);
      const dry = await purgeExpired({ store, tenants: TENANTS, now: NOW, dryRun: true });
      assert.equal(dry.dryRun, true);
      assert.deepEqual(await tableCounts(store), before);
      assert.ok(dry.tenants.every((t) => t.auditSeq === undefined));

      const real = await purgeExpired({ store, tenants: TENANTS, now: NOW });
      for (const tenant of real.tenants) {
        const expected = EXPECTED_DELETED[tenant.tenantId as keyof typeof EXPECTED_DELETED];
        assert.deepEqual({ ...tenant.deleted }, expected, tenant.tenantId);
        assert.deepEqual(
          { ...dry.tenants.find((t) => t.tenantId === tenant.tenantId)?.deleted },
          { ...tenant.deleted },
        );
      }
    });

    it('removes exactly the expired rows of each tenant and keeps what is still live', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      await purgeExpired({ store, tenants: TENANTS, now: NOW });

      assert.deepEqual(await ids(store, 'calls'), [
        'l-40',
        'r-new',
        'r-old-claimed',
        'r-old-claimed-item',
        'r-old-open-item',
        'r-old-pending',
        'r-old-resolved-recently',
      ]);
      assert.deepEqual(await ids(store, 'outbox'), [
        'ob-r-claimed',
        'ob-r-failed-open',
        'ob-r-new',
        'ob-r-pending',
      ]);
      assert.deepEqual(await ids(store, 'work_items'), [
        'wi-r-claimed',
        'wi-r-open',
        'wi-r-resolved-recently',
      ]);
      const keys = await store.db.selectFrom('idempotency').select('key').orderBy('key').execute();
      assert.deepEqual(
        keys.map((k) => k.key),
        ['ik-l-40', 'ik-r-new'],
      );
      // A kept call keeps all its events; a purged one leaves none behind.
      const events = await store.db
        .selectFrom('call_events')
        .select(['call_id'])
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .groupBy('call_id')
        .orderBy('call_id')
        .execute();
      assert.deepEqual(
        events.map((e) => [e.call_id, Number(e.n)]),
        (await ids(store, 'calls')).map((id) => [id, 2]),
      );
      const audit = await store.db
        .selectFrom('audit_log')
        .select(['seq', 'tenant_id'])
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        audit.map((r) => Number(r.seq)),
        [3, 5, 6, 7, 8, 9],
      );
    });

    it('records each purge in the chain with counts per table, in plaintext even with a keyring set', async () => {
      const store = await fresh();
      useDataKeyring(createDataKeyring([{ id: 'k1', key: randomBytes(32) }]));
      await seedTwoTenants(store);
      const report = await purgeExpired({ store, tenants: TENANTS, now: NOW });
      const records = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'retention.purge')
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        records.map((r) => [r.tenant_id, Number(r.seq), r.actor, r.key_id]),
        [
          ['riverside', 8, 'retention', null],
          ['lakeside', 9, 'retention', null],
        ],
      );
      assert.deepEqual(
        report.tenants.map((t) => t.auditSeq),
        [8, 9],
      );
      const detail = JSON.parse(records[0]?.detail_enc as string) as {
        deleted: Record<string, number>;
        bridges: { from: number; to: number }[];
        auditBefore: string;
      };
      assert.deepEqual(detail.deleted, EXPECTED_DELETED.riverside);
      assert.equal(detail.auditBefore, new Date(NOW - 365 * DAY_MS).toISOString());
      assert.deepEqual(
        detail.bridges.map((b) => [b.from, b.to]),
        [
          [1, 2],
          [4, 4],
        ],
      );
      // The other records stay sealed; the keyring is not needed to verify the chain.
      const sealed = await store.db
        .selectFrom('audit_log')
        .select('key_id')
        .where('seq', '=', 3)
        .executeTakeFirst();
      assert.equal(sealed?.key_id, 'k1');
      useDataKeyring(undefined);
      assert.deepEqual(await verifyAuditChain(store), {
        ok: true,
        count: 6,
        headHash: records[1]?.hash,
        purged: 3,
      });
    });

    it('finds nothing the second time and appends no record for an empty purge', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      await purgeExpired({ store, tenants: TENANTS, now: NOW });
      const counts = await tableCounts(store);
      const again = await purgeExpired({ store, tenants: TENANTS, now: NOW + 1_000 });
      for (const tenant of again.tenants) {
        assert.ok(
          Object.values(tenant.deleted).every((n) => n === 0),
          tenant.tenantId,
        );
        assert.equal(tenant.auditSeq, undefined);
      }
      assert.deepEqual(await tableCounts(store), counts);
    });

    it('verifies after later purges widen the purged runs, and the chain grows on from its head', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      await purgeExpired({ store, tenants: TENANTS, now: NOW });
      // Seven years on, every non-purge record of both tenants is past retention.
      const later = await purgeExpired({ store, tenants: TENANTS, now: NOW + 2_600 * DAY_MS });
      assert.deepEqual(
        later.tenants.map((t) => t.deleted.audit_log),
        [1, 2],
      );
      const report = await verifyAuditChain(store);
      assert.equal(report.ok, true, JSON.stringify(report));
      const appender = createAuditAppender({ store });
      const next = await appender.append({ tenantId: 'riverside', actor: 'gateway', action: 'ehr.read' });
      const head = await store.db
        .selectFrom('audit_log')
        .select('seq')
        .orderBy('seq', 'desc')
        .limit(2)
        .execute();
      assert.equal(Number(next.seq), Number(head[1]?.seq) + 1);
      const after = await verifyAuditChain(store);
      assert.ok(after.ok, JSON.stringify(after));
      assert.equal(after.purged, 6);
    });

    it('never deletes the newest record of the chain, so the next append links to it', async () => {
      const store = await fresh();
      const appender = createAuditAppender({ store });
      for (let i = 1; i <= 3; i++) {
        await appender.append({ tenantId: 'riverside', actor: 'gateway', action: 'ehr.read', at: ago(400) });
      }
      const report = await purgeExpired({ store, tenants: TENANTS, now: NOW });
      assert.equal(report.tenants[0]?.deleted.audit_log, 2);
      assert.deepEqual(
        (await store.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((r) =>
          Number(r.seq),
        ),
        [3, 4],
      );
      await appender.append({ tenantId: 'riverside', actor: 'gateway', action: 'ehr.read', at: NOW });
      assert.deepEqual(await verifyAuditChain(store).then((r) => [r.ok, r.count]), [true, 3]);
    });

    it('still detects a deleted record that no purge removed, next to a purged run or apart from one', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      await purgeExpired({ store, tenants: TENANTS, now: NOW });
      // Seq 3 sits between the purged runs 1-2 and 4: deleting it must not pass as purged.
      await store.db.deleteFrom('audit_log').where('seq', '=', 3).execute();
      assert.deepEqual(await verifyAuditChain(store), {
        ok: false,
        count: 0,
        seq: 3,
        reason: 'record_missing',
      });

      const other = await fresh();
      await seedTwoTenants(other);
      await purgeExpired({ store: other, tenants: TENANTS, now: NOW });
      await other.db.deleteFrom('audit_log').where('seq', '=', 6).execute();
      assert.deepEqual(await verifyAuditChain(other), {
        ok: false,
        count: 2,
        seq: 6,
        reason: 'record_missing',
      });
    });

    it('detects the record before a purged run changed and re-hashed', async () => {
      const store = await fresh();
      await seedTwoTenants(store);
      await purgeExpired({ store, tenants: TENANTS, now: NOW });
      const row = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '=', 3)
        .executeTakeFirstOrThrow();
      const { hash: _old, ...rest } = { ...row, target: 'Appointment/forged' };
      await store.db
        .updateTable('audit_log')
        .set({ target: rest.target, hash: auditRecordHash(rest) })
        .where('seq', '=', 3)
        .execute();
      assert.deepEqual(await verifyAuditChain(store), { ok: false, count: 1, seq: 5, reason: 'link_broken' });
    });

    if (name === 'postgres') {
      it('keeps one verifiable chain when two gateways purge the same database at once', async () => {
        const backend = storeBackends().find((b) => b.name === name) as StoreBackend;
        backends.push(backend);
        const [a, b] = [await backend.open(), await backend.open()];
        await seedTwoTenants(a);
        // Both tenants' records 1-4 expire, so the two purges widen the same run from both sides.
        const tenants = TENANTS.map((t) => ({ ...t, retention: { ...t.retention, auditDays: 365 } }));
        const reports = await Promise.all([
          purgeExpired({ store: a, tenants, now: NOW }),
          purgeExpired({ store: b, tenants: [...tenants].reverse(), now: NOW }),
        ]);
        const total = (table: 'calls' | 'audit_log') =>
          reports.flatMap((r) => r.tenants).reduce((sum, t) => sum + t.deleted[table], 0);
        assert.equal(total('calls'), EXPECTED_DELETED.riverside.calls + EXPECTED_DELETED.lakeside.calls);
        assert.equal(total('audit_log'), EXPECTED_DELETED.riverside.audit_log + 1);
        const report = await verifyAuditChain(a);
        assert.ok(report.ok, JSON.stringify(report));
      });
    }
  });
}
