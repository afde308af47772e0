import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  postgresBackend,
  sqliteBackend,
  storeBackends,
  TEST_PG_ADMIN_URL,
} from '../../test/store/backends.ts';
import { runChild } from '../../test/store/run-child.ts';
import { isEhrgateError } from '../errors.ts';
import { appendCallEvents, openCall } from './calls.ts';
import { MIGRATION_NAMES } from './migrate.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';

for (const backend of storeBackends()) {
  describe(`openStore on ${backend.name}`, () => {
    let store: Store;

    before(async () => {
      store = await backend.open();
    });
    after(() => backend.cleanup());
    // A compiled insert of a call row, for Store.writeAtomically; its id is the key a test reuses.
    const insertCall = (tenantId: string, id: string) =>
      store.db
        .insertInto('calls')
        .values({ id, tenant_id: tenantId, channel: 'sim', started_at: 1 })
        .compile();

    it('applies the migrations at open and records them', async () => {
      const rows = await store.db.selectFrom('schema_migrations').select('name').execute();
      assert.deepEqual(
        rows.map((row) => row.name),
        MIGRATION_NAMES,
      );
      const tables = (await store.db.introspection.getTables()).map((table) => table.name);
      for (const table of ['calls', 'call_events', 'outbox', 'work_items', 'idempotency', 'audit_log']) {
        assert.ok(tables.includes(table), `missing table ${table}`);
      }
    });

    it('re-opening applies nothing and keeps the data', async () => {
      await openCall(store.db, { tenantId: 'reopen', channel: 'vapi', externalId: 'c-1', id: 'reopen-call' });
      const messages: string[] = [];
      const again = await backend.open({ log: (msg) => messages.push(msg) });
      assert.deepEqual(messages, []);
      const call = await again.db
        .selectFrom('calls')
        .select('id')
        .where('id', '=', 'reopen-call')
        .executeTakeFirst();
      assert.equal(call?.id, 'reopen-call');
      const rows = await again.db.selectFrom('schema_migrations').select('name').execute();
      assert.equal(rows.length, MIGRATION_NAMES.length);
      await again.close();
    });

    it('writes a batch atomically: all of it, or on a violated key none of it, with the typed error', async () => {
      const insert = (id: string) => insertCall('atomic', id);
      await store.writeAtomically([insert('atomic-1'), insert('atomic-2')]);
      await assert.rejects(store.writeAtomically([insert('atomic-3'), insert('atomic-1')]), (error) =>
        isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
      const ids = await store.db.selectFrom('calls').select('id').where('tenant_id', '=', 'atomic').execute();
      assert.deepEqual(ids.map((row) => row.id).sort(), ['atomic-1', 'atomic-2']);
      // The store is usable after the failed batch.
      await store.withTransaction((tx) => tx.deleteFrom('calls').where('tenant_id', '=', 'atomic').execute());
    });

    it('commits a lazy batch and keeps full durability for every other commit, after a failure too', async () => {
      const insert = (id: string) => insertCall('lazy', id);
      await store.writeAtomically([insert('lazy-1')], { sync: 'lazy' });
      await assert.rejects(store.writeAtomically([insert('lazy-1')], { sync: 'lazy' }));
      const durability =
        store.dialect === 'sqlite'
          ? await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db)
          : await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(store.db);
      // SQLite FULL is 2 (https://sqlite.org/pragma.html#pragma_synchronous); PostgreSQL 'on'.
      assert.deepEqual(Object.values(durability.rows[0] ?? {}), [store.dialect === 'sqlite' ? 2 : 'on']);
      const rows = await store.db.selectFrom('calls').select('id').where('tenant_id', '=', 'lazy').execute();
      assert.deepEqual(rows, [{ id: 'lazy-1' }]);
    });

    it('commits writes made together each on its own: a failing one takes no other with it', async () => {
      const insert = (id: string) => insertCall('together', id);
      await store.writeAtomically([insert('together-1')]);
      // Issued in one tick: on SQLite the lazy ones ride with the durable one in one commit.
      const [first, taken, durable, last] = await Promise.allSettled([
        store.writeAtomically([insert('together-2')], { sync: 'lazy' }),
        store.writeAtomically([insert('together-3'), insert('together-1')], { sync: 'lazy' }),
        store.writeAtomically([insert('together-4')]),
        store.writeAtomically([insert('together-5')], { sync: 'lazy' }),
      ]);
      assert.deepEqual(first, { status: 'fulfilled', value: [1] });
      assert.ok(taken.status === 'rejected' && isEhrgateError(taken.reason, 'ERR_STORE_CONSTRAINT'));
      assert.deepEqual(durable, { status: 'fulfilled', value: [1] });
      assert.deepEqual(last, { status: 'fulfilled', value: [1] });
      const rows = await store.db
        .selectFrom('calls')
        .select('id')
        .where('tenant_id', '=', 'together')
        .execute();
      assert.deepEqual(rows.map((row) => row.id).sort(), [
        'together-1',
        'together-2',
        'together-4',
        'together-5',
      ]);
    });

    it('keeps the order writes were made in: a lazy write made after a durable one sees it', async (t) => {
      // PostgreSQL runs concurrent writes on separate connections: there, order is the caller's await.
      if (store.dialect !== 'sqlite') return t.skip('SQLite only: one connection in one order');
      const call = store.db
        .insertInto('calls')
        .values({ id: 'order-1', tenant_id: 'order', channel: 'sim', started_at: 1 })
        .compile();
      // The event's insert selects the call row: written before the row, it would find none.
      const [, events] = await Promise.all([
        store.writeAtomically([call]),
        appendCallEvents(store, [{ tenantId: 'order', callId: 'order-1', type: 'tool.call', now: 2 }]),
      ]);
      assert.deepEqual(events.missingCalls, []);
    });

    it('commits a transaction whose callback resolves', async () => {
      const value = await store.withTransaction(async (tx) => {
        await openCall(tx, { tenantId: 'tx', channel: 'vapi', id: 'tx-commit' });
        return 42;
      });
      assert.equal(value, 42);
      const row = await store.db
        .selectFrom('calls')
        .select('id')
        .where('id', '=', 'tx-commit')
        .executeTakeFirst();
      assert.equal(row?.id, 'tx-commit');
    });

    it('rolls a transaction back when its callback throws, and rethrows the same error', async () => {
      const boom = new RangeError('boom');
      await assert.rejects(
        store.withTransaction(async (tx) => {
          await openCall(tx, { tenantId: 'tx', channel: 'vapi', id: 'tx-rollback' });
          throw boom;
        }),
        (error) => error === boom,
      );
      const row = await store.db
        .selectFrom('calls')
        .select('id')
        .where('id', '=', 'tx-rollback')
        .executeTakeFirst();
      assert.equal(row, undefined);
    });

    it('reports a duplicate key as ERR_STORE_CONSTRAINT', async () => {
      await openCall(store.db, { tenantId: 'dup', channel: 'vapi', id: 'dup-call' });
      await assert.rejects(
        openCall(store.db, { tenantId: 'dup', channel: 'vapi', id: 'dup-call' }),
        (error) => isEhrgateError(error, 'ERR_STORE_CONSTRAINT'),
      );
    });

    it('returns bigint columns as numbers', async () => {
      const { call } = await openCall(store.db, { tenantId: 'num', channel: 'vapi', now: 1_750_000_000_123 });
      const row = await store.db
        .selectFrom('calls')
        .select('started_at')
        .where('id', '=', call.id)
        .executeTakeFirst();
      assert.equal(row?.started_at, 1_750_000_000_123);
      const count = await store.db
        .selectFrom('calls')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(typeof count.n, 'number');
    });

    it('answers ping while open and throws ERR_STORE_UNAVAILABLE once closed', async () => {
      const extra = await backend.open();
      await extra.ping();
      await extra.close();
      await assert.rejects(extra.ping(), (error) => isEhrgateError(error, 'ERR_STORE_UNAVAILABLE'));
    });

    it('describes itself by its dialect, without credentials', async () => {
      const dialect = backend.name === 'postgres' ? 'postgres' : 'sqlite';
      assert.match(store.describe(), new RegExp(`^${dialect} `));
      assert.equal(store.dialect, dialect);
    });
  });
}

