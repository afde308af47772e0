// MCP over stdio (MCP 2025-11-25, basic/transports, stdio): the client spawns `ehrgate mcp` and
// speaks newline-delimited JSON-RPC on its stdin/stdout. The process serves one tenant, chosen by
// the operator who runs it (a local process that can read the configuration needs no key), and
// one call: a stdio connection is one conversation, so its tool calls share one call id.
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ToolRouter } from '../../tools/contract.ts';
import { createMcpServer } from './create-mcp-server.ts';

export type McpStdioOptions = {
  readonly router: ToolRouter;
  readonly tenantId: string;
  readonly callId: string;
  readonly version: string;
  readonly stdin?: Readable;
  readonly stdout?: Writable;
};

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
  const transport = new StdioServerTransport(options.stdin, options.stdout);
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  // The SDK's stdio transport does not notice the end of stdin by itself.
  (options.stdin ?? process.stdin).once('end', () => void server.close());
  await server.connect(transport);
  return { closed, close: () => server.close() };
}
