// reschedule: a verified write that ends with the EHR showing the patient's appointment at the
// offered time. The adapter decides how (Cerner PATCH of the slot, a new appointment elsewhere);
// the read-back checks the appointment the adapter returns, whatever its id.
import type { BookRequest, RescheduleRequest } from '../../ehr/adapter.ts';
import type { WriteOutcome } from '../outcome.ts';
import { appointmentView, NOT_AUTHORIZED_SAY } from './answers.ts';
import { appointmentDifferences } from './compare-appointment.ts';
import type { SchedulingContext } from './context.ts';
import { slotTakenOutcome } from './find-alternatives.ts';
import {
  APPOINTMENT_NOT_FOUND_SAY,
  appointmentToChange,
  changeInputProblem,
  isFailed,
} from './owned-appointment.ts';
import { staffInstruction } from './staff-instructions.ts';
import { runVerifiedWrite } from './verified-write.ts';
import { candidateNames, checkOffer, idempotencyCheck, QUEUED_SAY } from './write-input.ts';

export type RescheduleInput = {
  readonly callId: string;
  readonly idempotencyKey: string;
  readonly appointmentId: string;
  readonly patientId: string;
  /** A token from findSlots of this call: the new time. */
  readonly offer: string;
  readonly signal?: AbortSignal;
};

export const RESCHEDULE_TOOL = 'reschedule_appointment';

export async function reschedule(context: SchedulingContext, input: RescheduleInput): Promise<WriteOutcome> {
  const { catalog } = context;
  const repeat = await idempotencyCheck(context, RESCHEDULE_TOOL, input, {
    appointmentId: input.appointmentId,
    patientId: input.patientId,
    offer: input.offer,
  });
  if (repeat.outcome) return repeat.outcome;
  const badInput = changeInputProblem(input, 'Which appointment would you like to move?');
  if (badInput) return badInput;
  const checked = checkOffer(context, input.offer, input.callId);
  if ('status' in checked) return checked;
  const { candidate, visitType } = checked;
  const target = await appointmentToChange(context, input);
  if (isFailed(target)) return target;
  const { original, spoken: oldTime } = target;

  const request: RescheduleRequest = {
    appointmentId: input.appointmentId,
    candidate,
    visitType,
    idempotencyKey: input.idempotencyKey,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  // Step 2 for an adapter that moves by booking anew: the new appointment this request created.
  const asBooking: BookRequest = {
    candidate,
    visitType,
    patientId: input.patientId,
    idempotencyKey: input.idempotencyKey,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  const expected = {
    status: 'booked',
    patientId: input.patientId,
    start: candidate.start,
    ...(candidate.practitioner === undefined ? {} : { practitionerId: candidate.practitioner.id }),
    ...(candidate.location === undefined ? {} : { locationId: candidate.location.id }),
  };
  return runVerifiedWrite(
    {
      store: context.store,
      tenantId: catalog.tenantId,
      callId: input.callId,
      kind: 'appointment.reschedule',
      tool: RESCHEDULE_TOOL,
      idempotencyKey: input.idempotencyKey,
      requestHash: repeat.requestHash,
      staffQueue: catalog.staffQueue,
      intent: {
        appointmentId: input.appointmentId,
        patientId: input.patientId,
        candidate,
        visitTypeId: visitType.id,
        ...(original?.start === undefined ? {} : { previousStart: original.start }),
        spoken: checked.say,
      },
      say: {
        queued: QUEUED_SAY,
        notAuthorized: NOT_AUTHORIZED_SAY,
        rejected: "The scheduling system wouldn't move that appointment. Would you like a different time?",
        notFound: APPOINTMENT_NOT_FOUND_SAY,
      },
      findExisting: async () => {
        const current = await context.adapter.readAppointment(input.appointmentId, input.signal);
        if (appointmentDifferences(current, expected).length === 0) return current;
        return context.adapter.findBooked(asBooking);
      },
      send: () => context.adapter.reschedule(request),
      read: (id) => context.adapter.readAppointment(id, input.signal),
      compare: (record) => appointmentDifferences(record, expected),
      confirm: (record, warnings) => ({
        status: 'confirmed',
        say: `Your appointment is now ${checked.say}.`,
        data: appointmentView(context, record, candidateNames(context, candidate)),
        ...(warnings.length === 0 ? {} : { warnings }),
      }),
      slotTaken: () =>
        slotTakenOutcome(
          context,
          {
            callId: input.callId,
            taken: candidate,
            visitType,
            patientId: input.patientId,
            ...(input.signal === undefined ? {} : { signal: input.signal }),
          },
          'your current appointment is unchanged',
        ),
      staffInstruction: (why, note) =>
        staffInstruction(
          {
            action: 'Reschedule',
            patientId: input.patientId,
            appointmentId: input.appointmentId,
            ...(original?.start === undefined ? {} : { time: `${original.start} (${oldTime})` }),
            newTime: `${candidate.start} (${checked.say})`,
          },
          why,
          note,
        ),
    },
    context.write,
  );
}
