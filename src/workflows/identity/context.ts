// What every identity operation shares: the tenant's verification policy, the patient adapter,
// the store, the handle key and the write tuning. Built once by createIdentityWorkflow,
// validated, frozen (STYLE.md rule 8).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_IDENTITY_MAX_ATTEMPTS } from '../../config/schema.ts';
import type { TenantConfig } from '../../config/types.ts';
import type { PatientAdapter } from '../../ehr/patient-adapter.ts';
import { EhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { MIN_TOKEN_SECRET_BYTES as MIN_OFFER_SECRET_BYTES } from '../lib/call-bound-token.ts';
import {
  DEFAULT_RECORD_IN_FLIGHT_POLL_MS,
  DEFAULT_RECORD_IN_FLIGHT_WAIT_MS,
  type RecordWriteOptions,
} from '../lib/verified-record-write.ts';
import { DEFAULT_PATIENT_HANDLE_TTL_MS, signPatientHandle } from './patient-handle.ts';
import type { ExtraDetail } from './results.ts';

/** Where registrations that staff must finish go when routing names no scheduling queue. */
export const DEFAULT_IDENTITY_QUEUE = 'front-desk';

export type IdentityPolicy = {
  /** Extra details that must always be given and match (name and birth date always must). */
  readonly require: readonly ExtraDetail[];
  /** Failed verification attempts one call may make. */
  readonly maxAttempts: number;
};

export type IdentityWorkflowOptions = {
  readonly tenant: TenantConfig;
  readonly adapter: PatientAdapter;
  readonly store: Store;
  /** HMAC-SHA256 key of patient handles, at least 32 bytes; the same on every gateway process. */
  readonly handleSecret: string | Uint8Array;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  readonly handleTtlMs?: number;
  readonly readBackAttempts?: number;
  /** First background retry of a registration after a transient EHR failure. */
  readonly retryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Outbox claimant name; default a random id per workflow. */
  readonly workerId?: string;
};

export type IdentityContext = {
  readonly tenantId: string;
  readonly adapter: PatientAdapter;
  readonly store: Store;
  readonly policy: IdentityPolicy;
  readonly staffQueue: string;
  readonly now: () => number;
  /** A signed handle for `patientId` in `callId`. */
  handle(callId: string, patientId: string): string;
  readonly write: RecordWriteOptions;
  /** How a repeated tool call waits for the first call's outcome. */
  readonly inFlight: Pick<RecordWriteOptions, 'now' | 'sleep'> & {
    readonly inFlightWaitMs: number;
    readonly inFlightPollMs: number;
  };
};

export function identityPolicy(tenant: TenantConfig): IdentityPolicy {
  const configured = tenant.identity;
  return Object.freeze({
    require: (configured?.require ?? []).filter((d): d is ExtraDetail => d === 'phone' || d === 'postalCode'),
    maxAttempts: configured?.maxAttempts ?? DEFAULT_IDENTITY_MAX_ATTEMPTS,
  });
}

function optionalInt(name: string, value: number | undefined, min: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createIdentityWorkflow: ${name} must be an integer >= ${min}`,
    );
  }
}

export function identityContext(options: IdentityWorkflowOptions): IdentityContext {
  const secret = options.handleSecret;
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret) : secret?.byteLength;
  if (!(bytes >= MIN_OFFER_SECRET_BYTES)) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createIdentityWorkflow: handleSecret must be at least ${MIN_OFFER_SECRET_BYTES} bytes`,
    );
  }
  optionalInt('handleTtlMs', options.handleTtlMs, 1);
  optionalInt('readBackAttempts', options.readBackAttempts, 1);
  optionalInt('retryDelayMs', options.retryDelayMs, 0);
  optionalInt('inFlightWaitMs', options.inFlightWaitMs, 0);
  optionalInt('inFlightPollMs', options.inFlightPollMs, 1);
  const { tenant } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.handleTtlMs ?? DEFAULT_PATIENT_HANDLE_TTL_MS;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const inFlightWaitMs = options.inFlightWaitMs ?? DEFAULT_RECORD_IN_FLIGHT_WAIT_MS;
  const inFlightPollMs = options.inFlightPollMs ?? DEFAULT_RECORD_IN_FLIGHT_POLL_MS;
  return Object.freeze({
    tenantId: tenant.id,
    adapter: options.adapter,
    store: options.store,
    policy: identityPolicy(tenant),
    staffQueue:
      tenant.routing?.find((rule) => rule.intent === 'scheduling')?.to.queue ?? DEFAULT_IDENTITY_QUEUE,
    now,
    handle: (callId: string, patientId: string) =>
      signPatientHandle({ secret, tenantId: tenant.id, callId }, patientId, { now: now(), ttlMs }),
    write: Object.freeze({
      now,
      sleep,
      workerId: options.workerId ?? `gateway:${randomUUID()}`,
      inFlightWaitMs,
      inFlightPollMs,
      ...(options.readBackAttempts === undefined ? {} : { readBackAttempts: options.readBackAttempts }),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    }),
    inFlight: Object.freeze({ now, sleep, inFlightWaitMs, inFlightPollMs }),
  });
}
