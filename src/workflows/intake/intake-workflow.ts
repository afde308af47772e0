// createIntakeWorkflow: what recordIntake shares (tenant, adapter, store, verified-write tuning),
// validated once and frozen (STYLE.md rule 8).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { TenantConfig } from '../../config/types.ts';
import type { IntakeAdapter } from '../../ehr/index.ts';
import { EhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import {
  DEFAULT_RECORD_IN_FLIGHT_POLL_MS,
  DEFAULT_RECORD_IN_FLIGHT_WAIT_MS,
  DEFAULT_RECORD_READ_BACK_ATTEMPTS,
  DEFAULT_RECORD_RETRY_DELAY_MS,
} from '../lib/verified-record-write.ts';
import type { IntakeInput } from './intake-input.ts';
import { DEFAULT_INTAKE_QUEUE, type IntakeOutcome, recordIntake } from './record-intake.ts';

export type IntakeWorkflowOptions = {
  readonly tenant: TenantConfig;
  readonly adapter: IntakeAdapter;
  readonly store: Store;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /** Default: a real timer. Tests pass a fake so waits are instant. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Outbox claimant name; default a random id per workflow. */
  readonly workerId?: string;
  /** Staff queue for intake work items; default the tenant's clinical-question route, else `front-desk`. */
  readonly staffQueue?: string;
  readonly readBackAttempts?: number;
  /** When the worker first retries after a transient failure. */
  readonly retryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
};

export type IntakeWorkflow = {
  recordIntake(input: IntakeInput): Promise<IntakeOutcome>;
};

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createIntakeWorkflow: ${name} must be an integer >= ${min}`,
    );
  }
  return chosen;
}

export function createIntakeWorkflow(options: IntakeWorkflowOptions): IntakeWorkflow {
  if (options.adapter.vendor !== options.tenant.ehr.vendor) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createIntakeWorkflow: tenant ${options.tenant.id} is ${options.tenant.ehr.vendor}, the adapter ${options.adapter.vendor}`,
    );
  }
  const routed = options.tenant.routing?.find((r) => r.intent === 'clinical-question')?.to.queue;
  const context = Object.freeze({
    tenant: options.tenant,
    adapter: options.adapter,
    store: options.store,
    staffQueue: options.staffQueue ?? routed ?? DEFAULT_INTAKE_QUEUE,
    write: Object.freeze({
      now: options.now ?? Date.now,
      sleep: options.sleep ?? ((ms: number) => delay(ms)),
      workerId: options.workerId ?? `intake-${randomUUID()}`,
      readBackAttempts: count(
        'readBackAttempts',
        options.readBackAttempts,
        DEFAULT_RECORD_READ_BACK_ATTEMPTS,
        1,
      ),
      retryDelayMs: count('retryDelayMs', options.retryDelayMs, DEFAULT_RECORD_RETRY_DELAY_MS, 0),
      inFlightWaitMs: count('inFlightWaitMs', options.inFlightWaitMs, DEFAULT_RECORD_IN_FLIGHT_WAIT_MS, 0),
      inFlightPollMs: count('inFlightPollMs', options.inFlightPollMs, DEFAULT_RECORD_IN_FLIGHT_POLL_MS, 1),
    }),
  });
  return Object.freeze({ recordIntake: (input: IntakeInput) => recordIntake(context, input) });
}
