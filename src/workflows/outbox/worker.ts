// The outbox worker (issue 5 item 5, DESIGN.md P2 and section 7). Every gateway process runs
// one. It claims due rows (store/outbox.ts claimDueOutbox: FOR UPDATE SKIP LOCKED on PostgreSQL,
// one write transaction on SQLite, so any number of processes share the queue and a row is
// worked by one of them at a time), runs the handler registered for the row's kind
// (job.ts), and settles the row:
//
//   done       -> the row is closed; an open work item made for it at call end is resolved
//                 (`written_by_gateway`), so staff never redo what the gateway wrote;
//   retry      -> due again after exponential backoff with jitter (or the EHR's Retry-After),
//                 until the budget (attempts, and age since the row was first captured) is spent;
//                 then a work item, and the row is closed;
//   give_up    -> a work item from the handler's draft, the row closed;
//   no handler, an unreadable payload or a handler that throws -> a work item: unknown errors
//                 are never retried (STYLE.md rule 9), and nothing is lost (P2).
//
// A row whose work item staff have claimed or resolved is closed without running: once a person
// has taken it over, the gateway no longer writes it (flush-call.ts).
//
// A claim is a lease (DEFAULT_OUTBOX_LEASE_MS): a worker that dies (kill -9) leaves its rows
// claimed, and they are due again when the lease ends. The handler's deadline is shorter than
// the lease, so a live worker never has its row taken from under it.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { EhrgateError, isEhrgateError } from '../../errors.ts';
import {
  claimDueOutbox,
  DEFAULT_OUTBOX_LEASE_MS,
  markOutboxDone,
  markOutboxFailed,
  type OutboxRow,
  resolveWorkItem,
  type Store,
  workItemsOfOutbox,
} from '../../store/index.ts';
import { openJson } from '../lib/sealed-json.ts';
import type { OutboxHandlers, OutboxJob, OutboxJobResult, WorkItemDraft } from './job.ts';
import { createWorkItemFromDraft, DEFAULT_STAFF_QUEUE, genericDraft } from './work-item-draft.ts';

/** Pause between polls when the last one found nothing to do. */
export const DEFAULT_OUTBOX_POLL_INTERVAL_MS = 1_000;
/** Rows claimed per poll; they run concurrently. */
export const DEFAULT_OUTBOX_BATCH_SIZE = 8;
/** Claims of one row (the inline attempt included) before it goes to staff. */
export const DEFAULT_OUTBOX_MAX_ATTEMPTS = 20;
/** Age of a row (since the caller gave the data) after which retries stop and staff take over. */
export const DEFAULT_OUTBOX_RETRY_BUDGET_MS = 30 * 60_000;
/** First retry delay; doubles each attempt, up to the maximum, then jittered (50-100%). */
export const DEFAULT_OUTBOX_BACKOFF_BASE_MS = 2_000;
export const DEFAULT_OUTBOX_BACKOFF_MAX_MS = 5 * 60_000;
/** A handler's deadline; shorter than the claim lease so the row is never taken from a live worker. */
export const DEFAULT_OUTBOX_JOB_TIMEOUT_MS = 30_000;

/** Resolution recorded on a work item the gateway made moot by writing the data itself. */
export const WRITTEN_BY_GATEWAY = 'written_by_gateway';
/** last_error of a row closed because staff took its work item over. */
export const HANDED_TO_STAFF = 'handed_to_staff';
/** How long a row sealed under a data key this process lacks waits before it is tried again. */
export const MISSING_KEY_RETRY_MS = 60_000;

export type OutboxWorkerOptions = {
  readonly store: Store;
  readonly handlers: OutboxHandlers;
  /** Names this process as claimant; default `worker:<uuid>`. */
  readonly workerId?: string;
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly jobTimeoutMs?: number;
  readonly maxAttempts?: number;
  readonly retryBudgetMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** The staff queue of a work item the handler did not describe; default DEFAULT_STAFF_QUEUE. */
  readonly queueFor?: (tenantId: string, kind: string) => string;
  /** Epoch ms; injectable so tests move time instead of waiting. */
  readonly now?: () => number;
  /** [0, 1) for the jitter. */
  readonly random?: () => number;
  /** Row ids and codes only: payloads are PHI. */
  readonly logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
};

/** How one claimed row ended, for tests, metrics and logs (no PHI). */
export type SettledJob = {
  readonly outboxId: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly attempt: number;
  readonly result: 'done' | 'retry' | 'work_item' | 'handed_to_staff' | 'lease_lost';
  readonly workItemId?: string;
  readonly retryAt?: number;
  readonly error?: string;
};

export interface OutboxWorker {
  readonly workerId: string;
  /** Starts polling; idempotent. */
  start(): void;
  /** Stops polling and waits for the rows in hand to settle. */
  stop(): Promise<void>;
  /** One poll: claims due rows, runs and settles them. */
  runOnce(): Promise<readonly SettledJob[]>;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1) {
    throw new EhrgateError('ERR_CONFIG_INVALID', `createOutboxWorker: ${name} must be a positive integer`);
  }
  return chosen;
}

