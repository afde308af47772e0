import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { NodeSqliteDialect } from './sqlite-dialect.ts';

type TestDb = { items: { id: number; name: string } };

describe('NodeSqliteDialect', () => {
  let dir: string;
  let db: Kysely<TestDb>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehrgate-dialect-'));
    db = new Kysely<TestDb>({ dialect: new NodeSqliteDialect({ path: join(dir, 'd.sqlite') }) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .execute();
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with WAL, synchronous=FULL, foreign keys on and a 5 s busy timeout', async () => {
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] as object)[0];
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 2); // FULL (https://sqlite.org/pragma.html#pragma_synchronous)
    assert.equal(await pragma('foreign_keys'), 1);
    assert.equal(await pragma('busy_timeout'), 5_000);
  });

  it('reports affected rows and the insert id for statements without RETURNING', async () => {
    const result = await db.insertInto('items').values({ id: 7, name: 'seven' }).executeTakeFirst();
    assert.equal(result.insertId, 7n);
    assert.equal(result.numInsertedOrUpdatedRows, 1n);
    const updated = await db
      .updateTable('items')
      .set({ name: 'SEVEN' })
      .where('id', '=', 7)
      .executeTakeFirst();
    assert.equal(updated.numUpdatedRows, 1n);
  });

  it('returns the rows of INSERT ... RETURNING and of SELECT', async () => {
    const inserted = await db.insertInto('items').values({ id: 8, name: 'eight' }).returningAll().execute();
    assert.deepEqual({ ...inserted[0] }, { id: 8, name: 'eight' });
    const selected = await db.selectFrom('items').select('name').where('id', '=', 8).execute();
    assert.deepEqual(
      selected.map((row) => row.name),
      ['eight'],
    );
  });

  it('makes a second transaction wait until the first commits', async () => {
    const order: string[] = [];
    let letFirstFinish!: () => void;
    const gate = new Promise<void>((resolve) => {
      letFirstFinish = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    const first = db.transaction().execute(async (tx) => {
      await tx.insertInto('items').values({ id: 100, name: 'first' }).execute();
      order.push('first wrote');
      firstWrote();
      await gate;
      order.push('first commits');
    });
    const second = db.transaction().execute(async (tx) => {
      order.push('second started');
      const seen = await tx.selectFrom('items').select('id').where('id', '=', 100).executeTakeFirst();
      order.push(seen ? 'second sees first' : 'second does not see first');
    });
    await wrote;
    // Time enough for the second transaction to run, were it not held back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('gate opens');
    letFirstFinish();
    await Promise.all([first, second]);
    assert.deepEqual(order, [
      'first wrote',
      'gate opens',
      'first commits',
      'second started',
      'second sees first',
    ]);
  });

  it('rolls back to a savepoint inside a transaction', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values({ id: 200, name: 'kept' }).execute();
    const inner = await trx.savepoint('before_discard').execute();
    await inner.insertInto('items').values({ id: 201, name: 'discarded' }).execute();
    const back = await inner.rollbackToSavepoint('before_discard').execute();
    await back.commit().execute();
    const ids = await db.selectFrom('items').select('id').where('id', 'in', [200, 201]).execute();
    assert.deepEqual(
      ids.map((row) => row.id),
      [200],
    );
  });

  it('streams the rows of a SELECT', async () => {
    const names: string[] = [];
    for await (const row of db.selectFrom('items').select('name').orderBy('id').stream())
      names.push(row.name);
    assert.ok(names.length >= 3);
    assert.equal(names[0], 'SEVEN');
  });
});
