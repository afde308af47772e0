// find_patient: verifies who is calling (identity workflow, issue 5 item 1). A match makes the
// caller the call's verified patient, which every patient-bound tool then acts for.
import { z } from 'zod';
import { failedOutcomeSchema } from '../lib/outcome-schemas.ts';
import { rememberVerifiedPatient } from '../lib/verified-patient.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  name: z.string().min(1).max(200).describe("The caller's first and last name as they said it."),
  birthDate: z
    .string()
    .min(1)
    .max(100)
    .describe('Date of birth as said, e.g. "March 3rd 1980" or "1980-03-03".'),
  phone: z.string().min(1).max(50).optional().describe('Only when asked for (`needs_more` with ask: phone).'),
  postalCode: z
    .string()
    .min(1)
    .max(20)
    .optional()
    .describe('Only when asked for (`needs_more` with ask: postalCode).'),
});

const output = z.discriminatedUnion('status', [
  z.object({ status: z.literal('verified'), say: z.string() }),
  z.object({ status: z.literal('needs_more'), say: z.string(), ask: z.enum(['phone', 'postalCode']) }),
  z.object({ status: z.literal('not_found'), say: z.string(), attemptsLeft: z.number().int() }),
  failedOutcomeSchema.extend({
    reason: z.enum(['invalid_input', 'attempts_exhausted', 'ambiguous', 'not_authorized', 'ehr_unavailable']),
  }),
]);

export const findPatientTool = defineTool({
  name: 'find_patient',
  description:
    "Verify who is calling, by full name and date of birth, before anything about the caller's own care. " +
    "Read the `say` sentence. 'needs_more' means ask for the detail named in `ask` and call again with all " +
    "details; 'not_found' means ask them to repeat; once 'verified', booking, intake and insurance tools act " +
    'for this caller without any further id. Never tell the caller which detail did not match.',
  input,
  output,
  workflow: 'identity',
  available: (tools) => tools.identity !== undefined && tools.handleSecret !== undefined,
  async handler(args, context) {
    const result = await context.tools.identity!.findPatient({
      callId: context.session.storeCallId,
      name: args.name,
      birthDate: args.birthDate,
      ...(args.phone === undefined ? {} : { phone: args.phone }),
      ...(args.postalCode === undefined ? {} : { postalCode: args.postalCode }),
    });
    if (result.status === 'verified') {
      rememberVerifiedPatient(context, result.patient);
      context.rememberPatientFacts(result.facts);
    }
    return result;
  },
});
