// What a caller hands the appender: one event in the shape of IHE Basic Audit Log Patterns
// (BALP, https://profiles.ihe.net/ITI/BALP/): who acted, what was done to which resource (and with
// which query), how it ended, and which patient it concerned. Only codes and resource references
// sit in clear columns; everything else (patient, query, facts) goes into the sealed detail, so
// no PHI value is ever readable from the table (schema.ts: PHI only in *_enc columns).
import type { AuditRecordRow } from '../../store/index.ts';
import { sealJson } from '../../workflows/lib/sealed-json.ts';

/** FHIR AuditEvent.outcome codes (R4 6.4.5.x, value set audit-event-outcome). */
export const AUDIT_OUTCOMES = {
  success: '0',
  minor_failure: '4',
  serious_failure: '8',
  major_failure: '12',
} as const;
export type AuditOutcome = keyof typeof AUDIT_OUTCOMES;

export type AuditEntry = {
  /** Null or absent for deployment-level events. */
  readonly tenantId?: string | null;
  /** Who acted: 'gateway', 'channel:vapi', 'worker:<id>', 'cli'. */
  readonly actor: string;
  /** What was done: 'ehr.read', 'ehr.search', 'ehr.write', 'tool.call', 'security.bad_signature'. */
  readonly action: string;
  readonly callId?: string | null;
  /** The resource acted on, 'Appointment/123' or a type for a search; never a PHI value. */
  readonly target?: string | null;
  readonly outcome?: AuditOutcome;
  /** 'Patient/abc': sealed, as a patient reference links the record to a person. */
  readonly patient?: string;
  /** The query of a search: sealed, as search parameters can carry names and birth dates. */
  readonly query?: string;
  /** Further facts; sealed. */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Epoch ms; the appender's clock when absent. */
  readonly at?: number;
};

/** The sealed part of a record, as export reads it back. */
export type AuditDetail = {
  readonly outcome?: AuditOutcome;
  readonly patient?: string;
  readonly query?: string;
  readonly [fact: string]: unknown;
};

export type UnchainedAuditRecord = Omit<AuditRecordRow, 'seq' | 'prev_hash' | 'hash'>;

export function toUnchainedRecord(entry: AuditEntry, now: number): UnchainedAuditRecord {
  const detail: Record<string, unknown> = { ...entry.detail };
  if (entry.outcome !== undefined) detail.outcome = entry.outcome;
  if (entry.patient !== undefined) detail.patient = entry.patient;
  if (entry.query !== undefined) detail.query = entry.query;
  const sealed = Object.keys(detail).length === 0 ? undefined : sealJson(detail);
  return {
    tenant_id: entry.tenantId ?? null,
    at: entry.at ?? now,
    actor: entry.actor,
    action: entry.action,
    call_id: entry.callId ?? null,
    target: entry.target ?? null,
    detail_enc: sealed?.enc ?? null,
    key_id: sealed?.keyId ?? null,
  };
}
