// Walks the whole chain from seq 1 and reports the first link that does not hold. What each
// tampering looks like here:
// - a record changed in place: its stored hash no longer matches its content ('record_changed');
// - a record changed and re-hashed, or two records swapped: the next (or the moved) record's
//   prev_hash no longer names the hash before it ('link_broken');
// - a record deleted: the seq jumps ('record_missing', reported at the missing seq).
// Deleting the newest records leaves a shorter chain that still verifies; the count and head
// hash printed by `audit verify` are what an operator anchors elsewhere to catch that.
import { readAuditRecords, type Store } from '../../store/index.ts';
import { auditRecordHash, GENESIS_HASH } from './canonical-record.ts';

export const DEFAULT_VERIFY_PAGE_SIZE = 1_000;

export type AuditChainBreak = 'record_changed' | 'link_broken' | 'record_missing';

export type AuditChainReport =
  | { readonly ok: true; readonly count: number; readonly headHash: string }
  | {
      readonly ok: false;
      /** Records before the break that verified. */
      readonly count: number;
      readonly seq: number;
      readonly reason: AuditChainBreak;
    };

export async function verifyAuditChain(
  store: Pick<Store, 'db'>,
  options: { pageSize?: number } = {},
): Promise<AuditChainReport> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    const page = await readAuditRecords(store.db, {
      afterSeq: expectedSeq - 1,
      limit: options.pageSize ?? DEFAULT_VERIFY_PAGE_SIZE,
    });
    if (page.length === 0) return { ok: true, count: expectedSeq - 1, headHash: prevHash };
    for (const row of page) {
      const count = expectedSeq - 1;
      if (Number(row.seq) !== expectedSeq)
        return { ok: false, count, seq: expectedSeq, reason: 'record_missing' };
      if (row.prev_hash !== prevHash) return { ok: false, count, seq: expectedSeq, reason: 'link_broken' };
      const { hash, ...hashed } = row;
      if (auditRecordHash(hashed) !== hash) {
        return { ok: false, count, seq: expectedSeq, reason: 'record_changed' };
      }
      prevHash = hash;
      expectedSeq += 1;
    }
  }
}
