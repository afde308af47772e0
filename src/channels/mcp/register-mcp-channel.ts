// MCP over streamable HTTP at `/mcp` (MCP 2025-11-25, basic/transports, Streamable HTTP; issue 6
// item 3) on the gateway's fastify app. fastify reads and size-limits the body, the
// credential is checked before that (onRequest), and the SDK's transport does the protocol:
// sessions, JSON-RPC framing, protocol-version checks. Answers are plain JSON (the transport's
// `enableJsonResponse`): a tool call is one request and one answer, and no stream stays open.
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';
import {
  CHANNEL_ERROR_STATUS,
  type ChannelError,
  type ChannelErrorCode,
  channelError,
} from '../lib/channel-errors.ts';
import { DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES, guardChannel, requestTenant } from '../lib/http-edge.ts';
import { EHRGATE_VERSION } from '../lib/version.ts';
import { createOriginCheck } from './check-origin.ts';
import { createMcpServer } from './create-mcp-server.ts';
import { guardToolCalls } from './guard-tool-calls.ts';
import { createMcpSessions, DEFAULT_MCP_SESSION_IDLE_MS, type McpSessionsOptions } from './mcp-sessions.ts';

export const MCP_PATH = '/mcp';
const SESSION_HEADER = 'mcp-session-id';

export type McpChannelOptions = {
  readonly router: ToolRouter;
  readonly auth: ChannelAuth;
  /** MCP serverInfo.version; default ehrgate's own. */
  readonly version?: string;
  readonly bodyLimitBytes?: number;
  readonly sessions?: McpSessionsOptions;
  /**
   * Origins (`https://host[:port]`) besides the endpoint's own that may call /mcp from a browser;
   * default none. A request without an Origin header (a voice platform's server) is always served.
   */
  readonly allowedOrigins?: readonly string[];
};

// JSON-RPC 2.0 section 5.1 codes for what the HTTP edge refuses; -32000..-32099 are the
// implementation-defined server errors (the SDK answers an unknown session with -32001).
const JSON_RPC_CODE: Record<ChannelErrorCode, number> = {
  malformed_json: ErrorCode.ParseError,
  invalid_request: ErrorCode.InvalidRequest,
  invalid_arguments: ErrorCode.InvalidParams,
  unauthorized: -32001,
  phi_flow_refused: -32001,
  call_belongs_to_another_tenant: ErrorCode.InvalidRequest,
  unknown_tool: ErrorCode.InvalidParams,
  not_found: -32001,
  method_not_allowed: ErrorCode.InvalidRequest,
  payload_too_large: ErrorCode.InvalidRequest,
  unsupported_media_type: ErrorCode.InvalidRequest,
  rate_limited: -32000,
  internal_error: ErrorCode.InternalError,
};

// The code the SDK's own Origin refusal answers with (server/webStandardStreamableHttp.js,
// validateRequestHeaders). `origin_not_allowed` is not a ChannelErrorCode: no other channel is
// called from browsers.
const ORIGIN_REFUSED_CODE = -32000;

/** The MCP channel's error shape: a JSON-RPC error response, with our code in `data`. */
function render(reply: FastifyReply, error: ChannelError): FastifyReply {
  return reply.code(CHANNEL_ERROR_STATUS[error.code]).send({
    jsonrpc: '2.0',
    error: { code: JSON_RPC_CODE[error.code], message: error.message, data: { code: error.code } },
    id: null,
  });
}

function sessionIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers[SESSION_HEADER];
  return typeof value === 'string' ? value : undefined;
}

export async function registerMcpChannel(app: FastifyInstance, options: McpChannelOptions): Promise<void> {
  const sessions = createMcpSessions(options.sessions);
  const now = options.sessions?.now ?? Date.now;
  const idleMs = options.sessions?.idleMs ?? DEFAULT_MCP_SESSION_IDLE_MS;
  const sweeper = setInterval(() => void sessions.sweep(), Math.max(1_000, idleMs / 4));
  sweeper.unref();

  const originRefusal = createOriginCheck(options.allowedOrigins);
  await app.register(async (scope) => {
    // Before guardChannel's hook: a foreign page learns nothing, not even whether its key is good.
    scope.addHook('onRequest', async (request, reply) => {
      const refusal = originRefusal(request);
      if (refusal === undefined) return;
      return reply.code(403).send({
        jsonrpc: '2.0',
        error: { code: ORIGIN_REFUSED_CODE, message: refusal, data: { code: 'origin_not_allowed' } },
        id: null,
      });
    });
    guardChannel(scope, { channel: 'mcp', auth: options.auth, render });
    scope.removeContentTypeParser('text/plain');
    scope.addHook('onClose', async () => {
      clearInterval(sweeper);
      await sessions.closeAll();
    });

    const unknownSession = (reply: FastifyReply) =>
      render(reply, channelError('not_found', 'Session not found: open a new one with initialize'));

    scope.post(
      MCP_PATH,
      { bodyLimit: options.bodyLimitBytes ?? DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES },
      async (request, reply) => {
        const tenantId = requestTenant(request);
        const sessionId = sessionIdOf(request);
        if (sessionId !== undefined) {
          const session = sessions.get(sessionId, tenantId);
          if (session === undefined) return unknownSession(reply);
          reply.hijack();
          await session.transport.handleRequest(request.raw, reply.raw, request.body);
          return;
        }
        if (!isInitializeRequest(request.body)) {
          return render(
            reply,
            channelError(
              'invalid_request',
              'no Mcp-Session-Id: the first request of a session must be initialize',
            ),
          );
        }
        if (!sessions.hasRoomFor(tenantId)) {
          return render(reply, channelError('rate_limited', 'too many open MCP sessions for this tenant'));
        }
        const server = createMcpServer({
          router: options.router,
          auth: options.auth,
          tenantId,
          version: options.version ?? EHRGATE_VERSION,
          defaultCallId: (id) => id,
        });
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: true,
          onsessioninitialized: (id) => {
            sessions.add({ id, tenantId, server, transport, lastSeenMs: now() });
          },
          onsessionclosed: (id) => sessions.close(id),
        });
        await server.connect(guardToolCalls(transport));
        reply.hijack();
        await transport.handleRequest(request.raw, reply.raw, request.body);
      },
    );

    scope.delete(MCP_PATH, async (request, reply) => {
      const sessionId = sessionIdOf(request);
      const session = sessionId === undefined ? undefined : sessions.get(sessionId, requestTenant(request));
      if (session === undefined) return unknownSession(reply);
      reply.hijack();
      await session.transport.handleRequest(request.raw, reply.raw);
    });

    // No server-initiated messages: the GET stream is refused with 405, which the spec allows
    // and the SDK's client expects (basic/transports, "Listening for Messages from the Server").
    scope.get(MCP_PATH, async (_request, reply) =>
      render(
        reply.header('allow', 'POST, DELETE'),
        channelError('method_not_allowed', 'GET /mcp: no server stream; use POST'),
      ),
    );
  });
}
