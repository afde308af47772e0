// Public surface of the SMART Backend Services client (STYLE.md rule 15): named re-exports only.
export {
  ASSERTION_ALGS,
  type AssertionAlg,
  CLIENT_ASSERTION_TYPE,
  type ClientAssertionOptions,
  clientSecretBasicAuthorization,
  createClientAssertion,
  DEFAULT_ASSERTION_LIFETIME_MS,
  MAX_ASSERTION_LIFETIME_MS,
  type SigningKey,
} from './client-assertion.ts';
export {
  type ClientAuthMethod,
  createTenantAuth,
  type TenantAuth,
  type TenantAuthConfig,
  type TenantAuthOptions,
} from './create-tenant-auth.ts';
export {
  checkServerSupport,
  createSmartDiscovery,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  type DiscoverOptions,
  discoverSmartConfiguration,
  type ServerSupportProblem,
  type SmartConfiguration,
  type SmartDiscovery,
  smartConfigurationUrl,
} from './discovery.ts';
export { AuthError, type AuthErrorCode, type AuthErrorDetails, isAuthError } from './errors.ts';
export { type PublicJwkSet, publicJwks } from './jwks.ts';
export {
  type GeneratedKey,
  type GenerateKeyOptions,
  generateKey,
  generateKeyWithMetadata,
  KEY_DIR_MODE,
  KEY_FILE_MODE,
  type KeyAlg,
  type KeyMetadata,
  type KeyRecord,
  type KeyStore,
  listKeys,
  openKeyStore,
  type PublicJwk,
} from './key-store.ts';
export type { FetchLike } from './lib/http.ts';
export {
  type ClientCredentials,
  DEFAULT_TOKEN_REQUEST_TIMEOUT_MS,
  requestToken,
  type TokenRequestOptions,
  type TokenResponse,
} from './request-token.ts';
export {
  DEFAULT_ROTATION_OVERLAP_MS,
  RETIRE_MARGIN_MS,
  type RotateKeysOptions,
  type RotationResult,
  rotateKeys,
} from './rotate-keys.ts';
export {
  type Coverage,
  convertScopes,
  coverage,
  detectScopeStyleMismatch,
  formatScopes,
  INTERACTIONS,
  type Interaction,
  missingScopes,
  type ParsedScopes,
  parseScope,
  parseScopes,
  type ResourceScope,
  requiredScopes,
  SCOPE_MATRIX,
  type ScopeContext,
  type ScopeGap,
  type ScopeMatrix,
  type ScopeStyle,
  type ScopeStyleMismatch,
  scopeCoverage,
  scopeStyleOf,
  V1_PERMISSIONS,
  WORKFLOWS,
  type Workflow,
  type WorkflowReadiness,
  workflowReadiness,
} from './scopes.ts';
export {
  type AccessTokenProvider,
  createTokenManager,
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_RENEW_AT_FRACTION,
  DEFAULT_RENEW_LEAD_MS,
  type GetAccessTokenOptions,
  type TokenErrorSummary,
  type TokenManager,
  type TokenManagerEvent,
  type TokenManagerOptions,
  type TokenManagerState,
} from './token-manager.ts';
