// Shared set-up for the adapter tests: the sandbox EHR in-process on 127.0.0.1:0 with a fixed
// clinic date, FHIR clients for its personalities, and a client registered with the sandbox
// authorization server for the tests that go through real SMART Backend Services auth.
import type { Slot } from '@medplum/fhirtypes';
import { createTenantAuth, type TokenManager } from '../../src/auth/index.ts';
import type { VisitType } from '../../src/ehr/index.ts';
import { createFhirClient, type FhirClient, type FhirRequestEvent } from '../../src/fhir/index.ts';
import { VISIT_TYPE_SYSTEM } from '../../src/sandbox/seed.ts';
import { type SandboxHandle, type SandboxOptions, startSandbox } from '../../src/sandbox/server.ts';

/** A Monday, 7:00 in Knoxville: the clinic's slots start later that morning. */
export const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
export const DAY_MS = 86_400_000;

export const FOLLOW_UP: VisitType = {
  id: 'follow-up',
  say: 'follow-up visit',
  minutes: 20,
  coding: { system: VISIT_TYPE_SYSTEM, code: 'follow-up' },
};

export const NEW_PATIENT: VisitType = {
  id: 'new-patient',
  say: 'new patient visit',
  minutes: 20,
  coding: { system: VISIT_TYPE_SYSTEM, code: 'new-patient' },
};

export function startEhrSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({ referenceDate: REFERENCE_DATE, auth: false, ...options });
}

export function clientFor(
  baseUrl: string,
  tokenManager?: TokenManager,
  onRequest?: (event: FhirRequestEvent) => void,
  fetchImpl?: typeof fetch,
): FhirClient {
  return createFhirClient({
    baseUrl,
    ...(tokenManager === undefined
      ? {}
      : { getAccessToken: (o: { forceRefresh: boolean }) => tokenManager.getAccessToken(o) }),
    ...(onRequest === undefined ? {} : { onRequest }),
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
}

/** Registers a client_secret_basic client with the sandbox and returns its token manager. */
export function secretClient(
  sandbox: SandboxHandle,
  personality: 'r4' | 'cerner' | 'epic',
  baseUrl: string,
  scopes: string[],
): TokenManager {
  const clientId = `ehr-adapter-test-${personality}`;
  const secret = `sandbox-secret-${personality}-for-this-test-only`;
  sandbox.auth?.clients.register({
    clientId,
    personality,
    auth: { secret },
    allowedScopes: scopes,
    scopeStyle: 'v2',
  });
  return createTenantAuth({
    baseUrl,
    auth: { method: 'client_secret_basic', clientId, clientSecret: secret },
    scopes,
  }).tokenManager;
}

/** Marks a Slot busy behind the adapter's back, as another scheduler would. */
export async function stealSlot(sandbox: SandboxHandle, slotId: string): Promise<void> {
  const slot = sandbox.store.read<Slot>('Slot', slotId);
  await sandbox.store.update('Slot', slotId, { ...slot, status: 'busy' });
}
