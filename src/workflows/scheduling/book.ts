// book: a verified write (verified-write.ts) of the slot behind a signed offer.
import type { BookRequest } from '../../ehr/adapter.ts';
import { failed, type WriteOutcome } from '../outcome.ts';
import { appointmentView, NOT_AUTHORIZED_SAY, scopeCheck } from './answers.ts';
import { appointmentDifferences } from './compare-appointment.ts';
import type { SchedulingContext } from './context.ts';
import { slotTakenOutcome } from './find-alternatives.ts';
import { staffInstruction } from './staff-instructions.ts';
import { runVerifiedWrite } from './verified-write.ts';
import { candidateNames, checkOffer, idempotencyCheck, QUEUED_SAY } from './write-input.ts';

export type BookInput = {
  /** The store's call id (`openCall`): offers are bound to it, outbox rows and work items reference it. */
  readonly callId: string;
  /** Unique per tool call; the platform's retries of the same call repeat it. */
  readonly idempotencyKey: string;
  /** A token from findSlots of this call. */
  readonly offer: string;
  /** The verified patient's EHR id. */
  readonly patientId: string;
  /** Reason for visit as the caller said it (the adapter cuts it to the vendor's limit). */
  readonly reason?: string;
  /** Free text for staff. */
  readonly note?: string;
  readonly signal?: AbortSignal;
};

export const BOOK_TOOL = 'book_appointment';

export async function book(context: SchedulingContext, input: BookInput): Promise<WriteOutcome> {
  const { catalog } = context;
  const hashed = {
    offer: input.offer,
    patientId: input.patientId,
    reason: input.reason,
    note: input.note,
  };
  const repeat = await idempotencyCheck(context, BOOK_TOOL, input, hashed);
  if (repeat.outcome) return repeat.outcome;
  if (typeof input.patientId !== 'string' || input.patientId.trim() === '') {
    return failed('invalid_input', 'I need to confirm who the appointment is for first.', {
      field: 'patientId',
    });
  }
  if (input.reason !== undefined && typeof input.reason !== 'string') {
    return failed('invalid_input', 'I need the reason for the visit in words.', { field: 'reason' });
  }
  const checked = checkOffer(context, input.offer, input.callId);
  if ('status' in checked) return checked;
  const { candidate, visitType } = checked;
  const refused = scopeCheck(context);
  if (refused) return refused;

  const request: BookRequest = {
    candidate,
    visitType,
    patientId: input.patientId,
    idempotencyKey: input.idempotencyKey,
    ...(input.note === undefined ? {} : { note: input.note }),
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  const names = candidateNames(context, candidate);
  const spoken = checked.say;
  return runVerifiedWrite(
    {
      store: context.store,
      tenantId: catalog.tenantId,
      callId: input.callId,
      kind: 'appointment.book',
      tool: BOOK_TOOL,
      idempotencyKey: input.idempotencyKey,
      requestHash: repeat.requestHash,
      staffQueue: catalog.staffQueue,
      intent: {
        patientId: input.patientId,
        candidate,
        visitTypeId: visitType.id,
        visitTypeCoding: visitType.coding,
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(input.note === undefined ? {} : { note: input.note }),
        spoken,
      },
      say: {
        queued: QUEUED_SAY,
        notAuthorized: NOT_AUTHORIZED_SAY,
        rejected: "The scheduling system wouldn't accept that booking. Would you like a different time?",
        notFound: "I couldn't find that opening anymore. Would you like a different time?",
      },
      findExisting: () => context.adapter.findBooked(request),
      send: () => context.adapter.book(request),
      read: (id) => context.adapter.readAppointment(id, input.signal),
      compare: (record) =>
        appointmentDifferences(record, {
          status: 'booked',
          patientId: input.patientId,
          start: candidate.start,
          ...(candidate.practitioner === undefined ? {} : { practitionerId: candidate.practitioner.id }),
          ...(candidate.location === undefined ? {} : { locationId: candidate.location.id }),
        }),
      confirm: (record, warnings) => ({
        status: 'confirmed',
        say: `You're booked for ${spoken}.`,
        data: appointmentView(context, record, names),
        ...(warnings.length === 0 ? {} : { warnings }),
      }),
      slotTaken: () =>
        slotTakenOutcome(context, {
          callId: input.callId,
          taken: candidate,
          visitType,
          patientId: input.patientId,
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        }),
      staffInstruction: (reason, note) =>
        staffInstruction(
          {
            action: 'Book',
            patientId: input.patientId,
            time: `${candidate.start} (${spoken})`,
            ...(input.reason === undefined ? {} : { reason: input.reason }),
          },
          reason,
          note,
        ),
    },
    context.write,
  );
}
