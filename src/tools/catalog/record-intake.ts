// record_intake: the caller's chief complaint and reason for visit, written where the tenant's
// mapping says (Condition, Observation, appointment note or the staff work queue), verified.
import { z } from 'zod';
import { failedOutcomeSchema, queuedOutcomeSchema, recordViewSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

// Generous bounds against abuse only: the workflow refuses over-long text with a sentence the
// agent can speak (intake-input.ts), which a schema error could not give.
const TEXT_BOUND_CHARS = 4_000;

const input = z.strictObject({
  chiefComplaint: z
    .string()
    .min(1)
    .max(TEXT_BOUND_CHARS)
    .describe('The main problem in the caller\'s words, e.g. "sore throat for three days".'),
  reasonForVisit: z.string().min(1).max(TEXT_BOUND_CHARS).optional(),
  onset: z.string().min(1).max(TEXT_BOUND_CHARS).optional().describe('When it started, as said.'),
  symptoms: z.array(z.string().min(1).max(TEXT_BOUND_CHARS)).max(50).optional(),
  appointmentId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('The appointment this intake is for, from book_appointment, when there is one.'),
});

const pieces = z
  .array(z.object({ piece: z.string(), status: z.string(), workItemId: z.string().optional() }))
  .readonly();

const output = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('confirmed'),
    say: z.string(),
    data: z.object({ records: z.array(recordViewSchema).readonly() }),
    warnings: z.array(z.string()).readonly().optional(),
    pieces,
  }),
  failedOutcomeSchema.extend({ pieces: pieces.optional() }),
  queuedOutcomeSchema.extend({ pieces: pieces.optional() }),
]);

export const recordIntakeTool = defineTool({
  name: 'record_intake',
  description:
    'Record why the verified caller is coming in: the chief complaint in their words, and optionally the reason ' +
    "for the visit, onset and symptoms. Read the `say` sentence; 'queued' means staff will add it to the record.",
  input,
  output,
  workflow: 'intake',
  patientBound: true,
  available: (tools) => tools.intake !== undefined,
  handler: (args, { tools, session, idempotencyKey }) =>
    tools.intake!.recordIntake({
      callId: session.storeCallId,
      idempotencyKey,
      patientId: session.patient!.patientId,
      chiefComplaint: args.chiefComplaint,
      ...(args.reasonForVisit === undefined ? {} : { reasonForVisit: args.reasonForVisit }),
      ...(args.onset === undefined ? {} : { onset: args.onset }),
      ...(args.symptoms === undefined ? {} : { symptoms: args.symptoms }),
      ...(args.appointmentId === undefined ? {} : { appointmentId: args.appointmentId }),
    }),
});
