// The scheduling faults (fault-kinds.ts registers them; DESIGN.md section 8): what the code that
// handles a write does when one is active on the request (faults.ts, "handler" phase).
//
//   slot-taken           before the booking is handled, a simulated patient-portal booking takes
//                        the slot (busy + an Appointment for another seeded patient), so the
//                        request then fails the way the personality fails a taken slot.
//   ack-not-persisted    the write is answered as if it had succeeded (status, body, ETag) but
//                        nothing is stored: a read-back finds nothing (404) or the old version.
//   commit-then-timeout  the write is stored, then the answer never comes: the connection is held
//                        until the client gives up or the sandbox closes, as the timeout fault does.

import type { Appointment, Patient, Resource } from '@medplum/fhirtypes';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { applyPatch } from 'rfc6902';
import { activeFault } from '../faults.ts';
import type { FhirStore, PatchOperation, StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import { assertValidResource } from '../validate.ts';
import { bookedAppointment, claimSlot, currentSlot } from './slots.ts';

export const SLOT_TAKEN_FAULT = 'slot-taken';
export const ACK_NOT_PERSISTED_FAULT = 'ack-not-persisted';
export const COMMIT_THEN_TIMEOUT_FAULT = 'commit-then-timeout';

/** The comment on the appointment the simulated portal books, so tests can tell it apart. */
export const PORTAL_BOOKING_COMMENT = 'Booked through the patient portal (sandbox slot-taken fault)';

export function isFaultActive(request: FastifyRequest, name: string): boolean {
  return activeFault(request, name) !== undefined;
}

/**
 * The slot-taken fault: for each slot still free, a patient other than `requesterPatientId`
 * books it through the "portal". Returns the portal appointments created.
 */
export async function takeSlotsByPortal(
  store: FhirStore,
  slotIds: readonly string[],
  requesterPatientId?: string,
): Promise<StoredResource<Appointment>[]> {
  const booked: StoredResource<Appointment>[] = [];
  for (const slotId of slotIds) {
    if (currentSlot(store, slotId)?.status !== 'free') continue;
    const patient = otherPatient(store, requesterPatientId);
    if (patient === undefined) {
      throw fhirError(500, 'exception', 'slot-taken fault: the store holds no patient to book the slot for');
    }
    const slot = await claimSlot(store, slotId);
    const appointment = bookedAppointment(
      store,
      slot,
      { reference: `Patient/${patient.id}` },
      { comment: PORTAL_BOOKING_COMMENT, created: new Date().toISOString() },
    );
    booked.push((await store.create(appointment)).resource);
  }
  return booked;
}

function otherPatient(store: FhirStore, excludedId: string | undefined): Patient | undefined {
  for (const patient of store.all('Patient')) if (patient.id !== excludedId) return patient as Patient;
  return undefined;
}

/**
 * The ack-not-persisted fault: the resource as the store would have answered a write of it
 * (validated, with an id and the next version), without storing anything.
 */
export function unpersisted<T extends Resource>(
  resource: T,
  options: { id?: string; previousVersionId?: string; now?: Date } = {},
): StoredResource<T> {
  const version = options.previousVersionId === undefined ? 1 : Number(options.previousVersionId) + 1;
  const { versionId: _v, lastUpdated: _l, ...keptMeta } = resource.meta ?? {};
  const result = {
    ...resource,
    id: options.id ?? crypto.randomUUID(),
    meta: {
      ...keptMeta,
      versionId: String(version),
      lastUpdated: (options.now ?? new Date()).toISOString(),
    },
  } as StoredResource<T>;
  assertValidResource(result);
  return result;
}

/** A JSON Patch applied to a copy of `existing` (ack-not-persisted and rule checks; RFC 6902). */
export function patchedCopy<T extends Resource>(existing: T, operations: readonly PatchOperation[]): T {
  const copy = structuredClone(existing) as T;
  let results: ReturnType<typeof applyPatch>;
  try {
    results = applyPatch(copy, operations as Parameters<typeof applyPatch>[1]);
  } catch (error) {
    throw fhirError(400, 'invalid', `invalid JSON Patch: ${(error as Error).message}`);
  }
  const failed = results.find((r) => r !== null);
  // RFC 5789 section 2.2: a patch that cannot be applied to the resource is 422.
  if (failed) throw fhirError(422, 'processing', `JSON Patch could not be applied: ${failed.message}`);
  return copy;
}

const WRITE_INTERACTIONS = new Set(['create', 'update', 'patch', 'delete']);
/** Operations that change data (auth/scopes.ts maps $book and $hold to create). */
const WRITE_OPERATIONS = new Set(['book', 'hold']);

function isWrite(request: FastifyRequest): boolean {
  const config = (request.routeOptions.config ?? {}) as { interaction?: string; operation?: string };
  if (config.interaction === 'operation') return WRITE_OPERATIONS.has(config.operation ?? '');
  return WRITE_INTERACTIONS.has(config.interaction ?? '');
}

/**
 * The commit-then-timeout fault, as an onSend hook: a successful write (already stored) is not
 * answered; the request is held until the client closes the connection or the sandbox closes
 * (server.ts: forceCloseConnections), then dropped without a byte sent.
 */
export async function holdCommittedWrite(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  if (!isFaultActive(request, COMMIT_THEN_TIMEOUT_FAULT) || reply.statusCode >= 400 || !isWrite(request)) {
    return payload;
  }
  const socket = request.raw.socket;
  if (!socket.destroyed) {
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  }
  reply.hijack();
  return payload;
}
