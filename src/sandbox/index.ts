// Public surface of the sandbox EHR for code outside src/sandbox (the CLI's `ehrgate sandbox`,
// end-to-end tests). Personalities and internals import the modules directly.

export type { ResetOptions } from './control-routes.ts';
export type { FaultKind, FaultMatch, FaultPhase, FaultRule } from './faults.ts';
export { FAULT_HEADER } from './faults.ts';
export { R4_PREFIX } from './personalities/r4.ts';
export type {
  AuthorizeContext,
  AuthorizeHook,
  AuthorizeInteraction,
  AuthorizeResult,
  FhirInteraction,
} from './personality.ts';
export type { SandboxErrorCode } from './sandbox-error.ts';
export { SandboxError } from './sandbox-error.ts';
export type { SeedOptions, SeedSummary } from './seed.ts';
export { DEFAULT_SEED, MRN_SYSTEM, NPI_SYSTEM, TIMEZONE_EXTENSION_URL, VISIT_TYPE_SYSTEM } from './seed.ts';
export type { SandboxContext, SandboxHandle, SandboxOptions } from './server.ts';
export { DEFAULT_SANDBOX_HOST, DEFAULT_SANDBOX_PORT, startSandbox } from './server.ts';
export type { StatsSnapshot } from './stats.ts';
