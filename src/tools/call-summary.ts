// The call summary for a human (route_call handoff, end_call): who the caller is as far as the
// call established it, what was done, what is pending. Built from the session's tool activity
// only, so it holds no transcript and no PHI: tool outcomes, reason codes and work item ids.
import { z } from 'zod';
import type { CallSession, ToolActivity } from './session.ts';

export const callSummarySchema = z.object({
  verified: z.boolean(),
  done: z.array(z.string()).readonly(),
  pending: z.array(z.string()).readonly(),
  /** Staff work items holding what is pending. */
  workItems: z.array(z.string()).readonly(),
  /** One short paragraph for the person taking over. */
  text: z.string(),
});

export type CallSummary = z.output<typeof callSummarySchema>;

// What each tool did, in staff words. Tools not listed (find_slots, route_call, end_call) are
// conversation, not outcomes.
const DONE_WORDS: Readonly<Record<string, string>> = {
  find_patient: 'caller verified',
  register_patient: 'new patient registered',
  book_appointment: 'appointment booked',
  cancel_appointment: 'appointment cancelled',
  reschedule_appointment: 'appointment rescheduled',
  record_intake: 'intake recorded',
  record_insurance: 'insurance recorded',
};
const PENDING_WORDS: Readonly<Record<string, string>> = {
  register_patient: 'registration',
  book_appointment: 'booking',
  cancel_appointment: 'cancellation',
  reschedule_appointment: 'reschedule',
  record_intake: 'intake',
  record_insurance: 'insurance',
};

/** The latest answer of each write tool: a retried booking that finally confirmed counts once. */
function latestPerTool(activity: readonly ToolActivity[]): ToolActivity[] {
  const latest = new Map<string, ToolActivity>();
  for (const entry of activity) {
    if (entry.tool in PENDING_WORDS || entry.tool === 'find_patient') latest.set(entry.tool, entry);
  }
  return [...latest.values()];
}

export function callSummary(session: CallSession, extraWorkItems: readonly string[] = []): CallSummary {
  const done: string[] = [];
  const pending: string[] = [];
  const workItems = new Set<string>(extraWorkItems);
  for (const entry of latestPerTool(session.activity)) {
    const confirmed = entry.status === 'confirmed' || entry.status === 'verified';
    if (confirmed) done.push(DONE_WORDS[entry.tool] ?? entry.tool);
    else if (entry.status === 'queued' || entry.status === 'pending') {
      pending.push(`${PENDING_WORDS[entry.tool] ?? entry.tool} (with staff)`);
    } else if (entry.status === 'failed' && entry.tool !== 'find_patient') {
      pending.push(`${PENDING_WORDS[entry.tool] ?? entry.tool} not done (${entry.reason ?? 'failed'})`);
    }
    if (entry.workItemId !== undefined) workItems.add(entry.workItemId);
  }
  const verified = session.patient !== undefined;
  const parts = [
    verified ? 'Caller verified.' : 'Caller not verified.',
    done.length === 0 ? 'Nothing completed.' : `Done: ${done.join(', ')}.`,
    ...(pending.length === 0 ? [] : [`Pending: ${pending.join(', ')}.`]),
    ...(workItems.size === 0 ? [] : [`Work items: ${[...workItems].join(', ')}.`]),
  ];
  return { verified, done, pending, workItems: [...workItems], text: parts.join(' ') };
}
