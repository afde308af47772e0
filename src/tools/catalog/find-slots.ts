// find_slots: live openings from the EHR (P4), each an opaque offer the agent passes back to
// book_appointment or reschedule_appointment in the same call.
import { z } from 'zod';
import { MAX_OFFER_COUNT } from '../../workflows/index.ts';
import { failedOutcomeSchema, offerViewSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  visitType: z
    .string()
    .min(1)
    .describe("The kind of visit, as one of the clinic's visit type ids, e.g. 'new-patient' or 'follow-up'."),
  from: z
    .string()
    .min(1)
    .optional()
    .describe('Earliest day, YYYY-MM-DD in the clinic time zone. Default: today.'),
  to: z
    .string()
    .min(1)
    .optional()
    .describe('Latest day (inclusive), YYYY-MM-DD. Default: two weeks after `from`.'),
  practitioner: z.string().min(1).optional().describe('A provider id, only when the caller asked for one.'),
  location: z.string().min(1).optional().describe('A location id, only when the caller asked for one.'),
  timeOfDay: z.enum(['morning', 'afternoon', 'evening']).optional(),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_OFFER_COUNT)
    .optional()
    .describe('How many openings to return. Default 3: what a caller can keep in mind.'),
});

const output = z.discriminatedUnion('status', [
  z.object({ status: z.literal('found'), say: z.string(), offers: z.array(offerViewSchema).readonly() }),
  failedOutcomeSchema,
]);

export const findSlotsTool = defineTool({
  name: 'find_slots',
  description:
    'Find open appointment times, live from the clinic scheduling system. Read the `say` sentence to the caller. ' +
    'Each offer carries an `offer` token: to book the time the caller picks, pass that token unchanged to ' +
    'book_appointment (or reschedule_appointment). Offers are valid only in this call and expire after a few minutes.',
  input,
  output,
  workflow: 'scheduling',
  readOnly: true,
  available: (tools) => tools.scheduling !== undefined,
  async handler(args, { tools, session }) {
    const scheduling = tools.scheduling!;
    const result = await scheduling.findSlots({
      callId: session.storeCallId,
      visitType: args.visitType,
      ...(args.from === undefined ? {} : { from: args.from }),
      ...(args.to === undefined ? {} : { to: args.to }),
      ...(args.practitioner === undefined ? {} : { practitioner: args.practitioner }),
      ...(args.location === undefined ? {} : { location: args.location }),
      ...(args.timeOfDay === undefined ? {} : { timeOfDay: args.timeOfDay }),
      ...(args.limit === undefined ? {} : { limit: args.limit }),
      // Epic $find takes the patient (DESIGN.md section 5); elsewhere it is ignored.
      ...(session.patient === undefined ? {} : { patientId: session.patient.patientId }),
    });
    if (result.status === 'found') session.offersMade.push(...result.offers.map((offer) => offer.start));
    return result;
  },
});
