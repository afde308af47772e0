// What every scheduling operation shares: the tenant's catalog, the adapter, the store, the offer
// key and the verified-write tuning. Built once by createSchedulingWorkflow, validated, frozen
// (STYLE.md rule 8).
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { TenantConfig } from '../../config/types.ts';
import type { EhrAdapter, SlotCandidate } from '../../ehr/adapter.ts';
import { EhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import type { OfferView } from '../outcome.ts';
import { DEFAULT_OFFER_TTL_MS, MIN_OFFER_SECRET_BYTES, signOffer } from './offers.ts';
import { spokenSlot } from './spoken-time.ts';
import { type TenantCatalog, tenantCatalog } from './tenant-catalog.ts';
import {
  DEFAULT_IN_FLIGHT_POLL_MS,
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_READ_BACK_ATTEMPTS,
  DEFAULT_WRITE_ATTEMPTS,
  DEFAULT_WRITE_RETRY_DELAY_MS,
  type VerifiedWriteOptions,
} from './verified-write.ts';

/** Offers a slot search returns unless asked for more: three is what a caller can keep in mind. */
export const DEFAULT_OFFER_COUNT = 3;
export const MAX_OFFER_COUNT = 10;
/** Fresh alternatives offered when the chosen slot was taken. */
export const MAX_ALTERNATIVES = 3;

export type SchedulingWorkflowOptions = {
  readonly tenant: TenantConfig;
  readonly adapter: EhrAdapter;
  readonly store: Store;
  /** HMAC-SHA256 key of offers, at least 32 bytes; the same on every gateway process of the deployment. */
  readonly offerSecret: string | Uint8Array;
  /** Epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /**
   * The SMART scopes the scheduling workflow needs and the EHR token lacks (supplied by the
   * gateway from the token response). Non-empty: every write answers not_authorized naming them.
   */
  readonly missingScopes?: () => readonly string[];
  readonly offerTtlMs?: number;
  readonly writeAttempts?: number;
  readonly readBackAttempts?: number;
  readonly writeRetryDelayMs?: number;
  readonly inFlightWaitMs?: number;
  readonly inFlightPollMs?: number;
  /** Default: a real timer. Tests pass a fake to keep retries instant. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Outbox claimant name; default a random id per workflow. */
  readonly workerId?: string;
};

export type SchedulingContext = {
  readonly tenant: TenantConfig;
  readonly catalog: TenantCatalog;
  readonly adapter: EhrAdapter;
  readonly store: Store;
  readonly offerSecret: string | Uint8Array;
  readonly offerTtlMs: number;
  readonly now: () => number;
  readonly missingScopes: () => readonly string[];
  readonly write: VerifiedWriteOptions;
};

function nonNegativeInt(name: string, value: number | undefined, fallback: number, min = 0): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createSchedulingWorkflow: ${name} must be an integer >= ${min}`,
    );
  }
  return chosen;
}

export function schedulingContext(options: SchedulingWorkflowOptions): SchedulingContext {
  const secretBytes =
    typeof options.offerSecret === 'string'
      ? Buffer.byteLength(options.offerSecret)
      : options.offerSecret?.byteLength;
  if (!(secretBytes >= MIN_OFFER_SECRET_BYTES)) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `createSchedulingWorkflow: offerSecret must be at least ${MIN_OFFER_SECRET_BYTES} bytes`,
    );
  }
  if (options.tenant.scheduling === undefined) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `tenant ${options.tenant.id}: the scheduling workflow needs a scheduling block with visit types`,
    );
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  return Object.freeze({
    tenant: options.tenant,
    catalog: tenantCatalog(options.tenant, options.adapter.vendor),
    adapter: options.adapter,
    store: options.store,
    offerSecret: options.offerSecret,
    offerTtlMs: nonNegativeInt('offerTtlMs', options.offerTtlMs, DEFAULT_OFFER_TTL_MS, 1),
    now,
    missingScopes: options.missingScopes ?? (() => []),
    write: Object.freeze({
      maxAttempts: nonNegativeInt('writeAttempts', options.writeAttempts, DEFAULT_WRITE_ATTEMPTS, 1),
      readBackAttempts: nonNegativeInt(
        'readBackAttempts',
        options.readBackAttempts,
        DEFAULT_READ_BACK_ATTEMPTS,
        1,
      ),
      retryDelayMs: nonNegativeInt(
        'writeRetryDelayMs',
        options.writeRetryDelayMs,
        DEFAULT_WRITE_RETRY_DELAY_MS,
      ),
      inFlightWaitMs: nonNegativeInt('inFlightWaitMs', options.inFlightWaitMs, DEFAULT_IN_FLIGHT_WAIT_MS),
      inFlightPollMs: nonNegativeInt('inFlightPollMs', options.inFlightPollMs, DEFAULT_IN_FLIGHT_POLL_MS, 1),
      now,
      sleep,
      workerId: options.workerId ?? `gateway:${randomUUID()}`,
    }),
  });
}

/** The signed offer and the sentence the caller hears for a candidate. */
export function offerView(context: SchedulingContext, callId: string, candidate: SlotCandidate): OfferView {
  const { catalog } = context;
  const practitioner = catalog.practitionerName(candidate.practitioner);
  const location = catalog.locationName(candidate.location);
  return {
    offer: signOffer({ secret: context.offerSecret, tenantId: catalog.tenantId, callId }, candidate, {
      now: context.now(),
      ttlMs: context.offerTtlMs,
    }),
    say: spokenSlot({
      start: candidate.start,
      timeZone: catalog.timeZoneOf(candidate.location?.id),
      ...(practitioner === undefined ? {} : { practitioner }),
      ...(location === undefined ? {} : { location }),
    }),
    start: candidate.start,
    end: candidate.end,
    ...(practitioner === undefined ? {} : { practitioner }),
    ...(location === undefined ? {} : { location }),
  };
}

/** "A, B, or C" */
export function spokenList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} or ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, or ${items.at(-1)}`;
}
