// The built-in fault kinds (the registry faults.ts applies). Each is small on purpose: a new
// kind is one object here plus its test; see the header of faults.ts for the two phases.

import { setTimeout as delay } from 'node:timers/promises';
import type { FaultContext, FaultKind } from './faults.ts';
import { fhirError, issue, issueCodeForStatus, outcome } from './lib/outcome.ts';

/** Ten minutes: longer than any client deadline, short enough that a typo cannot park a test forever. */
export const MAX_FAULT_LATENCY_MS = 600_000;

function integer(raw: unknown, what: string, min: number, max: number): number {
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw fhirError(
      400,
      'invalid',
      `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** Stops waiting quietly: the client left or the sandbox closes, so nothing may be sent. */
function abandon(context: FaultContext): 'handled' {
  context.reply.hijack();
  return 'handled';
}

export const latencyFault: FaultKind<number> = {
  name: 'latency',
  ruleField: 'latencyMs',
  phase: 'request',
  description: 'wait this many milliseconds before handling the request',
  parse: (raw) => integer(raw, 'latency', 0, MAX_FAULT_LATENCY_MS),
  async apply(context, ms) {
    try {
      await delay(ms, undefined, { signal: context.signal });
      return 'continue';
    } catch {
      return abandon(context);
    }
  },
};

/**
 * Accepts the request and never answers, until the client gives up or the sandbox closes: the
 * shape of an EHR that committed nothing (or everything) and went silent.
 */
export const timeoutFault: FaultKind<true> = {
  name: 'timeout',
  ruleField: 'timeout',
  phase: 'request',
  description: 'never answer; hold the connection until the client closes it',
  parse(raw) {
    if (raw === undefined || raw === true || raw === 'true') return true;
    throw fhirError(400, 'invalid', `timeout takes no value (or true), got ${JSON.stringify(raw)}`);
  },
  async apply(context) {
    if (!context.signal.aborted) {
      await new Promise<void>((resolve) =>
        context.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    return abandon(context);
  },
};

/** Seconds for a `Retry-After` header on a `status` fault (RFC 9110 section 10.2.3). */
export const retryAfterFault: FaultKind<number> = {
  name: 'retry-after',
  ruleField: 'retryAfterSeconds',
  phase: 'handler',
  description: 'with status: send Retry-After with this many seconds',
  parse: (raw) => integer(raw, 'retry-after', 0, 86_400),
};

/** Answers with this status and an OperationOutcome, as an EHR's gateway does when it fails. */
export const statusFault: FaultKind<number> = {
  name: 'status',
  ruleField: 'status',
  phase: 'request',
  description: 'answer with this HTTP status (400-599) and an OperationOutcome body',
  parse: (raw) => integer(raw, 'status', 400, 599),
  async apply(context, status) {
    const retryAfter = context.active.get(retryAfterFault.name);
    if (typeof retryAfter === 'number') context.reply.header('retry-after', String(retryAfter));
    await context.reply
      .code(status)
      .type('application/fhir+json')
      .send(outcome(issue(issueCodeForStatus(status), `sandbox fault: HTTP ${status}`)));
    return 'handled';
  },
};

function flag(name: string): (raw: unknown) => true {
  return (raw) => {
    if (raw === undefined || raw === true || raw === 'true') return true;
    throw fhirError(400, 'invalid', `${name} takes no value (or true), got ${JSON.stringify(raw)}`);
  };
}

// The scheduling faults (DESIGN.md section 8: "a slot taken between discovery and booking, a
// write acknowledged but not persisted"). Handler-phase: the write paths honour them, in
// scheduling/write-faults.ts (what each does), fhir-routes.ts (generic CRUD writes),
// personalities/cerner-appointments.ts (POST and PATCH Appointment) and personalities/epic-book.ts
// ($book). Header `X-Sandbox-Fault: slot-taken`, or a rule `{"fault": {"slotTaken": true}}`.

/**
 * Before a booking is handled (Cerner-like POST Appointment, Epic-like $book, generic R4 Slot
 * update or Appointment create) a simulated patient-portal booking takes the slot: it turns busy
 * and another seeded patient gets an Appointment on it. The request then fails as the vendor
 * fails a taken slot: Cerner 422, Epic $book 409 "slot no longer available", generic R4 412 on a
 * Slot update with If-Match and 409 on an Appointment create.
 */
export const slotTakenFault: FaultKind<true> = {
  name: 'slot-taken',
  ruleField: 'slotTaken',
  phase: 'handler',
  description: 'a portal booking takes the slot just before this booking is handled',
  parse: flag('slot-taken'),
};

/** The write is answered as if it succeeded (status, body, ETag) but nothing is stored. */
export const ackNotPersistedFault: FaultKind<true> = {
  name: 'ack-not-persisted',
  ruleField: 'ackNotPersisted',
  phase: 'handler',
  description: 'answer a write as successful without storing anything',
  parse: flag('ack-not-persisted'),
};

/**
 * The write is stored, then no answer ever comes: the connection is held until the client gives
 * up or the sandbox closes (the timeout fault, after the commit instead of before the request).
 */
export const commitThenTimeoutFault: FaultKind<true> = {
  name: 'commit-then-timeout',
  ruleField: 'commitThenTimeout',
  phase: 'handler',
  description: 'store the write, then never answer; hold the connection until the client closes it',
  parse: flag('commit-then-timeout'),
};

/** In the order they apply: wait first, then go silent or fail. */
export const BUILTIN_FAULT_KINDS: readonly FaultKind[] = [
  latencyFault as FaultKind,
  timeoutFault as FaultKind,
  retryAfterFault as FaultKind,
  statusFault as FaultKind,
  slotTakenFault as FaultKind,
  ackNotPersistedFault as FaultKind,
  commitThenTimeoutFault as FaultKind,
];
