// Security events (issue 6, "Bad input"): a bad or missing credential, a bad, stale or replayed
// signature, a call id that belongs to another tenant. Each becomes an audit record, and a call
// event when the call is known to the tenant, with no PHI: the channel, a reason code and
// non-identifying facts only, never a body, a header value or a caller's words.
//
// The records go through the compliance module's appender, the one writer of the hash chain
// (compliance/audit/audit-appender.ts); `record()` resolves once the record is durable.
import { type AuditAppender, createAuditAppender } from '../../compliance/audit/audit-appender.ts';
import { appendCallEvent, type Store } from '../../store/index.ts';
import type { ChannelName } from '../../tools/contract.ts';
import { sealJson } from '../../workflows/lib/sealed-json.ts';

export const SECURITY_EVENT_KINDS = [
  'missing_credential',
  'invalid_credential',
  'bad_signature',
  'stale_signature',
  'replayed_request',
  'call_belongs_to_another_tenant',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export { auditRecordHash, GENESIS_HASH } from '../../compliance/audit/canonical-record.ts';
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
  /** The process's audit appender; one of its own on `store` when absent. */
  appender?: AuditAppender;
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
  const appender = options.appender ?? createAuditAppender({ store: options.store, now });

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
        await appender.append({
          tenantId: event.tenantId ?? null,
          at,
          actor: `channel:${event.channel}`,
          action: `security.${event.kind}`,
          callId: event.callId ?? null,
          detail,
        });
        if (event.tenantId !== undefined && event.callId !== undefined) {
          const sealed = sealJson(detail);
          await appendCallEvent(options.store.db, {
            tenantId: event.tenantId,
            callId: event.callId,
            type: `security.${event.kind}`,
            dataEnc: sealed.enc,
            keyId: sealed.keyId,
            now: at,
          });
        }
      } catch (error) {
        options.onError?.(error, event);
      }
    },
  };
}
