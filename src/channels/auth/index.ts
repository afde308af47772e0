export type { ChannelAuth, ChannelAuthOptions } from './channel-auth.ts';
export { createChannelAuth } from './channel-auth.ts';
export type { CredentialIndex, CredentialKind, TenantSecret } from './credential-index.ts';
export { buildCredentialIndex } from './credential-index.ts';
export type { DevKey } from './dev-key.ts';
export { DEV_KEY_ENV, resolveDevKey } from './dev-key.ts';
export type { RateDecision, RateLimit, RateLimiter } from './rate-limiter.ts';
export { createRateLimiter, DEFAULT_RATE_LIMIT_PER_SECOND } from './rate-limiter.ts';
export type { ReplayGuard, ReplayVerdict } from './replay-guard.ts';
export { createReplayGuard, DEFAULT_SIGNATURE_WINDOW_MS } from './replay-guard.ts';
export type {
  AuthFailure,
  AuthFailureCode,
  AuthMethod,
  AuthRequest,
  AuthResult,
  AuthSuccess,
} from './resolve-tenant.ts';
export { resolveTenant } from './resolve-tenant.ts';
export { RETELL_SIGNATURE_HEADER, signRetellRequest } from './retell-signature.ts';
export type { SecurityEvent, SecurityEventKind, SecurityEventRecorder } from './security-events.ts';
export { auditRecordHash, createSecurityEventRecorder, GENESIS_HASH } from './security-events.ts';
export { signVapiRequest, VAPI_SIGNATURE_HEADER } from './vapi-signature.ts';
