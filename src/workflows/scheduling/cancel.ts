// cancel: a verified write that ends with the EHR showing the appointment cancelled. Where the
// vendor has no cancel API (Epic, DESIGN.md section 5) the adapter throws ERR_EHR_UNSUPPORTED and
// the caller's request becomes a staff work item naming the appointment, patient, time and reason.
import { failed, type WriteOutcome } from '../outcome.ts';
import { appointmentView, NOT_AUTHORIZED_SAY } from './answers.ts';
import { appointmentDifferences } from './compare-appointment.ts';
import type { SchedulingContext } from './context.ts';
import {
  APPOINTMENT_NOT_FOUND_SAY,
  appointmentToChange,
  changeInputProblem,
  isFailed,
} from './owned-appointment.ts';
import { staffInstruction } from './staff-instructions.ts';
import { runVerifiedWrite } from './verified-write.ts';
import { idempotencyCheck, QUEUED_SAY } from './write-input.ts';

export type CancelInput = {
  readonly callId: string;
  readonly idempotencyKey: string;
  readonly appointmentId: string;
  /** The verified patient's EHR id: only their own appointments can be cancelled. */
  readonly patientId: string;
  /** Why, as the caller said it (Cerner cancelationReason text). */
  readonly reason?: string;
  readonly signal?: AbortSignal;
};

export const CANCEL_TOOL = 'cancel_appointment';
export const DEFAULT_CANCEL_REASON = 'Cancelled by the patient by phone';

export async function cancel(context: SchedulingContext, input: CancelInput): Promise<WriteOutcome> {
  const { catalog } = context;
  const reason = input.reason ?? DEFAULT_CANCEL_REASON;
  const repeat = await idempotencyCheck(context, CANCEL_TOOL, input, {
    appointmentId: input.appointmentId,
    patientId: input.patientId,
    reason: input.reason,
  });
  if (repeat.outcome) return repeat.outcome;
  const badInput = changeInputProblem(input, 'Which appointment would you like to cancel?');
  if (badInput) return badInput;
  if (typeof reason !== 'string') {
    return failed('invalid_input', 'I need the reason in words.', { field: 'reason' });
  }
  const target = await appointmentToChange(context, input);
  if (isFailed(target)) return target;
  const { original, spoken: when } = target;

  const request = {
    appointmentId: input.appointmentId,
    reason,
    idempotencyKey: input.idempotencyKey,
    ...(input.signal === undefined ? {} : { signal: input.signal }),
  };
  return runVerifiedWrite(
    {
      store: context.store,
      tenantId: catalog.tenantId,
      callId: input.callId,
      kind: 'appointment.cancel',
      tool: CANCEL_TOOL,
      idempotencyKey: input.idempotencyKey,
      requestHash: repeat.requestHash,
      staffQueue: catalog.staffQueue,
      intent: {
        appointmentId: input.appointmentId,
        patientId: input.patientId,
        reason,
        ...(original?.start === undefined ? {} : { start: original.start }),
      },
      say: {
        queued: QUEUED_SAY,
        notAuthorized: NOT_AUTHORIZED_SAY,
        rejected:
          "The scheduling system wouldn't let me cancel that appointment. I'll have staff look at it.",
        notFound: APPOINTMENT_NOT_FOUND_SAY,
      },
      // Step 2: already cancelled (by an earlier attempt of this request) means go to read-back.
      findExisting: async () => {
        const record = await context.adapter.readAppointment(input.appointmentId, input.signal);
        return record.status === 'cancelled' ? record : undefined;
      },
      send: () => context.adapter.cancel(request),
      read: (id) => context.adapter.readAppointment(id, input.signal),
      compare: (record) =>
        appointmentDifferences(record, {
          status: 'cancelled',
          patientId: input.patientId,
          ...(original?.start === undefined ? {} : { start: original.start }),
        }),
      confirm: (record, warnings) => {
        const data = appointmentView(context, record);
        return {
          status: 'confirmed',
          say: `Your appointment on ${data.spokenTime} is cancelled.`,
          data,
          ...(warnings.length === 0 ? {} : { warnings }),
        };
      },
      slotTaken: async () =>
        failed('rejected', "The scheduling system wouldn't let me cancel that appointment."),
      staffInstruction: (why, note) =>
        staffInstruction(
          {
            action: 'Cancel',
            patientId: input.patientId,
            appointmentId: input.appointmentId,
            ...(original?.start === undefined ? {} : { time: `${original.start} (${when})` }),
            reason,
          },
          why,
          note,
        ),
    },
    context.write,
  );
}
