// End-to-end harness for SMART Backend Services: the gateway's own auth and FHIR client against
// the sandbox EHR's authorization server over real HTTP, with one injected clock shared by both
// sides so token lifetimes can be crossed without sleeping (STYLE.md rule 14).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenantAuth, generateKey, publicJwks, type TokenManager } from '../../src/auth/index.ts';
import { createFhirClient, type FhirClient } from '../../src/fhir/index.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';

export const T0_MS = Date.parse('2030-03-04T14:00:00.000Z');
export const R4_TOKEN_REQUESTS = 'POST /fhir/R4/auth/token';

export type FakeClock = { now(): number; advance(ms: number): void; set(ms: number): void };

export function fakeClock(start = T0_MS): FakeClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}

/** The wall clock, for harnesses shared with code that reads Date.now itself (start-up paths). */
export function realClock(): FakeClock {
  const refuse = () => {
    throw new Error('the real clock cannot be moved');
  };
  return { now: () => Date.now(), advance: refuse, set: refuse };
}

export type SmartHarness = {
  clock: FakeClock;
  sandbox: SandboxHandle;
  keysDir: string;
  close(): Promise<void>;
};

export async function startSmartHarness(clock = fakeClock()): Promise<SmartHarness> {
  const keysDir = await mkdtemp(join(tmpdir(), 'ehrgate-smart-'));
  const sandbox = await startSandbox({ referenceDate: new Date(clock.now()), auth: { now: clock.now } });
  return {
    clock,
    sandbox,
    keysDir,
    close: async () => {
      await sandbox.close();
      await rm(keysDir, { recursive: true, force: true });
    },
  };
}

export type ClientSetup = {
  clientId: string;
  alg?: 'RS384' | 'ES384';
  /** Scopes the "EHR team" registered for this client. */
  allowedScopes: string[];
  /** Scopes the gateway asks for. */
  requestScopes?: string[];
  scopeStyle?: 'v1' | 'v2' | 'both';
  /** Register a JWK Set URL instead of the public key itself (as Epic requires). */
  jwksUrl?: string;
  keysDir?: string;
};

export type ConnectedClient = { tokenManager: TokenManager; fhir: FhirClient };

export async function connectJwtClient(harness: SmartHarness, setup: ClientSetup): Promise<ConnectedClient> {
  const dir = setup.keysDir ?? join(harness.keysDir, setup.clientId);
  await generateKey({ dir, alg: setup.alg ?? 'ES384', now: harness.clock.now() });
  harness.sandbox.auth!.clients.register({
    clientId: setup.clientId,
    personality: 'r4',
    auth: setup.jwksUrl ? { jwksUrl: setup.jwksUrl } : { jwks: await publicJwks([dir], harness.clock.now()) },
    allowedScopes: setup.allowedScopes,
    scopeStyle: setup.scopeStyle ?? 'both',
  });
  const { tokenManager } = createTenantAuth({
    baseUrl: harness.sandbox.r4BaseUrl,
    auth: { method: 'private_key_jwt', clientId: setup.clientId, keysDir: dir, alg: setup.alg ?? 'ES384' },
    scopes: setup.requestScopes ?? setup.allowedScopes,
    now: harness.clock.now,
  });
  return { tokenManager, fhir: fhirClientFor(harness, tokenManager) };
}

export function fhirClientFor(harness: SmartHarness, tokenManager: TokenManager): FhirClient {
  return createFhirClient({
    baseUrl: harness.sandbox.r4BaseUrl,
    getAccessToken: (options) => tokenManager.getAccessToken(options),
  });
}

export function tokenRequests(harness: SmartHarness, path = R4_TOKEN_REQUESTS): number {
  return harness.sandbox.stats.snapshot().requests[path] ?? 0;
}

export function responsesWithStatus(harness: SmartHarness, status: number): number {
  return Object.entries(harness.sandbox.stats.snapshot().responses)
    .filter(([key]) => key.endsWith(` ${status}`))
    .reduce((sum, [, count]) => sum + count, 0);
}
