// The PHI firewall's token vault, for calls that span gateway processes (issue 7 item 1): a
// token issued by one process must reveal on another that receives the call's next tool call.
// Keyed by the platform's call id, which is what tools and transcripts carry; values sealed like
// every PHI column; rows deleted when the call ends.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('phi_vault')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('call_ref', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('value_enc', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('phi_vault_pk', ['tenant_id', 'call_ref', 'token'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('phi_vault').execute();
}
