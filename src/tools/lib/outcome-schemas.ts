// zod mirrors of the outcome contract (src/workflows/outcome.ts) for tool output schemas: the
// router validates every handler's answer against them (STYLE.md rule 7), and channels advertise
// them as JSON Schema (MCP `outputSchema`). Kept beside the types by hand: outcome.ts is types
// only, and the workflows must not depend on zod schemas of the tool layer.
import { z } from 'zod';

const FAILURE_REASONS = [
  'slot_taken',
  'invalid_input',
  'not_found',
  'not_authorized',
  'rejected',
  'offer_invalid',
  'not_verified',
  'ehr_unavailable',
] as const;

export const offerViewSchema = z.object({
  offer: z.string().describe('Opaque token; pass it back unchanged to book_appointment.'),
  say: z.string(),
  start: z.string(),
  end: z.string(),
  practitioner: z.string().optional(),
  location: z.string().optional(),
});

export const appointmentViewSchema = z.object({
  appointmentId: z.string(),
  start: z.string(),
  end: z.string().optional(),
  practitioner: z.string().optional(),
  location: z.string().optional(),
  spokenTime: z.string(),
});

export const failedOutcomeSchema = z.object({
  status: z.literal('failed'),
  reason: z.enum(FAILURE_REASONS),
  say: z.string(),
  alternatives: z.array(offerViewSchema).readonly().optional(),
  missingScopes: z.array(z.string()).readonly().optional(),
  field: z.string().optional(),
});

export const queuedOutcomeSchema = z.object({
  status: z.literal('queued'),
  say: z.string(),
  workItemId: z.string().optional(),
  outboxId: z.string().optional(),
});

export function confirmedOutcomeSchema<D extends z.ZodType>(data: D) {
  return z.object({
    status: z.literal('confirmed'),
    say: z.string(),
    data,
    warnings: z.array(z.string()).readonly().optional(),
  });
}

/** confirmed | failed | queued (DESIGN.md section 4) around the tool's own `data`. */
export function writeOutcomeSchema<D extends z.ZodType>(data: D) {
  return z.discriminatedUnion('status', [
    confirmedOutcomeSchema(data),
    failedOutcomeSchema,
    queuedOutcomeSchema,
  ]);
}

/**
 * What the router answers itself, for any tool: the deadline passed ("still working", the real
 * outcome comes on a repeat of the call) or emergency language was heard in the arguments.
 */
export const pendingOutcomeSchema = z.object({
  status: z.literal('pending'),
  say: z.string(),
});

export const emergencyOutcomeSchema = z.object({
  status: z.literal('emergency'),
  say: z.string(),
  /** What was recognised, as a category ('emergency', 'suicidal'): never the caller's words. */
  kind: z.enum(['emergency', 'suicidal']),
});

export const recordViewSchema = z.object({
  ref: z.string(),
  resourceType: z.string(),
  id: z.string(),
});
