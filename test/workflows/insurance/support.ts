// Shared set-up for the insurance tests: the sandbox EHR over real HTTP on 127.0.0.1:0, one
// vendor personality, the real coverage adapter, a SQLite store in a temporary directory, and a
// tenant with a payer alias.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coverage } from '@medplum/fhirtypes';
import type { TenantConfig, Vendor } from '../../../src/config/types.ts';
import { type CoverageAdapter, createCoverageAdapter } from '../../../src/ehr/index.ts';
import { createFhirClient, type FhirClient } from '../../../src/fhir/index.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX } from '../../../src/sandbox/personalities/epic.ts';
import { type SandboxHandle, startSandbox } from '../../../src/sandbox/server.ts';
import { openCall, openStore, type Store } from '../../../src/store/index.ts';
import {
  createInsuranceWorkflow,
  type InsuranceWorkflow,
  type InsuranceWorkflowOptions,
} from '../../../src/workflows/insurance/insurance-workflow.ts';

export const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
export const NOW_MS = REFERENCE_DATE.getTime();
export const CALL_ID = 'call-ins-1';
export const FHIR_TIMEOUT_MS = 1_500;
/** The organisation id the tenant's alias points "blue cross" and "bcbs" at (set from the seed). */
export const BLUE_CROSS = 'Blue Cross Blue Shield';

export function vendorBase(sandbox: SandboxHandle, vendor: Vendor): string {
  if (vendor === 'cerner') return `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  if (vendor === 'epic') return `${sandbox.url}${EPIC_R4_PREFIX}`;
  return sandbox.r4BaseUrl;
}

/** Where the vendor's Coverage create lands in the sandbox, for fault rules. */
export function coveragePath(vendor: Vendor): string {
  if (vendor === 'cerner') return `^${cernerBasePath(CERNER_SANDBOX_TENANT)}/Coverage($|\\?)`;
  if (vendor === 'epic') return `^${EPIC_R4_PREFIX}/Coverage($|\\?)`;
  return '^/fhir/R4/Coverage($|\\?)';
}

export type InsuranceHarness = {
  readonly sandbox: SandboxHandle;
  readonly fhir: FhirClient;
  readonly adapter: CoverageAdapter;
  readonly store: Store;
  readonly storeUrl: string;
  readonly tenant: TenantConfig;
  readonly patientId: string;
  readonly payorId: (name: string) => string;
  workflow(options?: Partial<InsuranceWorkflowOptions>): InsuranceWorkflow;
  /** Coverages the sandbox holds for a patient. */
  coveragesOf(patientId: string): Coverage[];
  close(): Promise<void>;
};

export async function startInsuranceHarness(
  vendor: Vendor,
  options: { tenant?: Partial<TenantConfig>; storeUrl?: string } = {},
): Promise<InsuranceHarness> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  // The client's own GET retries do not wait in real time (STYLE.md rule 10).
  const fhir = createFhirClient({
    baseUrl: vendorBase(sandbox, vendor),
    timeoutMs: FHIR_TIMEOUT_MS,
    sleep: () => Promise.resolve(),
  });
  const adapter = createCoverageAdapter({ vendor, fhir });
  const dir = await mkdtemp(join(tmpdir(), `ehrgate-insurance-${vendor}-`));
  const storeUrl = options.storeUrl ?? join(dir, 'ehrgate.sqlite');
  const store = await openStore({ url: storeUrl });
  const payorId = (name: string) => {
    const found = sandbox.seed.payors.find((p) => p.name === name);
    if (found === undefined) throw new TypeError(`the sandbox seed changed: no payor ${name}`);
    return found.id;
  };
  const tenant: TenantConfig = {
    id: 'valley',
    name: 'Valley Health Partners',
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor, baseUrl: vendorBase(sandbox, vendor), auth: { method: 'none' } },
    workflows: ['insurance'],
    insurance: {
      payerAliases: [
        { say: ['blue cross', 'bcbs', 'the blues'], organization: payorId(BLUE_CROSS), name: BLUE_CROSS },
      ],
    },
    routing: [{ intent: 'billing', to: { queue: 'billing' } }],
    subprocessors: [],
    ...options.tenant,
  };
  await openCall(store.db, { tenantId: tenant.id, channel: 'sim', id: CALL_ID, now: NOW_MS });
  const patientId = sandbox.seed.patients[3]?.id;
  if (patientId === undefined) throw new TypeError('the sandbox seed changed: no patients');
  return {
    sandbox,
    fhir,
    adapter,
    store,
    storeUrl,
    tenant,
    patientId,
    payorId,
    workflow: (overrides = {}) =>
      createInsuranceWorkflow({
        tenant,
        adapter,
        store,
        now: () => NOW_MS,
        sleep: () => new Promise((resolve) => setImmediate(resolve)),
        ...overrides,
      }),
    coveragesOf: (id) =>
      ([...sandbox.store.all('Coverage')] as Coverage[]).filter(
        (c) => c.beneficiary?.reference === `Patient/${id}`,
      ),
    async close() {
      await store.close();
      await fhir.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
