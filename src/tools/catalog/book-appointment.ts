// book_appointment: a verified write (DESIGN.md section 4) of the time behind an offer from
// find_slots, for the patient find_patient verified in this call, never a patient id the model
// typed.
import { z } from 'zod';
import { appointmentViewSchema, writeOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

// Cerner keeps at most 255 characters of reason text (DESIGN.md section 5); the adapter cuts it
// and warns, so a longer reason is not refused here, only bounded.
const MAX_REASON_CHARS = 1_000;

const input = z.strictObject({
  offer: z
    .string()
    .min(1)
    .describe('The `offer` token of the time the caller chose, from find_slots in this call.'),
  reason: z
    .string()
    .min(1)
    .max(MAX_REASON_CHARS)
    .optional()
    .describe("The reason for the visit in the caller's words, short."),
  note: z.string().min(1).max(MAX_REASON_CHARS).optional().describe('Anything staff should know, short.'),
});

// A taken slot is a failed outcome carrying fresh alternatives (failedOutcomeSchema).
const output = writeOutcomeSchema(appointmentViewSchema);

export const bookAppointmentTool = defineTool({
  name: 'book_appointment',
  description:
    'Book the appointment time the caller chose, for the caller verified with find_patient. Pass the `offer` ' +
    "token from find_slots unchanged. Say only the returned `say`: 'confirmed' means the clinic system holds " +
    "the booking; 'queued' means staff will finish it (never tell the caller it is booked); 'failed' with " +
    "reason 'slot_taken' comes with fresh `alternatives` to offer instead.",
  input,
  output,
  workflow: 'scheduling',
  patientBound: true,
  available: (tools) => tools.scheduling !== undefined,
  async handler(args, { tools, session, idempotencyKey }) {
    const result = await tools.scheduling!.book({
      callId: session.storeCallId,
      idempotencyKey,
      offer: args.offer,
      patientId: session.patient!.patientId,
      ...(args.reason === undefined ? {} : { reason: args.reason }),
      ...(args.note === undefined ? {} : { note: args.note }),
    });
    if (result.status === 'failed' && result.alternatives) {
      session.offersMade.push(...result.alternatives.map((offer) => offer.start));
    }
    return result;
  },
});
