// route_call (issue 6 item 5): hands the caller to people, by intent, as the tenant's `routing`
// configures: a queue or phone number within business hours (tenant time zone); after hours the
// route's fallback, or a callback work item with the number to call. The handoff carries the call
// summary (call-summary.ts), never the transcript.
import { z } from 'zod';
import { ROUTING_INTENTS } from '../../config/schema.ts';
import type { RoutingRule } from '../../config/types.ts';
import { createWorkItem } from '../../store/index.ts';
import { sealJson } from '../../workflows/lib/sealed-json.ts';
import { DEFAULT_STAFF_QUEUE } from '../../workflows/outbox/work-item-draft.ts';
import { isOpen } from '../business-hours.ts';
import { callSummary, callSummarySchema } from '../call-summary.ts';
import { DEFAULT_EMERGENCY_SAY } from '../emergency.ts';
import { emergencyOutcomeSchema } from '../lib/outcome-schemas.ts';
import { defineTool } from '../tool.ts';

/** work_items.kind and reason of an after-hours callback. */
export const CALLBACK_KIND = 'callback';
export const AFTER_HOURS_REASON = 'after_hours';
const MAX_NOTE_CHARS = 300;

const TEAM_WORDS: Readonly<Record<string, string>> = {
  scheduling: 'our scheduling team',
  billing: 'our billing team',
  'prescription-refill': 'our prescription refill team',
  'clinical-question': 'our nurse line',
  other: 'a member of our staff',
};

const destinationSchema = z.object({ queue: z.string().optional(), phone: z.string().optional() });

const input = z.strictObject({
  intent: z.enum(ROUTING_INTENTS).describe('What the caller needs a person for.'),
  note: z
    .string()
    .min(1)
    .max(MAX_NOTE_CHARS)
    .optional()
    .describe('One short line for the staff member: what the caller wants. Not the transcript.'),
  callbackNumber: z
    .string()
    .min(7)
    .max(30)
    .optional()
    .describe('The number staff should call back, when the office is closed (`needs_more`).'),
});

const output = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('transfer'),
    say: z.string(),
    destination: destinationSchema,
    summary: callSummarySchema,
  }),
  z.object({
    status: z.literal('queued'),
    say: z.string(),
    workItemId: z.string(),
    summary: callSummarySchema,
  }),
  z.object({ status: z.literal('needs_more'), say: z.string(), ask: z.literal('callbackNumber') }),
  emergencyOutcomeSchema.extend({ destination: destinationSchema.optional() }),
]);

type Rule = RoutingRule;

export const routeCallTool = defineTool({
  name: 'route_call',
  description:
    'Hand the call to a person: billing, prescription refills, clinical questions, scheduling problems you ' +
    "cannot solve, or anything else (intent 'other'). Read the `say` sentence. 'transfer': transfer the call " +
    "to `destination` now. 'needs_more': the office is closed, ask for a callback number and call again with " +
    "it. 'queued': staff will call back. For an emergency use intent 'emergency'.",
  input,
  output,
  workflow: 'routing',
  async handler(args, { tools, session, store, now }) {
    const { tenant } = tools;
    const rules = tenant.routing ?? [];
    const rule: Rule | undefined =
      rules.find((r) => r.intent === args.intent) ?? rules.find((r) => r.intent === 'other');
    if (args.intent === 'emergency') {
      return {
        status: 'emergency' as const,
        say: DEFAULT_EMERGENCY_SAY,
        kind: 'emergency' as const,
        ...(rule?.intent === 'emergency' ? { destination: rule.to } : {}),
      };
    }
    const summary = callSummary(session);
    const team = TEAM_WORDS[args.intent] ?? TEAM_WORDS.other;
    const open = rule !== undefined && isOpen(rule.hours, now(), tenant.timeZone);
    if (rule !== undefined && open) {
      return {
        status: 'transfer' as const,
        say: `Let me connect you with ${team}.`,
        destination: rule.to,
        summary,
      };
    }
    // After hours: an after-hours line (answering service) takes the call; otherwise a callback.
    if (rule?.afterHours?.phone !== undefined) {
      return {
        status: 'transfer' as const,
        say: 'The office is closed right now. Let me connect you with our after-hours line.',
        destination: rule.afterHours,
        summary,
      };
    }
    if (args.callbackNumber === undefined) {
      return {
        status: 'needs_more' as const,
        say: `${rule === undefined ? "I can't transfer you right now." : 'The office is closed right now.'} What number should our staff call you back on?`,
        ask: 'callbackNumber' as const,
      };
    }
    const queue = rule?.afterHours?.queue ?? rule?.to.queue ?? DEFAULT_STAFF_QUEUE;
    const details = sealJson({
      intent: args.intent,
      callbackNumber: args.callbackNumber,
      ...(args.note === undefined ? {} : { note: args.note }),
      summary: summary.text,
      instruction: `Call the caller back at ${args.callbackNumber} about: ${args.note ?? args.intent}.`,
    });
    const item = await createWorkItem(store.db, {
      tenantId: session.tenantId,
      kind: CALLBACK_KIND,
      queue,
      reason: rule === undefined ? 'no_route' : AFTER_HOURS_REASON,
      detailsEnc: details.enc,
      keyId: details.keyId,
      callId: session.storeCallId,
      now: now(),
    });
    return {
      status: 'queued' as const,
      say: `I've asked ${team} to call you back at the number you gave as soon as the office opens.`,
      workItemId: item.id,
      summary: { ...summary, workItems: [...summary.workItems, item.id] },
    };
  },
});
