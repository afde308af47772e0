export type {
  AuthorizeContext,
  AuthorizeResult,
  AuthorizerOptions,
  EpicForbiddenBody,
  SandboxAuthorizer,
} from './authorize.ts';
export { createAuthorizer } from './authorize.ts';
export {
  ASSERTION_ALGORITHMS,
  CLIENT_ASSERTION_TYPE,
  DEFAULT_CLOCK_LEEWAY_SECONDS,
  MAX_ASSERTION_LIFETIME_SECONDS,
} from './client-assertion.ts';
export type { ClientRegistryOptions, SandboxClient, SandboxClientInput } from './clients.ts';
export {
  ClientRegistry,
  DEFAULT_JWKS_COOLDOWN_MS,
  DEFAULT_JWKS_TIMEOUT_MS,
  sandboxClientSchema,
} from './clients.ts';
export type { SandboxClock, SandboxClockOptions } from './clock.ts';
export { createSandboxClock } from './clock.ts';
export type { ControlRoutesOptions } from './control-routes.ts';
export { controlRoutesPlugin, DEFAULT_CONTROL_PREFIX } from './control-routes.ts';
export type { OAuthErrorCode, SandboxAuthErrorCode } from './errors.ts';
export { OAuthError, SandboxAuthError } from './errors.ts';
export { JtiReplayCache } from './jti-replay-cache.ts';
export type { Personality } from './personality.ts';
export { PERSONALITIES } from './personality.ts';
export type { SandboxAuth, SandboxAuthOptions } from './sandbox-auth.ts';
export { createSandboxAuth } from './sandbox-auth.ts';
export type { Interaction, Permission, ScopeStyle } from './scopes.ts';
export type { TokenEndpointOptions, TokenEndpointRoute } from './token-endpoint.ts';
export { DEFAULT_TOKEN_LIFETIME_SECONDS, tokenEndpointPlugin } from './token-endpoint.ts';
export type { AccessToken } from './tokens.ts';
export { TokenStore } from './tokens.ts';