describe('openStore, concurrent first opens', () => {
  for (const make of [sqliteBackend, postgresBackend]) {
    it(`migrates a fresh ${make().name} database exactly once when two processes open it at the same time`, async () => {
      const backend = make();
      try {
        const url = await backend.url();
        const script = new URL('../../test/store/open-child.ts', import.meta.url);
        const children = await Promise.all([runChild(script, [url]), runChild(script, [url])]);
        const applied = children.map((child) => {
          assert.equal(child.code, 0, child.stderr);
          return (JSON.parse(child.stdout) as { applied: string[] }).applied;
        });
        assert.deepEqual(applied.flat(), MIGRATION_NAMES);
        const store = await backend.open();
        const rows = await store.db.selectFrom('schema_migrations').select('name').execute();
        assert.equal(rows.length, MIGRATION_NAMES.length);
      } finally {
        await backend.cleanup();
      }
    });
  }
});

describe('openStore on SQLite paths', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-open-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('defaults to <dataDir>/ehrgate.sqlite and creates the directory', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await openStore({ dataDir });
    try {
      assert.equal(store.describe(), `sqlite ${join(dataDir, 'ehrgate.sqlite')}`);
      assert.ok(existsSync(join(dataDir, 'ehrgate.sqlite')));
    } finally {
      await store.close();
    }
  });

  it('accepts a sqlite: URL and :memory:', async () => {
    const file = join(dir, 'url', 'x.sqlite');
    const fromUrl = await openStore({ url: `sqlite:${file}` });
    await fromUrl.close();
    assert.ok(existsSync(file));
    const memory = await openStore({ url: ':memory:' });
    assert.equal(memory.describe(), 'sqlite :memory:');
    await memory.close();
  });

  it('throws ERR_STORE_UNAVAILABLE when the file cannot be opened', async () => {
    // A directory where the database file should be.
    await assert.rejects(openStore({ url: dir }), (error) => isEhrgateError(error, 'ERR_STORE_UNAVAILABLE'));
  });
});

