// Deletes one tenant's audit records past retention from the deployment-wide hash chain, inside
// the caller's transaction, and works out the bridges audit verify needs across the runs of
// missing seqs that leaves (compliance/audit/verify-chain.ts). Two kinds of record always stay:
// the newest record of the chain, as the next append links to it and takes the seq after it;
// and purge records, as their bridges are what keeps the chain verifiable.
import type { Kysely } from 'kysely';
import type { Database } from '../../../store/index.ts';
import { GENESIS_HASH } from '../../audit/canonical-record.ts';
import { AUDIT_PURGE_ACTION, type AuditChainBridge } from '../../audit/verify-chain.ts';

export async function purgeAuditRecords(
  tx: Kysely<Database>,
  tenantId: string,
  before: number,
): Promise<{ deleted: number; bridges: AuditChainBridge[] }> {
  const head = await tx
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (head === undefined) return { deleted: 0, bridges: [] };
  const deleted = await tx
    .deleteFrom('audit_log')
    .where('tenant_id', '=', tenantId)
    .where('at', '<', before)
    .where('action', '<>', AUDIT_PURGE_ACTION)
    .where('seq', '<', head.seq)
    .returning('seq')
    .execute();
  const seqs = deleted.map((row) => Number(row.seq)).sort((a, b) => a - b);

  const bridges: AuditChainBridge[] = [];
  for (let i = 0; i < seqs.length; ) {
    const seq = seqs[i] as number;
    const below = await tx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', '<', seq)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    // The head was not deleted, so a record above every deleted seq exists.
    const above = await tx
      .selectFrom('audit_log')
      .select(['seq', 'prev_hash'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow();
    const to = Number(above.seq) - 1;
    bridges.push({
      from: below === undefined ? 1 : Number(below.seq) + 1,
      to,
      headHash: below?.hash ?? GENESIS_HASH,
      lastHash: above.prev_hash,
    });
    while (i < seqs.length && (seqs[i] as number) <= to) i += 1;
  }
  return { deleted: seqs.length, bridges };
}
