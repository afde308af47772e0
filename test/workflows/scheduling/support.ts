// Shared set-up for the scheduling workflow tests: the sandbox EHR over real HTTP on 127.0.0.1:0
// with a fixed clinic date, the real fhir-r4 adapter, an in-memory SQLite store, and a tenant
// configured with the sandbox's practitioners and locations.
import type { Appointment } from '@medplum/fhirtypes';
import type { TenantConfig } from '../../../src/config/types.ts';
import { createEhrAdapter, type EhrAdapter } from '../../../src/ehr/index.ts';
import { createFhirClient, type FhirClient } from '../../../src/fhir/index.ts';
import { VISIT_TYPES } from '../../../src/sandbox/seed.ts';
import { type SandboxHandle, type SandboxOptions, startSandbox } from '../../../src/sandbox/server.ts';
import { openCall, openStore, type Store } from '../../../src/store/index.ts';
import { createSchedulingWorkflow, type SchedulingWorkflow } from '../../../src/workflows/index.ts';
import type { SchedulingWorkflowOptions } from '../../../src/workflows/scheduling/context.ts';

/** A Monday, 7:00 in Knoxville (America/New_York): the clinic's slots start later that morning. */
export const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
export const NOW_MS = REFERENCE_DATE.getTime();
export const DAY_MS = 86_400_000;
export const OFFER_SECRET = 'test-offer-secret-0123456789abcdef-not-for-production';
export const CALL_ID = 'call-1';
/** Short, so a held connection fails fast; long enough for a loaded CI machine to answer. */
export const FHIR_TIMEOUT_MS = 1_500;

/** The sandbox's visit-type coding (seed.ts VISIT_TYPES) as the tenant's `fhir` coding. */
function fhirCoding(coding: { readonly system?: string; readonly code?: string }): {
  system: string;
  code: string;
} {
  if (!coding.system || !coding.code)
    throw new TypeError('the sandbox seed changed: visit type coding incomplete');
  return { system: coding.system, code: coding.code };
}

export function tenantFor(sandbox: SandboxHandle, overrides: Partial<TenantConfig> = {}): TenantConfig {
  const seed = sandbox.seed;
  const mainStreet = seed.locations.find((l) => l.name === 'Main Street Clinic');
  const riverside = seed.locations.find((l) => l.name === 'Riverside Clinic');
  if (!mainStreet || !riverside) throw new TypeError('the sandbox seed changed: locations not found');
  const practitioner = (family: string) => {
    const found = seed.practitioners.find((p) => p.name.includes(family));
    if (!found) throw new TypeError(`the sandbox seed changed: no practitioner ${family}`);
    return found.id;
  };
  return {
    id: 'valley',
    name: 'Valley Health Partners',
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor: 'fhir-r4', baseUrl: sandbox.r4BaseUrl, auth: { method: 'none' } },
    workflows: ['scheduling'],
    scheduling: {
      visitTypes: [
        {
          id: 'follow-up',
          say: 'follow-up visit',
          minutes: 20,
          fhir: fhirCoding(VISIT_TYPES.followUp),
        },
        {
          id: 'new-patient',
          say: 'new patient visit',
          minutes: 20,
          fhir: fhirCoding(VISIT_TYPES.newPatient),
        },
        // Coded for Epic only: not bookable through a fhir-r4 EHR.
        {
          id: 'epic-only',
          say: 'annual physical',
          minutes: 40,
          epic: { system: 'urn:oid:1.2.3', code: '9' },
        },
      ],
      practitioners: [
        { id: 'dr-alvarez', say: 'Dr. Alvarez', ehrId: practitioner('Alvarez') },
        { id: 'dr-okafor', say: 'Dr. Okafor', ehrId: practitioner('Okafor') },
      ],
      locations: [
        { id: 'main-street', say: 'Main Street', ehrId: mainStreet.id, timeZone: 'America/New_York' },
        { id: 'riverside', say: 'Riverside', ehrId: riverside.id, timeZone: 'America/Chicago' },
      ],
    },
    routing: [{ intent: 'scheduling', to: { queue: 'front-desk' } }],
    subprocessors: [],
    ...overrides,
  };
}

export type Harness = {
  readonly sandbox: SandboxHandle;
  readonly fhir: FhirClient;
  readonly adapter: EhrAdapter;
  readonly store: Store;
  readonly tenant: TenantConfig;
  workflow(options?: Partial<SchedulingWorkflowOptions>): SchedulingWorkflow;
  /** Appointments in the sandbox carrying our idempotency identifier `key`. */
  appointmentsWithKey(key: string): Appointment[];
  close(): Promise<void>;
};

export async function startHarness(
  options: { sandbox?: SandboxOptions; fhir?: FhirClient; adapter?: EhrAdapter } = {},
): Promise<Harness> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false, ...options.sandbox });
  const fhir = options.fhir ?? createFhirClient({ baseUrl: sandbox.r4BaseUrl, timeoutMs: FHIR_TIMEOUT_MS });
  const adapter = options.adapter ?? createEhrAdapter({ vendor: 'fhir-r4', fhir });
  const store = await openStore({ url: ':memory:' });
  const tenant = tenantFor(sandbox);
  // The workflow's callId is the store's call id (outbox and work items reference it).
  await openCall(store.db, { tenantId: tenant.id, channel: 'sim', id: CALL_ID, now: NOW_MS });
  return {
    sandbox,
    fhir,
    adapter,
    store,
    tenant,
    workflow: (overrides = {}) =>
      createSchedulingWorkflow({
        tenant,
        adapter,
        store,
        offerSecret: OFFER_SECRET,
        now: () => NOW_MS,
        // Retries and polls without real waiting (STYLE.md rule 10).
        sleep: () => new Promise((resolve) => setImmediate(resolve)),
        ...overrides,
      }),
    appointmentsWithKey: (key) =>
      [...sandbox.store.all('Appointment')].filter((a) =>
        (a as Appointment).identifier?.some((i) => i.value === key),
      ) as Appointment[],
    async close() {
      await store.close();
      await sandbox.close();
    },
  };
}

/** Faults the next `times` POSTs of Appointments the adapter sends (sandbox control API rule). */
export function faultAppointmentCreate(
  sandbox: SandboxHandle,
  fault: Record<string, unknown>,
  times = 1,
): void {
  sandbox.faults.addRule({
    match: { method: 'POST', pathRegex: '/fhir/R4/Appointment($|\\?)' },
    fault,
    times,
  });
}
