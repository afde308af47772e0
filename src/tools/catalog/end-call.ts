// end_call (issue 6 item 6): closes the call's session, hands anything not yet verified in the
// EHR to the staff work queue, and answers the call summary.
import { z } from 'zod';
import { callSummarySchema } from '../call-summary.ts';
import { defineTool } from '../tool.ts';

const input = z.strictObject({
  reason: z.enum(['completed', 'caller_left', 'transferred', 'other']).optional(),
});

const output = z.object({ status: z.literal('ended'), say: z.string(), summary: callSummarySchema });

export const endCallTool = defineTool({
  name: 'end_call',
  description:
    'Call once when the conversation is over, before hanging up or after transferring. Saves anything still ' +
    'open for staff and returns a summary of the call. Read the `say` sentence as your goodbye.',
  input,
  output,
  async handler(_args, context) {
    const summary = await context.endCall();
    const say =
      summary.pending.length === 0
        ? 'Thank you for calling. Goodbye.'
        : 'Thank you for calling. Our staff will follow up on anything still open. Goodbye.';
    return { status: 'ended' as const, say, summary };
  },
});
