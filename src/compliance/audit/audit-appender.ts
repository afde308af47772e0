// Appends audit records to the one hash chain. Appends made while a write is in flight queue up
// and go in together, in one transaction, so a burst of tool calls costs one commit rather than
// one each; under load, so do the answers to every EHR response the event loop finds ready at
// once. `append()` resolves only after that transaction commits: a tool call that awaits its
// audit record answers only once the record is durable (P8).
//
// Two writers (two gateways on one PostgreSQL, the CLI beside a gateway) can read the same head;
// the store refuses the second insert at a taken seq with ERR_STORE_CONSTRAINT
// (store/audit-log.ts), which aborts the transaction on PostgreSQL, so the whole batch is
// retried from a fresh head.
import { EhrgateError, isEhrgateError } from '../../errors.ts';
import { type AuditRecordRow, auditInsertQueries, lastAuditRecord, type Store } from '../../store/index.ts';
import { type AuditEntry, toUnchainedRecord, type UnchainedAuditRecord } from './audit-entry.ts';
import { auditRecordHash, GENESIS_HASH } from './canonical-record.ts';

export const DEFAULT_AUDIT_BATCH_MAX_RECORDS = 100;
/** Longest a held record (AuditAppendOptions.hold) waits for a record to go with. */
export const AUDIT_HOLD_MS = 20;
export const DEFAULT_AUDIT_APPEND_MAX_ATTEMPTS = 20;
/** An append this soon after a commit ended finds the appender under load: see startDraining. */
export const DEFAULT_AUDIT_BUSY_WINDOW_MS = 2;

export type AuditAppenderOptions = {
  store: Store;
  now?: () => number;
  /** Most records written in one transaction. */
  batchMaxRecords?: number;
  /** Transactions tried for one batch when other writers keep taking the next seq. */
  maxAttempts?: number;
  /** How soon after a commit ended an append finds the appender under load (see startDraining). */
  busyWindowMs?: number;
};

export type AuditAppendOptions = {
  /**
   * Wait for the next record that is not held and go in its transaction, or after AUDIT_HOLD_MS.
   * For a record whose tool call appends its answer's record within moments and waits for both
   * (an EHR read): one commit instead of two on the answer's path.
   */
  readonly hold?: boolean;
};

export interface AuditAppender {
  /** Resolves with the stored record once it is committed; rejects when it could not be written. */
  append(entry: AuditEntry, options?: AuditAppendOptions): Promise<AuditRecordRow>;
  /** Resolves when every append made so far has settled. */
  flush(): Promise<void>;
}

type Pending = {
  record: UnchainedAuditRecord;
  held: boolean;
  resolve: (row: AuditRecordRow) => void;
  reject: (error: unknown) => void;
};

export function createAuditAppender(options: AuditAppenderOptions): AuditAppender {
  const now = options.now ?? Date.now;
  const batchMax = options.batchMaxRecords ?? DEFAULT_AUDIT_BATCH_MAX_RECORDS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_AUDIT_APPEND_MAX_ATTEMPTS;
  const busyWindowMs = options.busyWindowMs ?? DEFAULT_AUDIT_BUSY_WINDOW_MS;
  if (!Number.isInteger(batchMax) || batchMax < 1 || !Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      'audit appender: batch size and attempts must be integers >= 1',
    );
  }
  if (!(busyWindowMs >= 0)) {
    throw new EhrgateError('ERR_CONFIG_INVALID', 'audit appender: busyWindowMs must be a number >= 0');
  }
  const queue: Pending[] = [];
  let draining: Promise<void> | undefined;
  // Records in the queue that are not held: while there are none, held ones wait for the timer.
  let urgent = 0;
  let holdTimer: NodeJS.Timeout | undefined;
  let lastCommitEnded = Number.NEGATIVE_INFINITY;

  // The chain's head as this appender last wrote it: a batch is then one statement in one
  // transaction. Another writer (a second gateway, a purge) may have moved the head: the insert
  // at a taken seq fails with ERR_STORE_CONSTRAINT, and the batch is redone from a fresh read.
  let head: { seq: number; hash: string } | undefined;

  async function writeBatch(batch: readonly Pending[]): Promise<AuditRecordRow[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (head === undefined) {
          const last = await lastAuditRecord(options.store.db);
          head = { seq: Number(last?.seq ?? 0), hash: last?.hash ?? GENESIS_HASH };
        }
        let { seq, hash: prevHash } = head;
        const rows: AuditRecordRow[] = [];
        for (const { record } of batch) {
          seq += 1;
          const linked = { ...record, seq, prev_hash: prevHash };
          const row = { ...linked, hash: auditRecordHash(linked) };
          rows.push(row);
          prevHash = row.hash;
        }
        await options.store.writeAtomically(auditInsertQueries(options.store.db, rows));
        head = { seq, hash: prevHash };
        return rows;
      } catch (error) {
        head = undefined;
        if (!isEhrgateError(error, 'ERR_STORE_CONSTRAINT') || attempt >= maxAttempts) throw error;
      }
    }
  }

  async function drain(): Promise<void> {
    while (urgent > 0) {
      const batch = queue.splice(0, batchMax);
      for (const pending of batch) if (!pending.held) urgent--;
      try {
        const rows = await writeBatch(batch);
        lastCommitEnded = performance.now();
        for (const [i, pending] of batch.entries()) pending.resolve(rows[i] as AuditRecordRow);
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  }

  function startDraining(): void {
    if (draining !== undefined) return;
    clearTimeout(holdTimer);
    holdTimer = undefined;
    // Idle, a batch starts on a microtask: the appends of this tick share it, and a lone answer
    // waits for nothing but its own commit. Busy (a commit ended moments ago), it starts once the
    // event loop has run every callback that was ready (setImmediate): each EHR response arrives
    // in a callback of its own, and the answers of all that came in together then share one
    // transaction and one fsync instead of one each. PostgreSQL's commit_delay, which waits only
    // when commit_siblings transactions are open, makes the same choice.
    const busy = performance.now() - lastCommitEnded < busyWindowMs;
    draining = (busy ? new Promise<void>((resolve) => setImmediate(resolve)) : Promise.resolve())
      .then(drain)
      .finally(() => {
        draining = undefined;
        if (urgent > 0) startDraining();
        else if (queue.length > 0) holdTimer ??= setTimeout(releaseHeld, AUDIT_HOLD_MS);
      });
  }

  function releaseHeld(): void {
    holdTimer = undefined;
    for (const pending of queue) {
      if (pending.held) {
        pending.held = false;
        urgent++;
      }
    }
    startDraining();
  }

  return {
    append(entry, appendOptions = {}) {
      return new Promise<AuditRecordRow>((resolve, reject) => {
        const held = appendOptions.hold === true;
        queue.push({ record: toUnchainedRecord(entry, now()), held, resolve, reject });
        if (!held) {
          urgent++;
          startDraining();
        } else if (draining === undefined) {
          holdTimer ??= setTimeout(releaseHeld, AUDIT_HOLD_MS);
        }
      });
    },
    async flush() {
      if (queue.length > 0) releaseHeld();
      while (draining !== undefined) await draining;
    },
  };
}
