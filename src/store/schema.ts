// Table types for Kysely. Conventions shared by every table (DESIGN.md section 7):
// - every row carries `tenant_id`, and every query filters on it, so one tenant's data is never
//   reachable from another tenant's request (DESIGN.md section 9);
// - times are epoch milliseconds (`EpochMs`) in BIGINT columns: a number on both dialects
//   (PostgreSQL int8 is parsed to a number by open-store.ts), compared and sorted numerically;
// - JSON is stored as TEXT, and PHI is stored only in `*_enc` TEXT columns beside a `key_id`
//   naming the key that encrypted the row (AES-256-GCM, a later issue), so nothing with PHI is
//   indexed or compared in SQL;
// - ids are text (UUIDs made by the gateway), so no dialect-specific auto-increment is needed.
import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Milliseconds since the Unix epoch, UTC. */
export type EpochMs = number;

/** A column the database fills on insert when the caller leaves it out. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export type CallStatus = 'open' | 'ended';

export interface CallsTable {
  id: string;
  tenant_id: string;
  /** The voice platform: 'vapi', 'retell', 'mcp', 'http', 'openai', 'sim'. */
  channel: string;
  /** The platform's own call id, unique per tenant and channel; null when the platform has none. */
  external_id: string | null;
  status: Defaulted<CallStatus>;
  started_at: EpochMs;
  ended_at: EpochMs | null;
  /** Number of call_events rows; the next event takes seq = event_count + 1. */
  event_count: Defaulted<number>;
  /** The caller's phone number and similar, JSON, encrypted. */
  caller_enc: string | null;
  key_id: string | null;
}

export interface CallEventsTable {
  tenant_id: string;
  call_id: string;
  /** 1, 2, 3, ... within one call: the order events happened. */
  seq: number;
  /** 'tool.call', 'tool.result', 'transfer', ...: no PHI. */
  type: string;
  at: EpochMs;
  data_enc: string | null;
  key_id: string | null;
}

/**
 * Outbox states. A claimed row whose worker vanished becomes due again when its lease ends
 * (`next_attempt_at` holds the lease end while claimed), so a `kill -9` loses nothing (P2).
 * `failed` is final: the caller has handed the intent to the staff work queue.
 */
export type OutboxStatus = 'pending' | 'claimed' | 'done' | 'failed';

export interface OutboxTable {
  id: string;
  tenant_id: string;
  call_id: string | null;
  /** The EHR operation: 'appointment.book', 'appointment.cancel', 'coverage.create', ... */
  kind: string;
  /** The tool call's idempotency key; also written to the EHR resource's identifier (P3). */
  idempotency_key: string;
  /** The intent (everything needed to redo or finish the write by hand), JSON, encrypted. */
  payload_enc: string;
  key_id: string | null;
  status: Defaulted<OutboxStatus>;
  attempts: Defaulted<number>;
  /** When the row is next due: retry time while pending, lease end while claimed. */
  next_attempt_at: EpochMs;
  claimed_by: string | null;
  claimed_at: EpochMs | null;
  /** The last failure as an error code and HTTP status, never PHI. */
  last_error: string | null;
  /** The EHR's id for what was written, e.g. 'Appointment/123', once verified. */
  ehr_ref: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export type WorkItemStatus = 'open' | 'claimed' | 'resolved';

export interface WorkItemsTable {
  id: string;
  tenant_id: string;
  call_id: string | null;
  outbox_id: string | null;
  /** What staff must do: 'appointment.book', 'coverage.enter', 'callback', ... */
  kind: string;
  /** The staff queue from the tenant's routing configuration, e.g. 'scheduling', 'billing'. */
  queue: string;
  /** Why it is here, as a code ('ehr_unavailable', 'no_api', 'readback_mismatch'); no PHI. */
  reason: string;
  /** Everything needed to finish by hand (P2), JSON, encrypted. */
  details_enc: string;
  key_id: string | null;
  status: Defaulted<WorkItemStatus>;
  claimed_by: string | null;
  claimed_at: EpochMs | null;
  resolved_by: string | null;
  resolved_at: EpochMs | null;
  /** How it ended, as a code: 'done', 'not_needed', 'unreachable', ... */
  resolution: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export type IdempotencyStatus = 'pending' | 'completed';

export interface IdempotencyTable {
  tenant_id: string;
  key: string;
  tool: string;
  /** A digest of the request, so a key reused for a different request can be refused. */
  request_hash: string;
  status: Defaulted<IdempotencyStatus>;
  /** The first outcome (confirmed / failed / queued) exactly as returned, JSON, encrypted. */
  outcome_enc: string | null;
  key_id: string | null;
  created_at: EpochMs;
  completed_at: EpochMs | null;
}

export interface AuditLogTable {
  /** Position in the one deployment-wide hash chain: 1, 2, 3, ... with no gaps. */
  seq: number;
  /** Null for deployment-level events (start-up, key rotation). */
  tenant_id: string | null;
  at: EpochMs;
  /** Who acted: 'gateway', 'worker:<id>', 'staff:<id>', 'cli'. */
  actor: string;
  /** 'ehr.read', 'ehr.write', 'phi.flow', 'phi.reidentify', ... */
  action: string;
  call_id: string | null;
  /** What was acted on: 'Appointment/123', a subprocessor name; no PHI. */
  target: string | null;
  detail_enc: string | null;
  key_id: string | null;
  prev_hash: string;
  hash: string;
}

/** Tokens of the PHI firewall for calls that span processes (migrations/003-phi-vault.ts). */
export interface PhiVaultTable {
  tenant_id: string;
  /** The platform's call id. */
  call_ref: string;
  token: string;
  value_enc: string;
  key_id: string | null;
  created_at: EpochMs;
}

/** Kysely's migration table, renamed (see migrate.ts). */
export interface SchemaMigrationsTable {
  name: string;
  /** ISO 8601, written by Kysely's Migrator. */
  timestamp: string;
}

export interface Database {
  calls: CallsTable;
  call_events: CallEventsTable;
  outbox: OutboxTable;
  work_items: WorkItemsTable;
  idempotency: IdempotencyTable;
  audit_log: AuditLogTable;
  phi_vault: PhiVaultTable;
  schema_migrations: SchemaMigrationsTable;
}

export type CallRow = Selectable<CallsTable>;
export type CallEventRow = Selectable<CallEventsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type WorkItemRow = Selectable<WorkItemsTable>;
export type IdempotencyRow = Selectable<IdempotencyTable>;
export type AuditRecordRow = Selectable<AuditLogTable>;
export type NewAuditRecord = Insertable<AuditLogTable>;
