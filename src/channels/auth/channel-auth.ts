// What every channel calls before any work: authenticate the request to one tenant, apply the
// tenant's rate limit, and record a security event when the request is refused. Channels map
// the result onto their own error shape (HTTP 401/429, Vapi's 200 with `error`, MCP's JSON-RPC).

import type { AuditAppender } from '../../compliance/audit/audit-appender.ts';
import type { TenantConfig } from '../../config/index.ts';
import type { Store } from '../../store/index.ts';
import type { ChannelName } from '../../tools/contract.ts';
import { buildCredentialIndex, type CredentialIndex, type TenantSecret } from './credential-index.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import { createReplayGuard, DEFAULT_SIGNATURE_WINDOW_MS, type ReplayGuard } from './replay-guard.ts';
import { type AuthRequest, type AuthResult, resolveTenant } from './resolve-tenant.ts';
import {
  createSecurityEventRecorder,
  type SecurityEvent,
  type SecurityEventKind,
  type SecurityEventRecorder,
} from './security-events.ts';

export type ChannelAuthOptions = {
  tenants: readonly TenantConfig[];
  store: Store;
  /** The built-in configuration's development key and the tenant it opens (dev-key.ts). */
  devKey?: TenantSecret;
  signatureWindowMs?: number;
  now?: () => number;
  /** Told when a security event could not be written (log it; never PHI). */
  onRecordError?: (error: unknown, event: SecurityEvent) => void;
  /** The process's one audit appender (compliance/audit); a private one on `store` when absent. */
  appender?: AuditAppender;
};

export interface ChannelAuth {
  readonly credentials: CredentialIndex;
  /** Authenticates, rate-limits, and records a security event for a refused credential. */
  authenticate(request: AuthRequest): Promise<AuthResult>;
  /** For refusals found after authentication, such as a call id owned by another tenant. */
  recordSecurityEvent(event: SecurityEvent): Promise<void>;
}

const RECORDED: ReadonlySet<string> = new Set<SecurityEventKind>([
  'missing_credential',
  'invalid_credential',
  'bad_signature',
  'stale_signature',
  'replayed_request',
]);

/** Throws ERR_CONFIG_INVALID when two tenants share a credential (credential-index.ts). */
export function createChannelAuth(options: ChannelAuthOptions): ChannelAuth {
  const now = options.now ?? Date.now;
  const credentials = buildCredentialIndex(options.tenants, { devKey: options.devKey });
  const replayGuard: ReplayGuard = createReplayGuard({
    windowMs: options.signatureWindowMs ?? DEFAULT_SIGNATURE_WINDOW_MS,
    now,
  });
  const limits = new Map(options.tenants.map((tenant) => [tenant.id, tenant.rateLimit]));
  const rateLimiter: RateLimiter = createRateLimiter({ limitFor: (id) => limits.get(id), now });
  const recorder: SecurityEventRecorder = createSecurityEventRecorder({
    store: options.store,
    now,
    onError: options.onRecordError,
    ...(options.appender ? { appender: options.appender } : {}),
  });

  return {
    credentials,
    async authenticate(request) {
      const result = resolveTenant({ credentials, replayGuard }, request);
      if (!result.ok) {
        if (RECORDED.has(result.code)) {
          await recorder.record({
            kind: result.code as SecurityEventKind,
            channel: request.channel,
            tenantId: result.tenantId,
          });
        }
        return result;
      }
      const decision = rateLimiter.take(result.tenantId);
      if (!decision.ok) {
        return {
          ok: false,
          code: 'rate_limited',
          message: `rate limit exceeded for this tenant; retry after ${Math.ceil(decision.retryAfterMs / 1000)} s`,
          status: 429,
          tenantId: result.tenantId,
          retryAfterMs: decision.retryAfterMs,
        };
      }
      return result;
    },
    recordSecurityEvent: (event) => recorder.record(event),
  };
}

/** The channels whose requests this module authenticates. */
export const AUTHENTICATED_CHANNELS: readonly ChannelName[] = ['http', 'openai', 'mcp', 'vapi', 'retell'];
