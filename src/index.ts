// The package's public surface (STYLE.md rule 15): what an integrator embedding ehrgate needs,
// and nothing of the sandbox, the CLI or test support (test/architecture.test.ts checks that).
export {
  createTenantAuth,
  generateKey,
  publicJwks,
  requiredScopes,
  rotateKeys,
  type TokenManager,
  type TokenManagerState,
  workflowReadiness,
} from './auth/index.ts';
export { type EhrgateConfig, loadConfig, type TenantConfig } from './config/index.ts';
export { EhrgateError, type ErrorCode, isEhrgateError } from './errors.ts';
export {
  type AccessTokenProvider,
  createFhirClient,
  type FhirClient,
  FhirError,
  isAmbiguousWriteFailure,
} from './fhir/index.ts';
export { type RunningGateway, type StartGatewayOptions, startGateway } from './server/start-gateway.ts';
export { openStore, type Store, type StoreOptions } from './store/index.ts';
