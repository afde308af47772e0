// Storage of the PHI firewall's shared vault (migrations/003-phi-vault.ts). Values arrive sealed;
// a token already stored for the call keeps its first value.
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type VaultEntry = { readonly token: string; readonly valueEnc: string; readonly keyId: string | null };

export async function saveVaultEntries(
  db: Kysely<Database>,
  call: { readonly tenantId: string; readonly callRef: string; readonly now: number },
  entries: readonly VaultEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('phi_vault')
    .values(
      entries.map((e) => ({
        tenant_id: call.tenantId,
        call_ref: call.callRef,
        token: e.token,
        value_enc: e.valueEnc,
        key_id: e.keyId,
        created_at: call.now,
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'call_ref', 'token']).doNothing())
    .execute();
}

export async function loadVaultEntries(
  db: Kysely<Database>,
  tenantId: string,
  callRef: string,
): Promise<VaultEntry[]> {
  const rows = await db
    .selectFrom('phi_vault')
    .select(['token', 'value_enc', 'key_id'])
    .where('tenant_id', '=', tenantId)
    .where('call_ref', '=', callRef)
    .execute();
  return rows.map((r) => ({ token: r.token, valueEnc: r.value_enc, keyId: r.key_id }));
}

export async function deleteVaultEntries(
  db: Kysely<Database>,
  tenantId: string,
  callRef: string,
): Promise<number> {
  const result = await db
    .deleteFrom('phi_vault')
    .where('tenant_id', '=', tenantId)
    .where('call_ref', '=', callRef)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
