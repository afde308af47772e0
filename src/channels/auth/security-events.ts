// Security events (issue 6, "Bad input"): a bad or missing credential, a bad, stale or replayed
// signature, a call id that belongs to another tenant. Each becomes an audit record, and a call
// event when the call is known to the tenant, with no PHI: the channel, a reason code and
// non-identifying facts only, never a body, a header value or a caller's words.
//
// The hash chain (P8) is appended here until the compliance module owns it: hash =
// sha256(prev_hash + "\n" + canonical JSON of the record without its hash), genesis prev_hash
// is 64 zeros. Two writers racing for one seq: the store refuses the second (audit-log.ts), and
// it re-reads the head and tries again.
import { createHash } from 'node:crypto';
import { isEhrgateError } from '../../errors.ts';
import {
  type AuditRecordRow,
  appendAuditRecord,
  appendCallEvent,
  lastAuditRecord,
  type Store,
} from '../../store/index.ts';
import type { ChannelName } from '../../tools/contract.ts';

export const SECURITY_EVENT_KINDS = [
  'missing_credential',
  'invalid_credential',
  'bad_signature',
  'stale_signature',
  'replayed_request',
  'call_belongs_to_another_tenant',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export const GENESIS_HASH = '0'.repeat(64);
const MAX_APPEND_ATTEMPTS = 20;
// An unauthenticated flood must not grow the audit log without bound: at most this many records
// per second (burst twice that); the rest are counted into the next record's `suppressed`.
export const DEFAULT_SECURITY_EVENTS_PER_SECOND = 20;

export type SecurityEvent = {
  readonly kind: SecurityEventKind;
  readonly channel: ChannelName;
  /** The tenant the request authenticated as or claimed; undefined when no credential matched. */
  readonly tenantId?: string;
  /** The store's id of the tenant's call, when the request is tied to one. */
  readonly callId?: string;
  /** Non-PHI facts: method, route, the platform's call id. */
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
};

export interface SecurityEventRecorder {
  record(event: SecurityEvent): Promise<void>;
}

export type SecurityEventRecorderOptions = {
  store: Store;
  now?: () => number;
  perSecond?: number;
  /** Told about a record that could not be written (the request is refused all the same). */
  onError?: (error: unknown, event: SecurityEvent) => void;
};

export function createSecurityEventRecorder(options: SecurityEventRecorderOptions): SecurityEventRecorder {
  const now = options.now ?? Date.now;
  const perMs = (options.perSecond ?? DEFAULT_SECURITY_EVENTS_PER_SECOND) / 1000;
  const burst = 2 * (options.perSecond ?? DEFAULT_SECURITY_EVENTS_PER_SECOND);
  let tokens = burst;
  let updatedAt = now();
  let suppressed = 0;

  return {
    async record(event) {
      const at = now();
      tokens = Math.min(burst, tokens + Math.max(0, at - updatedAt) * perMs);
      updatedAt = at;
      if (tokens < 1) {
        suppressed += 1;
        return;
      }
      tokens -= 1;
      const detail = { channel: event.channel, ...event.detail, ...(suppressed > 0 ? { suppressed } : {}) };
      suppressed = 0;
      try {
        await appendChained(options.store, {
          tenant_id: event.tenantId ?? null,
          at,
          actor: `channel:${event.channel}`,
          action: `security.${event.kind}`,
          call_id: event.callId ?? null,
          target: null,
          detail_enc: JSON.stringify(detail),
          key_id: null,
        });
        if (event.tenantId !== undefined && event.callId !== undefined) {
          await appendCallEvent(options.store.db, {
            tenantId: event.tenantId,
            callId: event.callId,
            type: `security.${event.kind}`,
            dataEnc: JSON.stringify(detail),
            now: at,
          });
        }
      } catch (error) {
        options.onError?.(error, event);
      }
    },
  };
}

type UnchainedRecord = Omit<AuditRecordRow, 'seq' | 'prev_hash' | 'hash'>;

export function auditRecordHash(record: Omit<AuditRecordRow, 'hash'>): string {
  const canonical = JSON.stringify([
    record.seq,
    record.tenant_id,
    record.at,
    record.actor,
    record.action,
    record.call_id,
    record.target,
    record.detail_enc,
    record.key_id,
  ]);
  return createHash('sha256').update(`${record.prev_hash}\n${canonical}`).digest('hex');
}

async function appendChained(store: Store, record: UnchainedRecord): Promise<AuditRecordRow> {
  for (let attempt = 1; ; attempt++) {
    const head = await lastAuditRecord(store.db);
    const linked = { ...record, seq: Number(head?.seq ?? 0) + 1, prev_hash: head?.hash ?? GENESIS_HASH };
    try {
      return await appendAuditRecord(store.db, { ...linked, hash: auditRecordHash(linked) });
    } catch (error) {
      if (!isEhrgateError(error, 'ERR_STORE_CONSTRAINT') || attempt >= MAX_APPEND_ATTEMPTS) throw error;
    }
  }
}
