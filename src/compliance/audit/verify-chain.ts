// Walks the whole chain from seq 1 and reports the first link that does not hold. What each
// tampering looks like here:
// - a record changed in place: its stored hash no longer matches its content ('record_changed');
// - a record changed and re-hashed, or two records swapped: the next (or the moved) record's
//   prev_hash no longer names the hash before it ('link_broken');
// - a record deleted: the seq jumps ('record_missing', reported at the missing seq).
// Deleting the newest records leaves a shorter chain that still verifies; the count and head
// hash printed by `audit verify` are what an operator anchors elsewhere to catch that.
//
// Retention deletes records past a tenant's audit retention (compliance/retention). Each purge
// writes, in the same transaction and as a record of the chain itself, a bridge for every run of
// missing seqs its deletions made or widened: the run's first and last seq, the hash of the
// record before the run (or the genesis hash) and the hash of the run's last record, which the
// record after the run names as its prev_hash. A jump in seq is accepted only where a bridge
// names exactly that run and both hashes still hold, so a record deleted outside a purge, or one
// more record deleted next to a purged run, is still 'record_missing'. Bridges are in plaintext
// (seqs and hashes, no PHI), so the chain verifies without the data keys.
import { readAuditRecords, type Store } from '../../store/index.ts';
import { auditRecordHash, GENESIS_HASH } from './canonical-record.ts';

export const DEFAULT_VERIFY_PAGE_SIZE = 1_000;
/** The action of a retention purge's own record, which carries its bridges. */
export const AUDIT_PURGE_ACTION = 'retention.purge';

export type AuditChainBreak = 'record_changed' | 'link_broken' | 'record_missing';

export type AuditChainReport =
  | {
      readonly ok: true;
      /** Records present and verified. */
      readonly count: number;
      readonly headHash: string;
      /** Records removed by retention purges and bridged; absent when there are none. */
      readonly purged?: number;
    }
  | {
      readonly ok: false;
      /** Records before the break that verified. */
      readonly count: number;
      readonly seq: number;
      readonly reason: AuditChainBreak;
    };

/** A run of purged records, seqs `from`..`to` inclusive. */
export type AuditChainBridge = {
  readonly from: number;
  readonly to: number;
  /** The hash of the record at `from - 1`, or GENESIS_HASH when `from` is 1. */
  readonly headHash: string;
  /** The hash of the record at `to`: the prev_hash of the record at `to + 1`. */
  readonly lastHash: string;
};

export async function verifyAuditChain(
  store: Pick<Store, 'db'>,
  options: { pageSize?: number } = {},
): Promise<AuditChainReport> {
  let bridges = await readBridges(store);
  let expectedSeq = 1;
  let lastSeq = 0;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let purged = 0;
  for (;;) {
    const page = await readAuditRecords(store.db, {
      afterSeq: lastSeq,
      limit: options.pageSize ?? DEFAULT_VERIFY_PAGE_SIZE,
    });
    if (page.length === 0) return { ok: true, count, headHash: prevHash, ...(purged > 0 ? { purged } : {}) };
    for (const row of page) {
      const seq = Number(row.seq);
      lastSeq = seq;
      if (seq !== expectedSeq) {
        let crossing = crossGap(bridges, expectedSeq, seq, prevHash);
        if (!('bridge' in crossing)) {
          // A purge that committed while this walk was under way wrote a bridge not read yet.
          bridges = await readBridges(store);
          crossing = crossGap(bridges, expectedSeq, seq, prevHash);
        }
        if (!('bridge' in crossing)) return { ok: false, count, ...crossing };
        purged += seq - expectedSeq;
        prevHash = crossing.bridge.lastHash;
      }
      if (row.prev_hash !== prevHash) return { ok: false, count, seq, reason: 'link_broken' };
      const { hash, ...hashed } = row;
      if (auditRecordHash(hashed) !== hash) return { ok: false, count, seq, reason: 'record_changed' };
      prevHash = hash;
      expectedSeq = seq + 1;
      count += 1;
    }
  }
}

// Seqs `from`..`seq - 1` are missing: the bridge that accounts for exactly that run and starts
// at the record before it, or where the chain breaks.
function crossGap(
  bridges: ReadonlyMap<number, readonly AuditChainBridge[]>,
  from: number,
  seq: number,
  prevHash: string,
): { bridge: AuditChainBridge } | { seq: number; reason: AuditChainBreak } {
  const fromHere = bridges.get(from) ?? [];
  const linked = fromHere.filter((b) => b.headHash === prevHash);
  // A purge removed this run, but the record before it is no longer the one the purge saw.
  if (fromHere.length > 0 && linked.length === 0) return { seq, reason: 'link_broken' };
  const bridge = linked.find((b) => b.to === seq - 1);
  if (bridge !== undefined) return { bridge };
  // The first seq no purge accounts for: one past the widest run bridged from here.
  const bridgedTo = Math.max(from - 1, ...linked.map((b) => b.to).filter((to) => to < seq));
  return { seq: bridgedTo + 1, reason: 'record_missing' };
}

/** The bridges of every purge record, by the first seq of their run. */
async function readBridges(store: Pick<Store, 'db'>): Promise<Map<number, AuditChainBridge[]>> {
  const records = await store.db
    .selectFrom('audit_log')
    .select(['seq', 'detail_enc', 'key_id'])
    .where('action', '=', AUDIT_PURGE_ACTION)
    .execute();
  const byFrom = new Map<number, AuditChainBridge[]>();
  for (const record of records) {
    for (const bridge of bridgesOf(record.detail_enc, record.key_id, Number(record.seq))) {
      byFrom.set(bridge.from, [...(byFrom.get(bridge.from) ?? []), bridge]);
    }
  }
  return byFrom;
}

const HASH = /^[0-9a-f]{64}$/;

// A purge record describes only runs before itself; anything else in it is ignored, and the
// record's own hash (checked when the walk reaches it) covers what it says.
function bridgesOf(detailEnc: string | null, keyId: string | null, recordSeq: number): AuditChainBridge[] {
  if (detailEnc === null || keyId !== null) return [];
  let detail: unknown;
  try {
    detail = JSON.parse(detailEnc);
  } catch {
    return [];
  }
  const list = (detail as { bridges?: unknown } | null)?.bridges;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (b): b is AuditChainBridge =>
      b !== null &&
      typeof b === 'object' &&
      Number.isSafeInteger(b.from) &&
      Number.isSafeInteger(b.to) &&
      b.from >= 1 &&
      b.from <= b.to &&
      b.to < recordSeq &&
      typeof b.headHash === 'string' &&
      HASH.test(b.headHash) &&
      typeof b.lastHash === 'string' &&
      HASH.test(b.lastHash),
  );
}
