// The one canonical form of an audit record and its link in the hash chain (P8, issue 7 item 3).
// hash = SHA-256(previous hash || canonical JSON of the record without its hash), where the
// canonical JSON has its keys sorted (RFC 8785 ordering for our ASCII keys) so the hash does not
// depend on the order a driver returns columns in. The previous hash is fixed-width hex, so the
// concatenation needs no separator. The first record links to GENESIS_HASH.
import { hash } from 'node:crypto';
import { canonicalJson } from '../../lib/canonical-json.ts';
import type { AuditRecordRow } from '../../store/index.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a hash covers: every column but the hash itself. */
export type HashedAuditRecord = Omit<AuditRecordRow, 'hash'>;

export { canonicalJson };

export function auditRecordHash(record: HashedAuditRecord): string {
  const canonical = canonicalJson({
    seq: Number(record.seq),
    tenant_id: record.tenant_id,
    at: Number(record.at),
    actor: record.actor,
    action: record.action,
    call_id: record.call_id,
    target: record.target,
    detail_enc: record.detail_enc,
    key_id: record.key_id,
  });
  return hash('sha256', record.prev_hash + canonical, 'hex');
}