/** Delay before the next attempt after `attempt` failures: exponential, capped, 50-100% jitter. */
export function backoffDelayMs(
  attempt: number,
  options: { baseMs: number; maxMs: number; random: () => number; retryAfterMs?: number },
): number {
  if (options.retryAfterMs !== undefined && options.retryAfterMs >= 0) {
    return Math.min(options.retryAfterMs, options.maxMs);
  }
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (options.random() * exponential) / 2);
}

function errorLabel(error: unknown): string {
  if (error instanceof EhrgateError) return error.code;
  return error instanceof Error ? error.name : 'unknown';
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, handlers } = options;
  const workerId = options.workerId ?? `worker:${randomUUID()}`;
  const pollIntervalMs = positiveInt(
    'pollIntervalMs',
    options.pollIntervalMs,
    DEFAULT_OUTBOX_POLL_INTERVAL_MS,
  );
  const batchSize = positiveInt('batchSize', options.batchSize, DEFAULT_OUTBOX_BATCH_SIZE);
  const leaseMs = positiveInt('leaseMs', options.leaseMs, DEFAULT_OUTBOX_LEASE_MS);
  const jobTimeoutMs = positiveInt('jobTimeoutMs', options.jobTimeoutMs, DEFAULT_OUTBOX_JOB_TIMEOUT_MS);
  if (jobTimeoutMs >= leaseMs) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      'createOutboxWorker: jobTimeoutMs must be shorter than leaseMs',
    );
  }
  const maxAttempts = positiveInt('maxAttempts', options.maxAttempts, DEFAULT_OUTBOX_MAX_ATTEMPTS);
  const retryBudgetMs = positiveInt('retryBudgetMs', options.retryBudgetMs, DEFAULT_OUTBOX_RETRY_BUDGET_MS);
  const backoff = {
    baseMs: positiveInt('backoffBaseMs', options.backoffBaseMs, DEFAULT_OUTBOX_BACKOFF_BASE_MS),
    maxMs: positiveInt('backoffMaxMs', options.backoffMaxMs, DEFAULT_OUTBOX_BACKOFF_MAX_MS),
    random: options.random ?? Math.random,
  };
  const now = options.now ?? Date.now;
  const queueFor = options.queueFor ?? (() => DEFAULT_STAFF_QUEUE);
  const log = options.logger;
  const stopping = new AbortController();

  async function handOver(
    row: OutboxRow,
    draft: WorkItemDraft,
    reasonCode: string,
    lastError: string | undefined,
  ): Promise<SettledJob> {
    const at = now();
    const item = await store.withTransaction(async (tx) => {
      const closed = await markOutboxFailed(tx, {
        id: row.id,
        workerId,
        error: lastError ?? reasonCode,
        retryAt: null,
        now: at,
      });
      if (!closed) return undefined;
      // An item made at call end said "the gateway is still retrying": superseded by this one.
      for (const earlier of await workItemsOfOutbox(tx, row.tenant_id, row.id)) {
        if (earlier.status !== 'open') continue;
        await resolveWorkItem(tx, {
          tenantId: row.tenant_id,
          id: earlier.id,
          staffId: 'gateway',
          resolution: 'superseded',
          now: at,
        });
      }
      return createWorkItemFromDraft(tx, row, draft, {
        reasonCode,
        now: at,
        ...(lastError === undefined ? {} : { lastError }),
      });
    });
    const base = { outboxId: row.id, tenantId: row.tenant_id, kind: row.kind, attempt: row.attempts };
    if (item === undefined) return { ...base, result: 'lease_lost' };
    log?.warn(
      { outboxId: row.id, kind: row.kind, reason: reasonCode, workItemId: item.id },
      'outbox row handed to staff',
    );
    return {
      ...base,
      result: 'work_item',
      workItemId: item.id,
      ...(lastError === undefined ? {} : { error: lastError }),
    };
  }

  async function release(row: OutboxRow): Promise<SettledJob> {
    const at = now();
    await markOutboxFailed(store.db, { id: row.id, workerId, error: 'worker_stopped', retryAt: at, now: at });
    return {
      outboxId: row.id,
      tenantId: row.tenant_id,
      kind: row.kind,
      attempt: row.attempts,
      result: 'retry',
      retryAt: at,
    };
  }

  async function settle(row: OutboxRow): Promise<SettledJob> {
    const base = { outboxId: row.id, tenantId: row.tenant_id, kind: row.kind, attempt: row.attempts };
    const queue = queueFor(row.tenant_id, row.kind);
    const items = await workItemsOfOutbox(store.db, row.tenant_id, row.id);
    if (items.some((item) => item.status !== 'open')) {
      await markOutboxFailed(store.db, {
        id: row.id,
        workerId,
        error: HANDED_TO_STAFF,
        retryAt: null,
        now: now(),
      });
      return { ...base, result: 'handed_to_staff' };
    }

    let payload: unknown;
    try {
      payload = openJson<unknown>(row.payload_enc, row.key_id);
    } catch (error) {
      // A key this process lacks (a gateway started without an old data key) is a deployment
      // fault, not a bad row: the row waits for a process that holds the key.
      if (isEhrgateError(error, 'ERR_DATA_KEY_UNKNOWN')) {
        await markOutboxFailed(store.db, {
          id: row.id,
          workerId,
          error: 'data key unknown to this process',
          retryAt: now() + MISSING_KEY_RETRY_MS,
          now: now(),
        });
        return { ...base, result: 'retry', retryAt: now() + MISSING_KEY_RETRY_MS };
      }
      const draft = genericDraft(row, { unreadable: true }, 'the captured data could not be read', queue);
      return handOver(row, draft, 'error', errorLabel(error));
    }
    const handler = handlers.get(row.kind);
    if (handler === undefined) {
      const draft = genericDraft(row, payload, 'this gateway has no automatic writer for it', queue);
      return handOver(row, draft, 'no_handler', undefined);
    }

    const job: OutboxJob = {
      outboxId: row.id,
      tenantId: row.tenant_id,
      kind: row.kind,
      idempotencyKey: row.idempotency_key,
      callId: row.call_id,
      payload,
      attempt: row.attempts,
    };
    let result: OutboxJobResult;
    try {
      const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(jobTimeoutMs)]);
      result = await handler(job, { signal });
    } catch (error) {
      if (stopping.signal.aborted) return release(row);
      const draft = genericDraft(row, payload, 'an unexpected error stopped the gateway', queue);
      return handOver(row, draft, 'error', errorLabel(error));
    }

    if (result.status === 'done') {
      const at = now();
      const closed = await store.withTransaction(async (tx) => {
        const marked = await markOutboxDone(tx, {
          id: row.id,
          workerId,
          ehrRef: result.ehrRef ?? null,
          now: at,
        });
        if (!marked) return false;
        for (const item of await workItemsOfOutbox(tx, row.tenant_id, row.id)) {
          if (item.status !== 'open') continue;
          await resolveWorkItem(tx, {
            tenantId: row.tenant_id,
            id: item.id,
            staffId: 'gateway',
            resolution: WRITTEN_BY_GATEWAY,
            now: at,
          });
        }
        return true;
      });
      return { ...base, result: closed ? 'done' : 'lease_lost' };
    }
    // Stopped mid-write: not the EHR's verdict. The row is due again at once, for any worker.
    if (stopping.signal.aborted && result.status === 'retry') return release(row);
    if (result.status === 'give_up') {
      return handOver(row, result.workItem, result.workItem.reasonCode ?? 'not_writable', result.error);
    }
    const at = now();
    if (row.attempts >= maxAttempts || at - row.created_at >= retryBudgetMs) {
      const draft =
        result.workItem ??
        genericDraft(row, payload, 'the EHR did not accept it within the retry budget', queue);
      return handOver(row, draft, 'ehr_unavailable', result.error);
    }
    const retryAt =
      at +
      backoffDelayMs(row.attempts, {
        ...backoff,
        ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
      });
    const marked = await markOutboxFailed(store.db, {
      id: row.id,
      workerId,
      error: result.error,
      retryAt,
      now: at,
    });
    return { ...base, result: marked ? 'retry' : 'lease_lost', retryAt, error: result.error };
  }

  async function runOnce(): Promise<readonly SettledJob[]> {
    const rows = await claimDueOutbox(store, { limit: batchSize, workerId, now: now(), leaseMs });
    return Promise.all(
      rows.map(async (row) => {
        try {
          return await settle(row);
        } catch (error) {
          // The store failed while settling: the claim's lease makes the row due again later.
          log?.error({ outboxId: row.id, err: { code: errorLabel(error) } }, 'outbox row not settled');
          return {
            outboxId: row.id,
            tenantId: row.tenant_id,
            kind: row.kind,
            attempt: row.attempts,
            result: 'lease_lost',
            error: errorLabel(error),
          } satisfies SettledJob;
        }
      }),
    );
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;

  const tick = () => {
    timer = undefined;
    running = (async () => {
      let settled: readonly SettledJob[] = [];
      try {
        settled = await runOnce();
      } catch (error) {
        log?.error({ err: { code: errorLabel(error) } }, 'outbox poll failed');
      }
      if (!started) return;
      // A full batch means more may be due: poll again at once.
      timer = setTimeout(tick, settled.length >= batchSize ? 0 : pollIntervalMs);
    })();
  };

  return {
    workerId,
    start() {
      if (started || stopping.signal.aborted) return;
      started = true;
      timer = setTimeout(tick, 0);
    },
    async stop() {
      started = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      stopping.abort();
      await running;
    },
    runOnce,
  };
}
