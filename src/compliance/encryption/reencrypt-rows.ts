// After a rotation (new key first in EHRGATE_DATA_KEYS, old key still listed), rewrites every
// PHI column still in plaintext or under an older key so it is sealed under the active key; once
// keyUsage() shows no row under the old key, the old key can be dropped from the list.
//
// The audit log is left as it is: its sealed detail is covered by the hash chain (audit
// verify would report every rewritten record as changed), so a key that sealed audit records
// stays listed until retention has purged them (docs/compliance.md).
import type { Kysely } from 'kysely';
import { EhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { DataKeyring } from './keyring.ts';
import { openString, sealString } from './sealed-value.ts';

export const DEFAULT_REENCRYPT_BATCH_ROWS = 500;

// Every PHI column outside the audit log, with the columns that identify its row.
const SEALED_COLUMNS = [
  { table: 'calls', column: 'caller_enc', keys: ['id'] },
  { table: 'call_events', column: 'data_enc', keys: ['tenant_id', 'call_id', 'seq'] },
  { table: 'outbox', column: 'payload_enc', keys: ['id'] },
  { table: 'work_items', column: 'details_enc', keys: ['id'] },
  { table: 'idempotency', column: 'outcome_enc', keys: ['tenant_id', 'key'] },
] as const;

export type SealedTable = (typeof SEALED_COLUMNS)[number]['table'];

// The tables above seen through their common shape: the typed schema cannot name "the sealed
// column of whichever table" in one query.
type Row = Record<string, string | number | null>;
type AnyTables = Record<string, Row>;

export type ReencryptReport = Readonly<
  Record<SealedTable, { readonly reencrypted: number; readonly unknownKey: number }>
>;

/**
 * Re-seals rows under the keyring's active key, a batch per transaction. Rows under a key id the
 * keyring does not hold are counted and left alone. Throws ERR_DATA_UNREADABLE (naming the table
 * and row) on a value that fails authentication, as that row was changed outside ehrgate.
 */
export async function reencryptRows(options: {
  store: Pick<Store, 'db' | 'withTransaction'>;
  keyring: DataKeyring;
  batchRows?: number;
}): Promise<ReencryptReport> {
  const { keyring } = options;
  const batchRows = options.batchRows ?? DEFAULT_REENCRYPT_BATCH_ROWS;
  const olderIds = keyring.ids.filter((id) => id !== keyring.active.id);
  const db = options.store.db as unknown as Kysely<AnyTables>;
  const report: Record<string, { reencrypted: number; unknownKey: number }> = {};

  for (const { table, column, keys } of SEALED_COLUMNS) {
    let reencrypted = 0;
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select([...keys, column, 'key_id'])
        .where(column, 'is not', null)
        .where((eb) =>
          olderIds.length === 0
            ? eb('key_id', 'is', null)
            : eb.or([eb('key_id', 'is', null), eb('key_id', 'in', olderIds)]),
        )
        .limit(batchRows)
        .execute();
      if (rows.length === 0) break;
      await options.store.withTransaction(async (tx) => {
        const t = tx as unknown as Kysely<AnyTables>;
        for (const row of rows) {
          const enc = row[column] as string;
          const keyId = row.key_id as string | null;
          let plaintext: string;
          try {
            plaintext = keyId === null ? enc : openString(keyring, enc, keyId);
          } catch (error) {
            const where = keys.map((key) => `${key}=${row[key]}`).join(' ');
            throw new EhrgateError('ERR_DATA_UNREADABLE', `${table} ${where}: cannot be re-encrypted`, {
              cause: error,
            });
          }
          const sealed = sealString(keyring, plaintext);
          let update = t
            .updateTable(table)
            .set({ [column]: sealed.enc, key_id: sealed.keyId })
            .where(column, '=', enc)
            .where('key_id', keyId === null ? 'is' : '=', keyId);
          for (const key of keys) update = update.where(key, '=', row[key] as string | number);
          const result = await update.executeTakeFirst();
          reencrypted += Number(result.numUpdatedRows);
        }
      });
      if (rows.length < batchRows) break;
    }
    const unknown = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where(column, 'is not', null)
      .where('key_id', 'is not', null)
      .where('key_id', 'not in', [...keyring.ids])
      .executeTakeFirst();
    report[table] = { reencrypted, unknownKey: Number(unknown?.n ?? 0) };
  }
  return report as ReencryptReport;
}

/** Rows per key id (null: plaintext) in each table with PHI columns, the audit log included. */
export async function keyUsage(
  store: Pick<Store, 'db'>,
): Promise<Readonly<Record<SealedTable | 'audit_log', Readonly<Record<string, number>>>>> {
  const db = store.db as unknown as Kysely<AnyTables>;
  const usage: Record<string, Record<string, number>> = {};
  const columns = [...SEALED_COLUMNS, { table: 'audit_log', column: 'detail_enc' }] as const;
  for (const { table, column } of columns) {
    const rows = await db
      .selectFrom(table)
      .select((eb) => ['key_id', eb.fn.countAll<number | string>().as('n')])
      .where(column, 'is not', null)
      .groupBy('key_id')
      .execute();
    usage[table] = Object.fromEntries(rows.map((row) => [String(row.key_id ?? 'null'), Number(row.n)]));
  }
  return usage as Readonly<Record<SealedTable | 'audit_log', Readonly<Record<string, number>>>>;
}
