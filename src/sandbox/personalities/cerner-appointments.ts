// Cerner-like Appointment writes (DESIGN.md section 5; Oracle Health's Appointment create and
// patch documentation; body as cerner/R4_APPOINTMENT_CREATE.json):
//
// POST [base]/Appointment: `status: booked`, exactly one `slot`, exactly one Patient participant
// with `status: accepted`, optional `reasonCode[0].text` (text only, at most 255 characters) and
// `comment`; other elements are not kept. A busy or unknown slot is 422. The stored appointment
// gets the slot's start and end (invariant app-3) and its schedule's practitioner and location;
// the slot turns busy. Answer: 201, `Location: [base]/Appointment/{id}`, `ETag: W/"0"`, no body
// unless `Prefer: return=representation`.
//
// PATCH [base]/Appointment/{id}: JSON Patch with If-Match (412 without, 409 when stale). Cancel =
// replace `/status` with `cancelled` (+ add `/cancelationReason`): the slot is freed. Reschedule =
// replace `/slot` with one free slot: start and end follow, the old slot is freed, a busy one is
// 422. Cerner's documented example writes the path without the leading slash (`"path": "status"`,
// fhir.cerner.com r4_examples_appointment.rb R4_APPOINTMENT_PATCH), so both spellings are taken.

