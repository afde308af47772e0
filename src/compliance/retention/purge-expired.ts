// Deletes what is past each tenant's retention and nothing else (issue 7 item 5). One
// transaction per tenant holds its deletions and the audit record that accounts for them
// ('retention.purge': counts per table, the cut-offs, and the bridges audit verify needs across
// the audit records it removed), so a crash leaves either both or neither. A dry run does the
// same work and rolls it back, so its counts are exactly what a real run would delete.
import { sql } from 'kysely';
import { EhrgateError, isEhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { purgeAuditRecords } from './lib/audit-records.ts';
import { purgeCallData } from './lib/call-data.ts';
import { appendPurgeRecord } from './lib/purge-record.ts';
import { type RetentionTenant, retentionCutoffs } from './retention-policy.ts';

export const PURGE_TABLES = [
  'calls',
  'call_events',
  'outbox',
  'work_items',
  'idempotency',
  'phi_vault',
  'audit_log',
] as const;
export type PurgeTable = (typeof PURGE_TABLES)[number];

/** Transactions tried for one tenant when another writer keeps taking the next audit seq. */
export const DEFAULT_PURGE_MAX_ATTEMPTS = 20;
export const DEFAULT_PURGE_ACTOR = 'retention';

// Purges on several gateways sharing one PostgreSQL database run one at a time: two purges
// widening the same run of missing audit seqs at once would each bridge only part of it.
// An arbitrary constant ("ehrg" in ASCII) naming the lock for pg_advisory_xact_lock.
const PURGE_LOCK_KEY = 0x6568_7267;

export type TenantPurge = {
  readonly tenantId: string;
  readonly transcriptsBefore: number;
  readonly auditBefore: number;
  readonly deleted: Readonly<Record<PurgeTable, number>>;
  /** The seq of the 'retention.purge' audit record; absent when nothing was deleted, and on a dry run. */
  readonly auditSeq?: number;
};

export type PurgeReport = {
  readonly dryRun: boolean;
  readonly at: number;
  readonly tenants: readonly TenantPurge[];
};

export type PurgeExpiredOptions = {
  store: Pick<Store, 'dialect' | 'withTransaction'>;
  tenants: readonly RetentionTenant[];
  /** The instant retention is measured from (epoch ms); default Date.now(). */
  now?: number;
  /** Count what would be deleted, delete nothing, append nothing. */
  dryRun?: boolean;
  /** Who the purge record names as acting: default 'retention' (the job), 'cli' from the command. */
  actor?: string;
  maxAttempts?: number;
};

class RollBack extends Error {
  readonly result: TenantPurge;
  constructor(result: TenantPurge) {
    super('dry run');
    this.result = result;
  }
}

export async function purgeExpired(options: PurgeExpiredOptions): Promise<PurgeReport> {
  const at = options.now ?? Date.now();
  const dryRun = options.dryRun ?? false;
  const maxAttempts = options.maxAttempts ?? DEFAULT_PURGE_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new EhrgateError('ERR_CONFIG_INVALID', 'purge: maxAttempts must be an integer >= 1');
  }
  const tenants: TenantPurge[] = [];
  for (const tenant of options.tenants) {
    tenants.push(await purgeTenant(options, tenant, at, dryRun, maxAttempts));
  }
  return { dryRun, at, tenants };
}

async function purgeTenant(
  options: PurgeExpiredOptions,
  tenant: RetentionTenant,
  at: number,
  dryRun: boolean,
  maxAttempts: number,
): Promise<TenantPurge> {
  const cutoffs = retentionCutoffs(tenant, at);
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.store.withTransaction(async (tx) => {
        if (options.store.dialect === 'postgres') {
          await sql`select pg_advisory_xact_lock(${PURGE_LOCK_KEY})`.execute(tx);
        }
        const callData = await purgeCallData(tx, tenant.id, cutoffs.transcriptsBefore);
        const audit = await purgeAuditRecords(tx, tenant.id, cutoffs.auditBefore);
        const counts: Record<PurgeTable, number> = { ...callData, audit_log: audit.deleted };
        const deleted = Object.fromEntries(PURGE_TABLES.map((t) => [t, counts[t]])) as typeof counts;
        const result: TenantPurge = { tenantId: tenant.id, ...cutoffs, deleted };
        if (dryRun) throw new RollBack(result);
        if (Object.values(deleted).every((n) => n === 0)) return result;
        const record = await appendPurgeRecord(tx, {
          tenantId: tenant.id,
          actor: options.actor ?? DEFAULT_PURGE_ACTOR,
          at,
          detail: {
            transcriptsBefore: new Date(cutoffs.transcriptsBefore).toISOString(),
            auditBefore: new Date(cutoffs.auditBefore).toISOString(),
            deleted,
            bridges: audit.bridges,
          },
        });
        return { ...result, auditSeq: Number(record.seq) };
      });
    } catch (error) {
      if (error instanceof RollBack) return error.result;
      // Another writer appended at the seq the purge record was to take; the whole purge is
      // redone from a fresh head (on PostgreSQL the failed insert aborted the transaction).
      if (!isEhrgateError(error, 'ERR_STORE_CONSTRAINT') || attempt >= maxAttempts) throw error;
    }
  }
}
