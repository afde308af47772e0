export type { PurgeExpiredOptions, PurgeReport, PurgeTable, TenantPurge } from './purge-expired.ts';
export {
  DEFAULT_PURGE_ACTOR,
  DEFAULT_PURGE_MAX_ATTEMPTS,
  PURGE_TABLES,
  purgeExpired,
} from './purge-expired.ts';
export type { RetentionJob, RetentionJobOptions } from './retention-job.ts';
export {
  DEFAULT_RETENTION_FIRST_RUN_DELAY_MS,
  DEFAULT_RETENTION_INTERVAL_MS,
  startRetentionJob,
} from './retention-job.ts';
export type { RetentionCutoffs, RetentionTenant } from './retention-policy.ts';
export {
  DEFAULT_AUDIT_DAYS,
  DEFAULT_TRANSCRIPTS_DAYS,
  retentionCutoffs,
} from './retention-policy.ts';
