// Shared set-up for the identity tests: the sandbox EHR over real HTTP on 127.0.0.1:0 with a fixed
// clinic date, one vendor's personality (fhir-r4 /fhir/R4, Cerner-like /r4/{tenant}, Epic-like
// /api/FHIR/R4), the real PatientAdapter from createPatientAdapter, a real SQLite store in a
// temporary file and a call opened in it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { TenantConfig, Vendor } from '../../../src/config/types.ts';
import { createPatientAdapter } from '../../../src/ehr/create-patient-adapter.ts';
import type { PatientAdapter } from '../../../src/ehr/patient-adapter.ts';
import { createFhirClient, type FhirClient, type FhirRequestEvent } from '../../../src/fhir/index.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX } from '../../../src/sandbox/personalities/epic.ts';
import { type SandboxHandle, startSandbox } from '../../../src/sandbox/server.ts';
import { openCall, openStore, type Store } from '../../../src/store/index.ts';
import type { IdentityWorkflowOptions } from '../../../src/workflows/identity/context.ts';
import {
  createIdentityWorkflow,
  type IdentityWorkflow,
} from '../../../src/workflows/identity/identity-workflow.ts';
import { verifyPatientHandle } from '../../../src/workflows/identity/patient-handle.ts';

/** A Monday, 7:00 in Knoxville. */
export const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
export const NOW_MS = REFERENCE_DATE.getTime();
export const HANDLE_SECRET = 'test-handle-secret-0123456789abcdef-not-for-production';
export const CALL_ID = 'call-identity-1';
export const FHIR_TIMEOUT_MS = 1_500;
export const VENDORS: readonly Vendor[] = ['fhir-r4', 'cerner', 'epic'];

export function baseUrlFor(sandbox: SandboxHandle, vendor: Vendor): string {
  if (vendor === 'cerner') return `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  if (vendor === 'epic') return `${sandbox.url}${EPIC_R4_PREFIX}`;
  return sandbox.r4BaseUrl;
}

/** The path prefix of a vendor's Patient endpoint, for sandbox fault rules. */
export function patientPathFor(vendor: Vendor): string {
  if (vendor === 'cerner') return `${cernerBasePath(CERNER_SANDBOX_TENANT)}/Patient`;
  if (vendor === 'epic') return `${EPIC_R4_PREFIX}/Patient`;
  return '/fhir/R4/Patient';
}

export type IdentityHarness = {
  readonly vendor: Vendor;
  readonly sandbox: SandboxHandle;
  readonly fhir: FhirClient;
  readonly adapter: PatientAdapter;
  readonly store: Store;
  readonly tenant: TenantConfig;
  /** Every FHIR request the adapter sent, in order. */
  readonly requests: FhirRequestEvent[];
  workflow(options?: Partial<IdentityWorkflowOptions>): IdentityWorkflow;
  /** The EHR patient id a handle of this harness's call names. */
  patientIdOf(handle: string, callId?: string): string;
  /** Adds a Patient straight into the sandbox's store (as another EHR user would). */
  addPatient(patient: Omit<Patient, 'resourceType'>): Promise<string>;
  patients(): Patient[];
  close(): Promise<void>;
};

export async function startIdentityHarness(
  vendor: Vendor,
  tenantOverrides: Partial<TenantConfig> = {},
): Promise<IdentityHarness> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  const requests: FhirRequestEvent[] = [];
  const fhir = createFhirClient({
    baseUrl: baseUrlFor(sandbox, vendor),
    timeoutMs: FHIR_TIMEOUT_MS,
    retry: { limit: 0 },
    onRequest: (event) => requests.push(event),
  });
  const adapter = createPatientAdapter({ vendor, fhir, mrnAssignerId: sandbox.seed.organization.id });
  const dir = await mkdtemp(join(tmpdir(), `ehrgate-identity-${vendor}-`));
  const store = await openStore({ url: join(dir, 'ehrgate.sqlite') });
  const tenant = {
    id: 'valley',
    name: 'Valley Health Partners',
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor, baseUrl: baseUrlFor(sandbox, vendor), auth: { method: 'none' } },
    workflows: ['identity'],
    routing: [{ intent: 'scheduling', to: { queue: 'front-desk' } }],
    subprocessors: [],
    ...tenantOverrides,
  } as TenantConfig;
  await openCall(store.db, { tenantId: tenant.id, channel: 'sim', id: CALL_ID, now: NOW_MS });
  return {
    vendor,
    sandbox,
    fhir,
    adapter,
    store,
    tenant,
    requests,
    workflow: (options = {}) =>
      createIdentityWorkflow({
        tenant,
        adapter,
        store,
        handleSecret: HANDLE_SECRET,
        now: () => NOW_MS,
        sleep: () => new Promise((resolve) => setImmediate(resolve)),
        ...options,
      }),
    patientIdOf: (handle, callId = CALL_ID) =>
      verifyPatientHandle(handle, { secret: HANDLE_SECRET, tenantId: tenant.id, callId }, { now: NOW_MS })
        .patientId,
    addPatient: async (patient) => {
      const { resource } = await sandbox.store.create({ resourceType: 'Patient', active: true, ...patient });
      return resource.id as string;
    },
    patients: () => [...sandbox.store.all('Patient')] as Patient[],
    async close() {
      await store.close();
      await fhir.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** "Given Family" and the birth date of a stored Patient, as a caller would say them. */
export function spokenIdentity(patient: Patient): { name: string; birthDate: string } {
  const name = patient.name?.[0];
  return { name: `${name?.given?.[0] ?? ''} ${name?.family ?? ''}`, birthDate: patient.birthDate ?? '' };
}
