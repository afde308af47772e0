// One MCP server (the SDK's low-level `Server`: the catalog already has JSON Schemas, so the
// high-level McpServer's zod registration has nothing to add) bound to one tenant: tools/list is
// `router.list(tenant)`, tools/call is `router.call`. Built per MCP session (HTTP) or per process
// (stdio); the tenant comes from the credential that opened the session, never from a message.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { ToolCallRequest, ToolDescriptor, ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';
import { CALL_ID_RULE, isCallId } from '../lib/call-id.ts';
import { callTool } from '../lib/call-tool.ts';
import { asObjectSchema } from '../lib/json-schema.ts';
import { McpProtocolError } from './protocol-error.ts';
import { toolCallResult } from './tool-result.ts';

export const MCP_SERVER_NAME = 'ehrgate';
// Vapi's MCP tool sends the phone call's id in this header on every request (docs.vapi.ai,
// tools/mcp); other MCP clients name the call by their MCP session.
export const CALL_ID_HEADER = 'x-call-id';

const INSTRUCTIONS =
  'Tools for a phone call with a patient: each answer has a `say` sentence to speak and a `status`. ' +
  'Never tell the caller something is done unless the status is "confirmed".';

export type McpServerOptions = {
  readonly router: ToolRouter;
  readonly tenantId: string;
  readonly version: string;
  /** Records security events over HTTP; stdio has no credential and no other tenant to reach. */
  readonly auth?: ChannelAuth;
  /** The call when the request names none (no X-Call-Id): the MCP session, or the stdio process. */
  readonly defaultCallId: (sessionId: string | undefined) => string | undefined;
};

export function mcpTool(descriptor: ToolDescriptor): Tool {
  return {
    name: descriptor.name,
    description: descriptor.description,
    inputSchema: asObjectSchema(descriptor.inputSchema) as Tool['inputSchema'],
    outputSchema: asObjectSchema(descriptor.outputSchema) as Tool['outputSchema'],
  };
}

export function createMcpServer(options: McpServerOptions): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, version: options.version },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.router.list(options.tenantId).map(mcpTool),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const header = extra.requestInfo?.headers[CALL_ID_HEADER];
    let callId: string | undefined;
    if (header !== undefined) {
      if (!isCallId(header))
        throw new McpProtocolError(ErrorCode.InvalidRequest, `X-Call-Id: expected ${CALL_ID_RULE}`);
      callId = header;
    } else {
      callId = options.defaultCallId(extra.sessionId);
    }
    if (callId === undefined) {
      throw new McpProtocolError(
        ErrorCode.InvalidRequest,
        'no call id: send X-Call-Id or use an MCP session',
      );
    }
    const toolCall: ToolCallRequest = {
      tenantId: options.tenantId,
      callId,
      channel: 'mcp',
      name: request.params.name,
      args: request.params.arguments ?? {},
      signal: extra.signal,
    };
    const result = options.auth
      ? await callTool(options.router, options.auth, toolCall)
      : await options.router.call(toolCall);
    return toolCallResult(result);
  });

  return server;
}
