// router.call for a channel, plus what the router leaves to channels: a call id owned by another
// tenant is a security event (issue 6, "Bad input"; src/channels/auth/security-events.ts).

import type { ToolCallRequest, ToolCallResult, ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';

export async function callTool(
  router: ToolRouter,
  auth: ChannelAuth,
  request: ToolCallRequest,
): Promise<ToolCallResult> {
  const result = await router.call(request);
  if (!result.ok && result.error.code === 'call_belongs_to_another_tenant') {
    await auth.recordSecurityEvent({
      kind: 'call_belongs_to_another_tenant',
      channel: request.channel,
      tenantId: request.tenantId,
      // The platform's call id is not PHI; the tool name says what was attempted.
      detail: { platformCallId: request.callId, tool: request.name },
    });
  }
  return result;
}
