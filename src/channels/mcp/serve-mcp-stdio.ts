// MCP over stdio (MCP 2025-11-25, basic/transports, stdio): the client spawns `ehrgate mcp` and
// speaks newline-delimited JSON-RPC on its stdin/stdout. The process serves one tenant, chosen by
// the operator who runs it (a local process that can read the configuration needs no key), and
// one call: a stdio connection is one conversation, so its tool calls share one call id.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { ZodError } from 'zod';
import type { ToolRouter } from '../../tools/contract.ts';
import { createMcpServer } from './create-mcp-server.ts';
import { guardToolCalls } from './guard-tool-calls.ts';

export type McpStdioOptions = {
  readonly router: ToolRouter;
  readonly tenantId: string;
  readonly callId: string;
  readonly version: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
};

/**
 * The JSON-RPC 2.0 answer (section 5.1, id null) to a line the SDK's stdio transport could not
 * read, or undefined for any other transport error. The transport reports each unreadable line to
 * `onerror` and goes on with the next (server/stdio.js, processReadBuffer): JSON.parse's
 * SyntaxError for a line that is not JSON, the JSONRPCMessageSchema's ZodError for one that is
 * not a JSON-RPC message (shared/stdio.js, deserializeMessage). The client is waiting on an answer
 * the SDK would never send.
 */
function unreadableLineAnswer(error: Error): string | undefined {
  let code: number;
  let message: string;
  if (error instanceof SyntaxError) {
    code = ErrorCode.ParseError;
    message = `Parse error: ${error.message}`;
  } else if (error instanceof ZodError) {
    code = ErrorCode.InvalidRequest;
    message = 'Invalid Request: expected a JSON-RPC 2.0 request, notification or response object';
  } else {
    return undefined;
  }
  return `${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } })}\n`;
}

/** Serves until the client closes stdin (or `close` is called); resolves then. */
export async function serveMcpOverStdio(
  options: McpStdioOptions,
): Promise<{ closed: Promise<void>; close(): Promise<void> }> {
  const server = createMcpServer({
    router: options.router,
    tenantId: options.tenantId,
    version: options.version,
    defaultCallId: () => options.callId,
  });
  const stdout = options.stdout ?? process.stdout;
  const transport = guardToolCalls(new StdioServerTransport(options.stdin, stdout));
  // Server.connect keeps this handler and calls its own after it (shared/protocol.js, connect).
  transport.onerror = (error) => {
    const answer = unreadableLineAnswer(error);
    if (answer !== undefined) stdout.write(answer);
  };
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  // The SDK's stdio transport does not notice the end of stdin by itself.
  (options.stdin ?? process.stdin).once('end', () => void server.close());
  await server.connect(transport);
  return { closed, close: () => server.close() };
}