import type { Appointment, CodeableConcept, Reference, Slot } from '@medplum/fhirtypes';
import type { FhirStore, PatchOperation, StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';
import type { FhirReply, InteractionContext } from '../personality.ts';
import { bookedAppointment, claimSlot, currentSlot, releaseSlot, slotIdOf } from '../scheduling/slots.ts';
import {
  ACK_NOT_PERSISTED_FAULT,
  isFaultActive,
  patchedCopy,
  SLOT_TAKEN_FAULT,
  takeSlotsByPortal,
  unpersisted,
} from '../scheduling/write-faults.ts';
import { asCerner, cernerEtag, storeVersionFromIfMatch } from './cerner-versions.ts';

/** Oracle Health documents `reasonCode[0].text` as limited to 255 characters. */
export const CERNER_REASON_MAX_CHARS = 255;

const JSON_PATCH = 'application/json-patch+json';

/** Statuses a booked appointment may be moved to by PATCH. */
const PATCHABLE_STATUSES = new Set(['booked', 'arrived', 'checked-in', 'fulfilled', 'noshow', 'cancelled']);

function rule(diagnostics: string, expression?: string): never {
  throw fhirError(422, 'business-rule', diagnostics, expression === undefined ? {} : { expression });
}

function header(context: InteractionContext, name: string): string | undefined {
  const value = context.request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function wantsRepresentation(context: InteractionContext): boolean {
  return /return\s*=\s*representation/i.test(header(context, 'prefer') ?? '');
}

function reply(
  context: InteractionContext,
  status: number,
  resource: StoredResource<Appointment>,
  extraHeaders: Record<string, string> = {},
): FhirReply {
  const cerner = asCerner(resource);
  return {
    status,
    headers: {
      etag: cernerEtag(resource),
      'last-modified': new Date(resource.meta.lastUpdated).toUTCString(),
      ...extraHeaders,
    },
    ...(wantsRepresentation(context) ? { body: cerner } : {}),
  };
}

function slotRefused(store: FhirStore, slotId: string): void {
  const slot = currentSlot(store, slotId);
  if (slot === undefined) rule(`Slot/${slotId} does not exist`, 'Appointment.slot');
  if (slot.status !== 'free') rule(`Slot/${slotId} is not free (status ${slot.status})`, 'Appointment.slot');
}

function checkReasonCode(reasonCode: CodeableConcept[] | undefined): CodeableConcept[] | undefined {
  if (reasonCode === undefined) return undefined;
  if (!Array.isArray(reasonCode) || reasonCode.length !== 1) {
    rule('reasonCode takes exactly one entry, with text only', 'Appointment.reasonCode');
  }
  const [reason] = reasonCode;
  const keys = Object.keys(reason ?? {});
  if (keys.some((key) => key !== 'text') || typeof reason.text !== 'string' || reason.text.trim() === '') {
    rule('reasonCode[0] supports free text only (reasonCode[0].text)', 'Appointment.reasonCode[0]');
  }
  if (reason.text.length > CERNER_REASON_MAX_CHARS) {
    rule(
      `reasonCode[0].text is ${reason.text.length} characters; at most ${CERNER_REASON_MAX_CHARS} are allowed`,
      'Appointment.reasonCode[0].text',
    );
  }
  return [{ text: reason.text }];
}

export async function cernerCreateAppointment(context: InteractionContext): Promise<FhirReply> {
  const { store } = context;
  const body = context.request.body as Partial<Appointment> | undefined;
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    body.resourceType !== 'Appointment'
  ) {
    throw fhirError(400, 'invalid', 'the body must be an Appointment resource in JSON', {
      expression: 'resourceType',
    });
  }
  if (body.status !== 'booked')
    rule(`status must be 'booked', got '${String(body.status)}'`, 'Appointment.status');
  const slots = Array.isArray(body.slot) ? body.slot : [];
  const slotId = slots.length === 1 ? slotIdOf(slots[0]) : undefined;
  if (slotId === undefined) rule('exactly one slot reference (Slot/{id}) is required', 'Appointment.slot');
  const patients = (Array.isArray(body.participant) ? body.participant : []).filter((p) =>
    /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(p?.actor?.reference ?? ''),
  );
  if (patients.length !== 1) rule('exactly one Patient participant is required', 'Appointment.participant');
  const [patient] = patients;
  if (patient.status !== 'accepted') {
    rule("the Patient participant's status must be 'accepted'", 'Appointment.participant.status');
  }
  const patientId = (patient.actor?.reference ?? '').slice('Patient/'.length);
  if (store.get('Patient', patientId) === undefined) {
    rule(`Patient/${patientId} does not exist`, 'Appointment.participant.actor');
  }
  const reasonCode = checkReasonCode(body.reasonCode);
  if (body.comment !== undefined && typeof body.comment !== 'string') {
    throw fhirError(400, 'invalid', 'comment must be a string', { expression: 'Appointment.comment' });
  }

  if (isFaultActive(context.request, SLOT_TAKEN_FAULT)) await takeSlotsByPortal(store, [slotId], patientId);
  slotRefused(store, slotId);
  const slot = currentSlot(store, slotId) as StoredResource<Slot>;
  const appointment = bookedAppointment(
    store,
    slot,
    { reference: `Patient/${patientId}` } as Reference<never>,
    {
      ...(reasonCode === undefined ? {} : { reasonCode }),
      ...(body.comment === undefined ? {} : { comment: body.comment }),
      created: new Date().toISOString(),
    },
  );
  // Validates before anything changes, so a refused body never leaves the slot busy.
  const preview = unpersisted(appointment);
  if (isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) {
    return reply(context, 201, preview as StoredResource<Appointment>, {
      location: `${context.baseUrl}/Appointment/${preview.id}`,
    });
  }
  try {
    await claimSlot(store, slotId);
  } catch {
    rule(`Slot/${slotId} is not free`, 'Appointment.slot');
  }
  let stored: StoredResource<Appointment>;
  try {
    stored = (await store.create(appointment)).resource;
  } catch (error) {
    await releaseSlot(store, slotId);
    throw error;
  }
  return reply(context, 201, stored, { location: `${context.baseUrl}/Appointment/${stored.id}` });
}

function patchOperations(context: InteractionContext): PatchOperation[] {
  const contentType = header(context, 'content-type') ?? '';
  if (!contentType.toLowerCase().startsWith(JSON_PATCH)) {
    throw fhirError(415, 'not-supported', `PATCH takes ${JSON_PATCH}`);
  }
  const body = context.request.body;
  const valid =
    Array.isArray(body) &&
    body.every(
      (op) =>
        typeof op === 'object' && op !== null && typeof op.op === 'string' && typeof op.path === 'string',
    );
  if (!valid)
    throw fhirError(400, 'invalid', 'a JSON Patch is an array of {op, path, ...} objects (RFC 6902)');
  return (body as PatchOperation[]).map((op) => ({
    ...op,
    path: op.path.startsWith('/') ? op.path : `/${op.path}`,
  }));
}

function checkOperations(operations: readonly PatchOperation[]): void {
  for (const { op, path } of operations) {
    if (op === 'test') continue;
    const allowed =
      (op === 'replace' && (path === '/status' || path === '/slot')) ||
      ((op === 'add' || op === 'replace') && path === '/cancelationReason');
    if (!allowed) {
      rule(
        `'${op} ${path}' is not supported; use replace /status, add /cancelationReason or replace /slot`,
        'Appointment',
      );
    }
  }
}

export async function cernerPatchAppointment(context: InteractionContext): Promise<FhirReply> {
  const { store } = context;
  const id = context.id as string;
  const operations = patchOperations(context);
  const ifMatch = storeVersionFromIfMatch(header(context, 'if-match'));
  if (ifMatch === undefined) throw fhirError(412, 'invalid', 'PATCH requires an If-Match header');
  const existing = store.read<Appointment>('Appointment', id);
  if (existing.meta.versionId !== ifMatch) {
    throw fhirError(
      409,
      'conflict',
      `Appointment/${id} is at version ${Number(existing.meta.versionId) - 1}, not ${Number(ifMatch) - 1} (If-Match)`,
    );
  }
  checkOperations(operations);
  const patched = patchedCopy(existing, operations) as Appointment;
  const oldSlotId = slotIdOf(existing.slot?.[0]);
  const newSlots = patched.slot ?? [];
  const newSlotId = newSlots.length === 1 ? slotIdOf(newSlots[0]) : undefined;
  const moving = operations.some((o) => o.path === '/slot');

  if (existing.status === 'cancelled')
    rule(`Appointment/${id} is cancelled and cannot be changed`, 'Appointment.status');
  if (!PATCHABLE_STATUSES.has(patched.status))
    rule(`status cannot be set to '${patched.status}'`, 'Appointment.status');
  if (patched.cancelationReason !== undefined && patched.status !== 'cancelled') {
    rule('cancelationReason is only allowed when the status is cancelled', 'Appointment.cancelationReason');
  }
  if (moving) {
    if (newSlotId === undefined) rule('slot must hold exactly one Slot reference', 'Appointment.slot');
    if (patched.status !== 'booked')
      rule('only a booked appointment can be moved to another slot', 'Appointment.slot');
    if (isFaultActive(context.request, SLOT_TAKEN_FAULT) && newSlotId !== oldSlotId) {
      const patientRef = existing.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor
        ?.reference;
      await takeSlotsByPortal(store, [newSlotId], patientRef?.slice('Patient/'.length));
    }
    if (newSlotId !== oldSlotId) slotRefused(store, newSlotId);
    const slot = currentSlot(store, newSlotId) as StoredResource<Slot>;
    patched.start = slot.start;
    patched.end = slot.end;
    patched.slot = [{ reference: `Slot/${newSlotId}` }];
  }
  const preview = unpersisted(patched, { id, previousVersionId: existing.meta.versionId });
  if (isFaultActive(context.request, ACK_NOT_PERSISTED_FAULT)) return reply(context, 200, preview);

  const rescheduled = moving && newSlotId !== undefined && newSlotId !== oldSlotId;
  if (rescheduled) {
    try {
      await claimSlot(store, newSlotId);
    } catch {
      rule(`Slot/${newSlotId} is not free`, 'Appointment.slot');
    }
  }
  let stored: StoredResource<Appointment>;
  try {
    stored = (await store.update('Appointment', id, patched, { ifMatch })).resource;
  } catch (error) {
    if (rescheduled) await releaseSlot(store, newSlotId);
    throw error;
  }
  const freed = patched.status === 'cancelled' || patched.status === 'noshow' || rescheduled;
  if (freed && oldSlotId !== undefined) await releaseSlot(store, oldSlotId);
  return reply(context, 200, stored);
}
