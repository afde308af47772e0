// register_patient: creates a new patient once (identity workflow, issue 5 item 2); when the EHR
// confirms it, the new patient becomes the call's verified patient.
import { z } from 'zod';
import { failedOutcomeSchema, queuedOutcomeSchema } from '../lib/outcome-schemas.ts';
import { rememberVerifiedPatient } from '../lib/verified-patient.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  name: z.string().min(1).max(200).describe('Full name, first and last, as the caller said it.'),
  birthDate: z.string().min(1).max(100).describe('Date of birth as said.'),
  phone: z.string().min(1).max(50).optional(),
  address: z
    .strictObject({
      line: z.array(z.string().min(1).max(200)).max(3).optional(),
      city: z.string().min(1).max(100).optional(),
      state: z.string().min(1).max(50).optional(),
      postalCode: z.string().min(1).max(20).optional(),
    })
    .optional(),
  gender: z.string().min(1).max(50).optional(),
});

const output = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('confirmed'),
    say: z.string(),
    warnings: z.array(z.string()).readonly().optional(),
  }),
  failedOutcomeSchema.extend({ reason: z.union([failedOutcomeSchema.shape.reason, z.literal('duplicate')]) }),
  queuedOutcomeSchema,
]);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const registerPatientTool = defineTool({
  name: 'register_patient',
  description:
    'Register a caller who is new to the clinic, after find_patient found no record. Read the `say` sentence. ' +
    "'confirmed': the caller is registered and counts as verified for this call. 'failed' with reason " +
    "'duplicate': they already have a record, so verify them with find_patient instead. 'queued': staff will " +
    'finish the registration; do not book for them in this call.',
  input,
  output,
  workflow: 'identity',
  available: (tools) => tools.identity !== undefined && tools.handleSecret !== undefined,
  async handler(args, context) {
    const result = await context.tools.identity!.registerPatient({
      callId: context.session.storeCallId,
      idempotencyKey: context.idempotencyKey,
      name: args.name,
      birthDate: args.birthDate,
      ...(args.phone === undefined ? {} : { phone: args.phone }),
      ...(args.address === undefined ? {} : { address: args.address }),
      ...(args.gender === undefined ? {} : { gender: args.gender }),
    });
    if (result.status === 'confirmed') {
      rememberVerifiedPatient(context, result.patient);
      context.rememberPatientFacts({
        name: args.name,
        ...(ISO_DATE.test(args.birthDate) ? { birthDate: args.birthDate } : {}),
        ...(args.phone === undefined ? {} : { phone: args.phone }),
      });
    }
    return result;
  },
});
