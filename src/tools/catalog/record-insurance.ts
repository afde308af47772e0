// record_insurance: the caller's insurance as a verified Coverage where the EHR takes one, else a
// staff work item with the exact data (Epic's Coverage is read-only: DESIGN.md section 5).
import { z } from 'zod';
import { recordViewSchema, writeOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  payerName: z.string().min(1).max(200).describe('The insurance company as the caller named it.'),
  memberId: z.string().min(1).max(300).describe('The member id as said, letters and digits.'),
  groupNumber: z.string().min(1).max(100).optional(),
  subscriber: z
    .union([
      z.literal('self'),
      z.strictObject({
        name: z.string().min(1).max(200),
        birthDate: z.string().min(1).max(100),
        relationship: z
          .string()
          .min(1)
          .max(50)
          .describe("The patient is the policy holder's: spouse, child, ..."),
      }),
    ])
    .describe("'self' when the caller holds the policy, else the policy holder."),
});

export const recordInsuranceTool = defineTool({
  name: 'record_insurance',
  description:
    "Record the verified caller's insurance: payer name, member id, group number if they have it, and who holds " +
    "the policy. Read the `say` sentence; 'queued' means staff will add it to the record.",
  input,
  output: writeOutcomeSchema(recordViewSchema),
  workflow: 'insurance',
  patientBound: true,
  available: (tools) => tools.insurance !== undefined,
  handler: (args, { tools, session, idempotencyKey }) =>
    tools.insurance!.recordInsurance({
      callId: session.storeCallId,
      idempotencyKey,
      patientId: session.patient!.patientId,
      payerName: args.payerName,
      memberId: args.memberId,
      ...(args.groupNumber === undefined ? {} : { groupNumber: args.groupNumber }),
      subscriber: args.subscriber,
    }),
});
