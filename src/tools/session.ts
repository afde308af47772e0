// Call sessions (issue 6 item 2): every tool call belongs to a call, named by the platform's call
// id. The session holds the tenant, the channel, the verified patient handle, the offers made and
// what each tool did; its event log lives in the store (store/calls.ts), whose call row must exist
// before any write because outbox rows and work items reference it.

import { EhrgateError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import { appendCallEvents, type NewCallEvent, openCall } from '../store/index.ts';
import { IDENTITY_VERIFIED_EVENT } from '../workflows/identity/attempts.ts';
import { openJson, sealJson } from '../workflows/lib/sealed-json.ts';
import type { ChannelName, ToolCallResult } from './contract.ts';

/** Who find_patient (or register_patient) verified in this call: a handle, not a record. */
export type VerifiedPatient = {
  readonly patientId: string;
  /** How staff and the summary name the caller, e.g. "Jane D."; never sent to the EHR. */
  readonly display?: string;
  readonly verifiedAt: number;
};

/** One tool's answer in this call, for the summaries of route_call and end_call: no PHI. */
export type ToolActivity = {
  readonly tool: string;
  readonly status: string;
  readonly reason?: string;
  readonly workItemId?: string;
  readonly outboxId?: string;
  readonly at: number;
};

export type CallSession = {
  readonly tenantId: string;
  /** The platform's call id. */
  readonly callId: string;
  /** The store's call id (calls.id): what outbox rows, work items and offers are bound to. */
  readonly storeCallId: string;
  readonly channel: ChannelName;
  readonly startedAt: number;
  patient: VerifiedPatient | undefined;
  /** Start times offered to the caller (find_slots, alternatives), newest last. */
  readonly offersMade: string[];
  readonly activity: ToolActivity[];
  /** Tool-call answers by idempotency key: a repeat joins or returns the first (P3). */
  readonly results: Map<string, ResultEntry>;
  lastActivityAt: number;
  closed: boolean;
  /** Call events are appended in order, off the answer's path; end_call waits for them. */
  events: Promise<void>;
};

export type ResultEntry = {
  readonly tool: string;
  readonly argsHash: string;
  readonly promise: Promise<ToolCallResult>;
  /** Set once the promise settled. */
  settledAt?: number;
  /** Reads reused without a toolCallId only until this time. */
  readonly expiresAt?: number;
};

export type CallSessions = {
  /** The call's session, opened (and its store row created) on its first tool call. */
  open(request: {
    readonly tenantId: string;
    readonly channel: ChannelName;
    readonly callId: string;
  }): Promise<CallSession | 'other-tenant'>;
  get(tenantId: string, callId: string): CallSession | undefined;
  /** Appends a call event (no PHI in `data`) after the ones already queued. */
  record(session: CallSession, type: string, data: Readonly<Record<string, unknown>>): void;
  /** Forgets the ended session after a grace period (its store row is ended by the caller). */
  drop(session: CallSession): void;
  /** Open sessions idle since before `before` (epoch ms). */
  idleSince(before: number): CallSession[];
  readonly size: number;
};

/** How long an ended call's session (and its answers) is kept for retries. */
export const ENDED_SESSION_GRACE_MS = 60_000;

export type CallSessionsOptions = {
  readonly store: Store;
  readonly now: () => number;
  /** Where a failed event append is reported (never PHI). */
  readonly onError?: (error: unknown) => void;
};

export function createCallSessions(options: CallSessionsOptions): CallSessions {
  const { store, now } = options;
  // Keyed by the platform call id alone: a call id already seen under another tenant is refused.
  const sessions = new Map<string, CallSession>();
  const opening = new Map<string, Promise<CallSession | 'other-tenant'>>();
  const events = createEventWriter(store, options.onError);

  async function load(request: {
    tenantId: string;
    channel: ChannelName;
    callId: string;
  }): Promise<CallSession | 'other-tenant'> {
    // Another gateway process (or an earlier life of this one) may have opened the call: the store
    // is the authority on which tenant owns a platform call id, whatever the channel.
    const owners = await store.db
      .selectFrom('calls')
      .select(['id', 'tenant_id', 'started_at'])
      .where('external_id', '=', request.callId)
      .execute();
    if (owners.some((row) => row.tenant_id !== request.tenantId)) return 'other-tenant';
    const startedAt = now();
    const earlier = owners[0];
    const row =
      earlier ??
      (
        await openCall(store.db, {
          tenantId: request.tenantId,
          channel: request.channel,
          externalId: request.callId,
          now: startedAt,
        })
      ).call;
    return {
      tenantId: request.tenantId,
      callId: request.callId,
      storeCallId: row.id,
      channel: request.channel,
      startedAt: row.started_at,
      patient: earlier === undefined ? undefined : await verifiedEarlier(store, request.tenantId, row.id),
      offersMade: [],
      activity: [],
      results: new Map(),
      lastActivityAt: startedAt,
      closed: false,
      events: Promise.resolve(),
    };
  }

  return {
    async open(request) {
      const known = sessions.get(request.callId);
      if (known) {
        if (known.tenantId !== request.tenantId) return 'other-tenant';
        known.lastActivityAt = now();
        return known;
      }
      let pending = opening.get(request.callId);
      if (!pending) {
        pending = load(request).then((session) => {
          if (session !== 'other-tenant') sessions.set(request.callId, session);
          return session;
        });
        opening.set(request.callId, pending);
        pending.then(
          () => opening.delete(request.callId),
          () => opening.delete(request.callId),
        );
      }
      const session = await pending;
      if (session !== 'other-tenant' && session.tenantId !== request.tenantId) return 'other-tenant';
      return session;
    },
    get(tenantId, callId) {
      const session = sessions.get(callId);
      return session?.tenantId === tenantId ? session : undefined;
    },
    record(session, type, data) {
      const sealed = sealJson(data);
      session.events = events.append({
        tenantId: session.tenantId,
        callId: session.storeCallId,
        type,
        dataEnc: sealed.enc,
        keyId: sealed.keyId,
        now: now(),
      });
    },
    drop(session) {
      // Kept a little while so a platform's retry of end_call gets the same summary.
      const timer = setTimeout(() => {
        if (sessions.get(session.callId) === session) sessions.delete(session.callId);
      }, ENDED_SESSION_GRACE_MS);
      timer.unref();
    },
    idleSince(before) {
      return [...sessions.values()].filter((s) => !s.closed && s.lastActivityAt < before);
    },
    get size() {
      return sessions.size;
    },
  };
}

/**
 * Who this call verified, when its tools ran in another process or an earlier life of this one:
 * the identity workflow records every verification (find_patient and register_patient alike).
 */
async function verifiedEarlier(
  store: Store,
  tenantId: string,
  storeCallId: string,
): Promise<VerifiedPatient | undefined> {
  const event = await store.db
    .selectFrom('call_events')
    .select(['data_enc', 'key_id', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('call_id', '=', storeCallId)
    .where('type', '=', IDENTITY_VERIFIED_EVENT)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (event?.data_enc == null) return undefined;
  const { patientId } = openJson<{ patientId: string }>(event.data_enc, event.key_id);
  return { patientId, verifiedAt: Number(event.at) };
}

/** Most events one transaction commits. */
export const MAX_EVENT_BATCH = 256;

// Call events are written in batches, one transaction each (group commit): with a durable store
// every commit is an fsync (DESIGN.md section 7), and two per tool call at 200 concurrent calls
// would queue every call behind the disk. Events keep their order: one queue,
// written by one writer, and each call's seq comes from its own counter (store/calls.ts).
//
// Where the store keeps lazy writes in order (Store.ordersLazyWrites: SQLite), each batch is
// handed over at once, on a microtask, without waiting for the one before to commit: a tool
// call's last events then reach the store before its audit record and go in that commit, rather
// than in a commit of their own once the store stops holding them. Elsewhere one batch is written
// at a time, and the events made meanwhile make the next.
function createEventWriter(store: Store, onError: ((error: unknown) => void) | undefined) {
  let queue: { event: NewCallEvent; done: () => void }[] = [];
  let running = false;

  async function write(batch: readonly NewCallEvent[]): Promise<void> {
    try {
      // Events of a call that vanished are dropped and reported; the others are written.
      const { missingCalls } = await appendCallEvents(store, batch);
      for (const callId of missingCalls) {
        onError?.(new EhrgateError('ERR_STORE_CONSTRAINT', `call events of an unknown call ${callId}`));
      }
    } catch (error) {
      onError?.(error);
    }
  }

  async function drain(): Promise<void> {
    running = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, MAX_EVENT_BATCH);
      queue = queue.slice(batch.length);
      const written = write(batch.map((entry) => entry.event)).then(() => {
        for (const entry of batch) entry.done();
      });
      if (!store.ordersLazyWrites) await written;
    }
    running = false;
  }

  return {
    /** Resolves once the event (and every event queued before it) is written or reported. */
    append(event: NewCallEvent): Promise<void> {
      return new Promise<void>((done) => {
        queue.push({ event, done });
        if (running) return;
        running = true;
        if (store.ordersLazyWrites) queueMicrotask(() => void drain());
        else setImmediate(() => void drain());
      });
    },
  };
}