describe('openStore on an unreachable PostgreSQL', () => {
  it('throws ERR_STORE_UNAVAILABLE fast, naming host:port and never the password', async () => {
    const started = performance.now();
    await assert.rejects(openStore({ url: 'postgres://ehrgate:s3cret-pw@127.0.0.1:1/ehrgate' }), (error) => {
      assert.ok(isEhrgateError(error, 'ERR_STORE_UNAVAILABLE'));
      assert.match(error.message, /127\.0\.0\.1:1\b/);
      assert.match(error.message, /ECONNREFUSED/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
      return true;
    });
    assert.ok(performance.now() - started < 5_500, 'took longer than the connect timeout');
  });

  it('throws ERR_STORE_UNAVAILABLE when the host name does not resolve', async () => {
    await assert.rejects(
      openStore({ url: 'postgresql://u:s3cret-pw@no-such-host.invalid:5432/db' }),
      (error) => {
        assert.ok(isEhrgateError(error, 'ERR_STORE_UNAVAILABLE'));
        assert.match(error.message, /no-such-host\.invalid:5432/);
        assert.doesNotMatch(error.message, /s3cret-pw/);
        return true;
      },
    );
  });

  it('throws ERR_STORE_UNAVAILABLE when the server refuses the database', async () => {
    const url = new URL(TEST_PG_ADMIN_URL);
    url.pathname = '/ehrgate_no_such_database';
    url.password = 's3cret-pw';
    await assert.rejects(openStore({ url: url.toString() }), (error) => {
      assert.ok(isEhrgateError(error, 'ERR_STORE_UNAVAILABLE'));
      assert.match(error.message, /3D000/);
      assert.doesNotMatch(error.message, /s3cret-pw/);
      return true;
    });
  });
});
