// cancel_appointment: a verified write that ends with the EHR showing the verified patient's
// appointment cancelled (or a staff work item where the vendor has no cancel API: Epic).
import { z } from 'zod';
import { appointmentViewSchema, writeOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  appointmentId: z.string().min(1).max(128).describe('The `appointmentId` from list_appointments.'),
  reason: z.string().min(1).max(500).optional().describe("Why, in the caller's words, short."),
});

export const cancelAppointmentTool = defineTool({
  name: 'cancel_appointment',
  description:
    "Cancel one of the verified caller's upcoming appointments (get its `appointmentId` from list_appointments). " +
    "Read the `say` sentence; 'queued' means staff will cancel it, so never say it is already cancelled.",
  input,
  output: writeOutcomeSchema(appointmentViewSchema),
  workflow: 'scheduling',
  patientBound: true,
  available: (tools) => tools.scheduling !== undefined,
  handler: (args, { tools, session, idempotencyKey }) =>
    tools.scheduling!.cancel({
      callId: session.storeCallId,
      idempotencyKey,
      appointmentId: args.appointmentId,
      patientId: session.patient!.patientId,
      ...(args.reason === undefined ? {} : { reason: args.reason }),
    }),
});
