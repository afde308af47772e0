export {
  appendAuditRecord,
  appendAuditRecords,
  auditInsertQueries,
  DEFAULT_AUDIT_PAGE_SIZE,
  lastAuditRecord,
  readAuditRecords,
} from './audit-log.ts';
export type { NewCall, NewCallEvent } from './calls.ts';
export { appendCallEvent, appendCallEvents, endCall, getCall, listCallEvents, openCall } from './calls.ts';
export type { IdempotencyReservation } from './idempotency.ts';
export { getIdempotencyRecord, recordIdempotencyOutcome, reserveIdempotencyKey } from './idempotency.ts';
export type { StoreOptions } from './open-store.ts';
export { openStore } from './open-store.ts';
export type { ClaimOutboxOptions, NewOutboxEntry } from './outbox.ts';
export {
  claimDueOutbox,
  DEFAULT_OUTBOX_LEASE_MS,
  enqueueOutbox,
  getOutboxEntry,
  markOutboxDone,
  markOutboxFailed,
} from './outbox.ts';
export { abandonOutboxEntry, listOpenOutboxOfCall } from './outbox-call.ts';
export type { VaultEntry } from './phi-vault.ts';
export { deleteVaultEntries, loadVaultEntries, saveVaultEntries } from './phi-vault.ts';
export type {
  AuditRecordRow,
  CallEventRow,
  CallRow,
  CallStatus,
  Database,
  EpochMs,
  IdempotencyRow,
  IdempotencyStatus,
  NewAuditRecord,
  OutboxRow,
  OutboxStatus,
  WorkItemRow,
  WorkItemStatus,
} from './schema.ts';
export type { SqliteThreading } from './sqlite-host.ts';
export type { Store } from './store.ts';
export type { NewWorkItem } from './work-items.ts';
export {
  claimWorkItem,
  createWorkItem,
  DEFAULT_WORK_ITEM_PAGE_SIZE,
  listWorkItems,
  resolveWorkItem,
} from './work-items.ts';
export { getWorkItem, workItemsOfOutbox } from './work-items-lookup.ts';
