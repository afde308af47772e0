// The insurance workflow (issue 5 item 4): what the caller says about their insurance becomes a
// verified Coverage where the EHR takes one (Cerner, plain R4), and a staff work item with the
// exact data where it does not (Epic, whose Coverage is read-only), where the tenant's mapping
// says `insurance: { to: work-queue }`, or where the gateway cannot complete it safely (a payer
// it cannot match, a policy held by someone other than the patient).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { TenantConfig } from '../../config/types.ts';
import type { CoverageAdapter } from '../../ehr/index.ts';
import { EhrgateError } from '../../errors.ts';
import { loadFhirSchema } from '../../mapping/lib/fhir-schema.ts';
import type { Store } from '../../store/index.ts';
import type { RecordOutcome } from '../lib/verified-record-write.ts';
import { DEFAULT_STAFF_QUEUE } from '../outbox/work-item-draft.ts';
import { type RecordInsuranceInput, recordInsurance } from './record-insurance.ts';

export type InsuranceWorkflowOptions = {
  readonly tenant: TenantConfig;
  readonly adapter: CoverageAdapter;
  readonly store: Store;
  /** Epoch ms; default Date.now. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Outbox claimant name; default a random id per workflow. */
  readonly workerId?: string;
  /** When the worker first retries a transient failure (verified-record-write.ts default 5 s). */
  readonly retryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
};

export type InsuranceContext = {
  readonly tenant: TenantConfig;
  readonly adapter: CoverageAdapter;
  readonly store: Store;
  readonly staffQueue: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly workerId: string;
  readonly retryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
};

export interface InsuranceWorkflow {
  recordInsurance(input: RecordInsuranceInput): Promise<RecordOutcome>;
}

/** The tenant's insurance queue: configured, else the billing route's queue, else front-desk. */
export function insuranceQueue(tenant: TenantConfig): string {
  return (
    tenant.insurance?.staffQueue ??
    tenant.routing?.find((route) => route.intent === 'billing')?.to.queue ??
    DEFAULT_STAFF_QUEUE
  );
}

export function createInsuranceWorkflow(options: InsuranceWorkflowOptions): InsuranceWorkflow {
  if (options.adapter.vendor !== options.tenant.ehr.vendor) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `tenant ${options.tenant.id}: the coverage adapter is for ${options.adapter.vendor}, the tenant's EHR is ${options.tenant.ehr.vendor}`,
    );
  }
  const context: InsuranceContext = Object.freeze({
    tenant: options.tenant,
    adapter: options.adapter,
    store: options.store,
    staffQueue: insuranceQueue(options.tenant),
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms: number) => delay(ms)),
    workerId: options.workerId ?? `gateway:${randomUUID()}`,
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    ...(options.inFlightWaitMs === undefined ? {} : { inFlightWaitMs: options.inFlightWaitMs }),
    ...(options.inFlightPollMs === undefined ? {} : { inFlightPollMs: options.inFlightPollMs }),
  });
  // Loaded in the background now, awaited before the first Coverage is built.
  loadFhirSchema().catch(() => {});
  return Object.freeze({
    recordInsurance: (input: RecordInsuranceInput) => recordInsurance(context, input),
  });
}
