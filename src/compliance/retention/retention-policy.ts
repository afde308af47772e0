// How long each tenant keeps what (issue 7 item 5; `retention` in the tenant configuration).
// Transcripts: the calls, their events (tool calls and results, identity attempts), the outbox
// rows, work items and idempotency outcomes a call left behind, all of which may hold what the
// caller said. Audit: the hash-chained audit records, kept six years by default because HIPAA
// asks that long for documentation of security activity (45 CFR 164.316(b)(2)(i)).
import type { TenantConfig } from '../../config/types.ts';

export const DEFAULT_TRANSCRIPTS_DAYS = 30;
export const DEFAULT_AUDIT_DAYS = 2_190;
export const DAY_MS = 86_400_000;

/** What purging needs of a tenant's configuration. */
export type RetentionTenant = Pick<TenantConfig, 'id'> & {
  readonly retention?:
    | { readonly transcriptsDays?: number | undefined; readonly auditDays?: number | undefined }
    | undefined;
};

export type RetentionCutoffs = {
  /** Call data whose last activity is before this instant (epoch ms) is past retention. */
  readonly transcriptsBefore: number;
  /** Audit records written before this instant are past retention. */
  readonly auditBefore: number;
};

export function retentionCutoffs(tenant: RetentionTenant, now: number): RetentionCutoffs {
  const transcriptsDays = tenant.retention?.transcriptsDays ?? DEFAULT_TRANSCRIPTS_DAYS;
  const auditDays = tenant.retention?.auditDays ?? DEFAULT_AUDIT_DAYS;
  return { transcriptsBefore: now - transcriptsDays * DAY_MS, auditBefore: now - auditDays * DAY_MS };
}
