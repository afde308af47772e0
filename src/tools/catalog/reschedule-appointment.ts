// reschedule_appointment: moves the verified patient's appointment to the time behind an offer
// from find_slots, as one verified write.
import { z } from 'zod';
import { appointmentViewSchema, writeOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  appointmentId: z.string().min(1).max(128).describe('The `appointmentId` from list_appointments.'),
  offer: z.string().min(1).describe('The `offer` token of the new time, from find_slots in this call.'),
});

export const rescheduleAppointmentTool = defineTool({
  name: 'reschedule_appointment',
  description:
    "Move one of the verified caller's appointments to a new time: pass its `appointmentId` (list_appointments) " +
    "and the `offer` token of the new time (find_slots). Read the `say` sentence; 'failed' with reason " +
    "'slot_taken' comes with fresh `alternatives`; 'queued' means staff will finish it.",
  input,
  output: writeOutcomeSchema(appointmentViewSchema),
  workflow: 'scheduling',
  patientBound: true,
  available: (tools) => tools.scheduling !== undefined,
  async handler(args, { tools, session, idempotencyKey }) {
    const result = await tools.scheduling!.reschedule({
      callId: session.storeCallId,
      idempotencyKey,
      appointmentId: args.appointmentId,
      patientId: session.patient!.patientId,
      offer: args.offer,
    });
    if (result.status === 'failed' && result.alternatives) {
      session.offersMade.push(...result.alternatives.map((offer) => offer.start));
    }
    return result;
  },
});
