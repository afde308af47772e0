// list_appointments: the verified patient's upcoming appointments, live from the EHR.
import { z } from 'zod';
import { appointmentViewSchema, failedOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  from: z.string().min(1).max(40).optional().describe('Earliest date, YYYY-MM-DD. Default: now.'),
});

const output = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('found'),
    say: z.string(),
    appointments: z.array(appointmentViewSchema).readonly(),
  }),
  failedOutcomeSchema,
]);

export const listAppointmentsTool = defineTool({
  name: 'list_appointments',
  description:
    "List the verified caller's upcoming appointments. Read the `say` sentence; use an appointment's " +
    '`appointmentId` to cancel or reschedule it.',
  input,
  output,
  workflow: 'scheduling',
  patientBound: true,
  readOnly: true,
  available: (tools) => tools.scheduling !== undefined,
  handler: (args, { tools, session }) =>
    tools.scheduling!.listAppointments({
      patientId: session.patient!.patientId,
      ...(args.from === undefined ? {} : { from: args.from }),
    }),
});
