// The audit record of one tenant's purge, appended to the chain inside the purge's own
// transaction, so the deletions and their record commit together or not at all. Linked to the
// head exactly as the appender links (compliance/audit/audit-appender.ts). Its detail holds only
// counts, cut-off times, seqs and hashes, no PHI, and is stored in plaintext (key id null) so
// that audit verify can read the bridges without the data keys.
import type { Kysely } from 'kysely';
import { canonicalJson } from '../../../lib/canonical-json.ts';
import {
  type AuditRecordRow,
  appendAuditRecord,
  type Database,
  lastAuditRecord,
} from '../../../store/index.ts';
import { auditRecordHash, GENESIS_HASH } from '../../audit/canonical-record.ts';
import { AUDIT_PURGE_ACTION, type AuditChainBridge } from '../../audit/verify-chain.ts';

export type PurgeRecordDetail = {
  readonly transcriptsBefore: string;
  readonly auditBefore: string;
  readonly deleted: Readonly<Record<string, number>>;
  readonly bridges: readonly AuditChainBridge[];
};

export async function appendPurgeRecord(
  tx: Kysely<Database>,
  record: { tenantId: string; actor: string; at: number; detail: PurgeRecordDetail },
): Promise<AuditRecordRow> {
  const head = await lastAuditRecord(tx);
  const linked = {
    seq: Number(head?.seq ?? 0) + 1,
    tenant_id: record.tenantId,
    at: record.at,
    actor: record.actor,
    action: AUDIT_PURGE_ACTION,
    call_id: null,
    target: null,
    detail_enc: canonicalJson(record.detail),
    key_id: null,
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  return appendAuditRecord(tx, { ...linked, hash: auditRecordHash(linked) });
}
