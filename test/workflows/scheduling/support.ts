// Shared set-up for the scheduling workflow tests: the sandbox EHR over real HTTP on 127.0.0.1:0
// with a fixed clinic date, the real adapter (fhir-r4 by default; any vendor through
// startVendorHarness), a SQLite store, and a tenant configured with the sandbox's practitioners
// and locations.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Appointment } from '@medplum/fhirtypes';
import type { TenantConfig, Vendor } from '../../../src/config/types.ts';
import { createEhrAdapter, type EhrAdapter, epicStu3BaseUrl } from '../../../src/ehr/index.ts';
import { createFhirClient, type FhirClient } from '../../../src/fhir/index.ts';
import type { FaultMatch } from '../../../src/sandbox/faults.ts';
import { CERNER_SANDBOX_TENANT, cernerBasePath } from '../../../src/sandbox/personalities/cerner.ts';
import { EPIC_R4_PREFIX, EPIC_STU3_PREFIX } from '../../../src/sandbox/personalities/epic.ts';
import { VISIT_TYPE_DEFINITIONS } from '../../../src/sandbox/scheduling/visit-types.ts';
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

/** How the tests reach one vendor's personality of the sandbox (DESIGN.md sections 5 and 8). */
export type VendorTarget = {
  readonly vendor: Vendor;
  /** The tenant's `ehr.baseUrl`: the personality's R4 base. */
  baseUrl(sandbox: SandboxHandle): string;
  /** The request that books: fhir-r4 POST Appointment, Cerner POST Appointment, Epic STU3 $book. */
  readonly booking: FaultMatch;
  /**
   * Where a slot taken by someone else shows: the booking itself (Cerner 422, Epic $book 409),
   * but on a plain R4 server the adapter's Slot claim (PUT with If-Match, 412) that precedes it.
   */
  readonly slotTaken: FaultMatch;
};

export const VENDOR_TARGETS: readonly VendorTarget[] = [
  {
    vendor: 'fhir-r4',
    baseUrl: (sandbox) => sandbox.r4BaseUrl,
    booking: { method: 'POST', pathRegex: '^/fhir/R4/Appointment($|\\?)' },
    slotTaken: { method: 'PUT', pathRegex: '^/fhir/R4/Slot/' },
  },
  {
    vendor: 'cerner',
    baseUrl: (sandbox) => `${sandbox.url}${cernerBasePath(CERNER_SANDBOX_TENANT)}`,
    booking: {
      method: 'POST',
      pathRegex: `^${cernerBasePath(CERNER_SANDBOX_TENANT)}/Appointment($|\\?)`,
    },
    slotTaken: {
      method: 'POST',
      pathRegex: `^${cernerBasePath(CERNER_SANDBOX_TENANT)}/Appointment($|\\?)`,
    },
  },
  {
    vendor: 'epic',
    baseUrl: (sandbox) => `${sandbox.url}${EPIC_R4_PREFIX}`,
    booking: { method: 'POST', path: `${EPIC_STU3_PREFIX}/Appointment/$book` },
    slotTaken: { method: 'POST', path: `${EPIC_STU3_PREFIX}/Appointment/$book` },
  },
];

/**
 * The tenant of tenantFor, pointed at one vendor's personality, with each visit type also coded
 * the way that vendor's personality knows it (src/sandbox/scheduling/visit-types.ts): Cerner by
 * the sandbox's service-type system, Epic by its OID-based visit-type ids.
 */
export function vendorTenantFor(sandbox: SandboxHandle, target: VendorTarget): TenantConfig {
  const base = tenantFor(sandbox);
  const visitTypes = (base.scheduling?.visitTypes ?? []).map((v) => {
    const definition = VISIT_TYPE_DEFINITIONS.find((d) => d.key === v.id);
    if (definition === undefined) return v;
    return {
      ...v,
      cerner: fhirCoding(definition.sandbox),
      epic: fhirCoding(definition.epic),
    };
  });
  return {
    ...base,
    ehr: { vendor: target.vendor, baseUrl: target.baseUrl(sandbox), auth: { method: 'none' } },
    scheduling: { ...base.scheduling, visitTypes },
  };
}

export type VendorHarness = Harness & {
  readonly target: VendorTarget;
  /** Non-cancelled Appointments in the sandbox's store for this patient, whoever made them. */
  appointmentsOf(patientId: string): Appointment[];
  /** Adds a sandbox fault rule for the next `times` requests matching `match`. */
  fault(match: FaultMatch, fault: Record<string, unknown>, times?: number): void;
};

/**
 * One vendor end to end: the sandbox (auth off), the real adapter from createEhrAdapter (Epic with
 * its second client on the STU3 base), and a real SQLite store in a temporary file.
 */
export async function startVendorHarness(
  target: VendorTarget,
  options: { fhirTimeoutMs?: number } = {},
): Promise<VendorHarness> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  const timeoutMs = options.fhirTimeoutMs ?? FHIR_TIMEOUT_MS;
  const baseUrl = target.baseUrl(sandbox);
  const fhir = createFhirClient({ baseUrl, timeoutMs });
  const stu3 =
    target.vendor === 'epic' ? createFhirClient({ baseUrl: epicStu3BaseUrl(baseUrl), timeoutMs }) : undefined;
  const adapter = createEhrAdapter({ vendor: target.vendor, fhir, ...(stu3 === undefined ? {} : { stu3 }) });
  const dir = await mkdtemp(join(tmpdir(), `ehrgate-vendors-${target.vendor}-`));
  const store = await openStore({ url: join(dir, 'ehrgate.sqlite') });
  const tenant = vendorTenantFor(sandbox, target);
  await openCall(store.db, { tenantId: tenant.id, channel: 'sim', id: CALL_ID, now: NOW_MS });
  const isPatient = (a: Appointment, patientId: string) =>
    a.participant?.some((p) => p.actor?.reference === `Patient/${patientId}`) ?? false;
  return {
    target,
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
        sleep: () => new Promise((resolve) => setImmediate(resolve)),
        ...overrides,
      }),
    appointmentsWithKey: (key) =>
      [...sandbox.store.all('Appointment')].filter((a) =>
        (a as Appointment).identifier?.some((i) => i.value === key),
      ) as Appointment[],
    appointmentsOf: (patientId) =>
      ([...sandbox.store.all('Appointment')] as Appointment[]).filter(
        (a) => a.status !== 'cancelled' && isPatient(a, patientId),
      ),
    fault: (match, fault, times = 1) => {
      sandbox.faults.addRule({ match, fault, times });
    },
    async close() {
      await store.close();
      await fhir.close();
      await stu3?.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
