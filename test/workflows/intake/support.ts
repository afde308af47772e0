// Shared set-up for the intake workflow tests: the sandbox EHR over real HTTP on 127.0.0.1:0, a
// tenant per vendor personality (fhir-r4 at /fhir/R4, Cerner-like at /r4/{tenant}, Epic-like at
// /api/FHIR/R4), the real intake adapter, and an in-memory SQLite store.
import type { Appointment, Condition, Observation } from '@medplum/fhirtypes';
import type { MappingConfig, TenantConfig } from '../../../src/config/types.ts';
import { createIntakeAdapter, type IntakeAdapter } from '../../../src/ehr/index.ts';
import { createFhirClient, type FhirClient } from '../../../src/fhir/index.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX } from '../../../src/sandbox/personalities/epic.ts';
import { type SandboxHandle, startSandbox } from '../../../src/sandbox/server.ts';
import { openCall, openStore, type Store } from '../../../src/store/index.ts';
import {
  createIntakeWorkflow,
  type IntakeWorkflow,
  type IntakeWorkflowOptions,
} from '../../../src/workflows/intake/index.ts';

export const REFERENCE_DATE = new Date('2030-03-04T12:00:00.000Z');
export const NOW_MS = REFERENCE_DATE.getTime();
/** The store's call id of each vendor's tenant (calls.id is unique across tenants). */
export function callIdFor(vendor: VendorName): string {
  return `call-intake-${vendor}`;
}
/** Short, so a held connection fails fast; long enough for a loaded machine to answer. */
export const FHIR_TIMEOUT_MS = 1_500;

export type VendorName = 'fhir-r4' | 'cerner' | 'epic';

export function baseUrlFor(sandbox: SandboxHandle, vendor: VendorName): string {
  if (vendor === 'fhir-r4') return sandbox.r4BaseUrl;
  if (vendor === 'cerner') return `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`;
  return `${sandbox.url}${EPIC_R4_PREFIX}`;
}

/** A path regex for the personality's resource type, for sandbox fault rules. */
export function pathRegexFor(vendor: VendorName, type: string): string {
  const prefix = vendor === 'fhir-r4' ? '/fhir/R4' : vendor === 'cerner' ? '/r4/[^/]+' : '/api/FHIR/R4';
  return `${prefix}/${type}($|\\?)`;
}

export const COMPLAINT_CODE = {
  system: 'http://loinc.org',
  code: '8661-1',
  display: 'Chief complaint - Reported',
};

export function tenantFor(sandbox: SandboxHandle, vendor: VendorName, mapping?: MappingConfig): TenantConfig {
  return {
    id: `intake-${vendor}`,
    name: `Intake ${vendor}`,
    production: false,
    timeZone: 'America/New_York',
    ehr: { vendor, baseUrl: baseUrlFor(sandbox, vendor), auth: { method: 'none' } },
    workflows: ['intake'],
    ...(mapping === undefined ? {} : { mapping }),
    routing: [{ intent: 'clinical-question', to: { queue: 'nurses' } }],
    subprocessors: [],
  } as TenantConfig;
}

export type Harness = {
  readonly sandbox: SandboxHandle;
  readonly store: Store;
  fhir(vendor: VendorName): FhirClient;
  adapter(vendor: VendorName): IntakeAdapter;
  workflow(
    vendor: VendorName,
    mapping?: MappingConfig,
    options?: Partial<IntakeWorkflowOptions>,
  ): IntakeWorkflow;
  /** A seeded patient with a booked appointment, and that appointment. */
  bookedAppointment(): { patientId: string; appointmentId: string };
  conditions(patientId: string): Condition[];
  observations(patientId: string): Observation[];
  appointment(id: string): Appointment;
  close(): Promise<void>;
};

export async function startHarness(): Promise<Harness> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  const store = await openStore({ url: ':memory:' });
  const clients = new Map<VendorName, FhirClient>();
  const fhir = (vendor: VendorName) => {
    let client = clients.get(vendor);
    if (client === undefined) {
      client = createFhirClient({ baseUrl: baseUrlFor(sandbox, vendor), timeoutMs: FHIR_TIMEOUT_MS });
      clients.set(vendor, client);
    }
    return client;
  };
  const adapter = (vendor: VendorName) => createIntakeAdapter({ vendor, fhir: fhir(vendor) });
  for (const vendor of ['fhir-r4', 'cerner', 'epic'] as const) {
    await openCall(store.db, {
      tenantId: `intake-${vendor}`,
      channel: 'sim',
      id: callIdFor(vendor),
      now: NOW_MS,
    });
  }
  const mine = <T extends Condition | Observation>(type: T['resourceType'], patientId: string) =>
    [...sandbox.store.all(type)].filter(
      (r) => (r as T).subject?.reference === `Patient/${patientId}`,
    ) as unknown as T[];
  return {
    sandbox,
    store,
    fhir,
    adapter,
    workflow: (vendor, mapping, options = {}) =>
      createIntakeWorkflow({
        tenant: tenantFor(sandbox, vendor, mapping),
        adapter: adapter(vendor),
        store,
        now: () => NOW_MS,
        sleep: () => new Promise((resolve) => setImmediate(resolve)),
        workerId: 'test-worker',
        ...options,
      }),
    bookedAppointment: () => {
      for (const resource of sandbox.store.all('Appointment')) {
        const appointment = resource as Appointment;
        const patient = appointment.participant.find((p) => p.actor?.reference?.startsWith('Patient/'));
        const patientId = patient?.actor?.reference?.slice('Patient/'.length);
        if (appointment.status !== 'booked' || patientId === undefined || appointment.id === undefined)
          continue;
        if (appointment.comment !== undefined || appointment.reasonCode !== undefined) continue;
        return { patientId, appointmentId: appointment.id };
      }
      throw new TypeError('the sandbox seed changed: no booked appointment without a note');
    },
    conditions: (patientId) => mine<Condition>('Condition', patientId),
    observations: (patientId) => mine<Observation>('Observation', patientId),
    appointment: (id) => sandbox.store.read<Appointment>('Appointment', id),
    async close() {
      for (const client of clients.values()) await client.close();
      await store.close();
      await sandbox.close();
    },
  };
}

/** A seeded patient id nobody else in this file uses (the seed has 50). */
export function patientPicker(sandbox: SandboxHandle): () => string {
  let next = 0;
  const ids = sandbox.seed.patients.map((p) => p.id);
  return () => {
    const id = ids[next++];
    if (id === undefined) throw new TypeError('out of seeded patients');
    return id;
  };
}

export const MAPPINGS = {
  condition: {
    chiefComplaint: { to: 'condition', category: 'problem-list-item' },
    reasonForVisit: { to: 'work-queue' },
    insurance: { to: 'work-queue' },
  },
  observation: {
    chiefComplaint: { to: 'observation', code: COMPLAINT_CODE, category: 'survey' },
    reasonForVisit: { to: 'work-queue' },
    insurance: { to: 'work-queue' },
  },
  note: {
    chiefComplaint: { to: 'appointment-note' },
    reasonForVisit: { to: 'appointment-note' },
    insurance: { to: 'work-queue' },
  },
  staff: {
    chiefComplaint: { to: 'work-queue' },
    reasonForVisit: { to: 'work-queue' },
    insurance: { to: 'work-queue' },
  },
} as const satisfies Record<string, MappingConfig>;
