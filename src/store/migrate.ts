import { type Kysely, type Migration, Migrator } from 'kysely';
import { EhrgateError, isEhrgateError } from '../errors.ts';
import * as initial from './migrations/001-initial.ts';
import * as retentionIndexes from './migrations/002-retention-indexes.ts';
import * as phiVault from './migrations/003-phi-vault.ts';
import type { Database } from './schema.ts';

// In order. A new migration is a new file and a new line here; a shipped one is never edited.
const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '001-initial': initial,
  '002-retention-indexes': retentionIndexes,
  '003-phi-vault': phiVault,
});

/** Every migration's name, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

export const MIGRATION_TABLE = 'schema_migrations';
export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

/**
 * Brings the schema up to date. Safe when several processes open the same database at once:
 * on PostgreSQL Kysely's Migrator holds a session advisory lock around the run; on SQLite the
 * run is one BEGIN IMMEDIATE transaction (see sqlite-dialect.ts), which other processes queue
 * behind. Returns the names of the migrations this call applied.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    if (isEhrgateError(error, 'ERR_STORE_UNAVAILABLE')) throw error;
    const failed = results.find((result) => result.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed}` : 'migrations';
    const reason = error instanceof Error ? error.message : String(error);
    throw new EhrgateError('ERR_STORE_MIGRATION', `${what} failed: ${reason}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
