// A transport that answers a malformed tools/call itself. The SDK parses a request against the
// handler's schema before our handler runs (@modelcontextprotocol/sdk shared/protocol.js,
// `setRequestHandler`), and a failed parse escapes as a plain ZodError: the client read -32603
// Internal error with the whole issue list as the message. JSON-RPC 2.0 section 5.1 calls this
// -32602 Invalid params, and one line naming the field is what the integrator can act on. The
// Server offers no hook between transport and parse, so the check sits on the Transport interface
// (shared/transport.d.ts) that both the streamable HTTP and the stdio transport implement.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  isJSONRPCRequest,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { valueAt } from '../../lib/value-at.ts';

type Issue = { readonly code: string; readonly path: readonly PropertyKey[]; readonly message: string };

// zod names `z.record` "record"; the MCP schema (server/tools, CallToolRequest) says object.
const EXPECTED_WORD: Readonly<Record<string, string>> = { record: 'object' };

function describeIssue(message: unknown, issue: Issue & { readonly expected?: unknown }): string {
  const field = issue.path.map(String).join('.') || 'params';
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') {
    if (valueAt(message, issue.path) === undefined) return `${field}: required`;
    return `${field}: expected ${EXPECTED_WORD[issue.expected] ?? issue.expected}`;
  }
  return `${field}: ${issue.message}`;
}

/** One line naming the first bad field of a tools/call request, or undefined when it is sound. */
export function toolCallProblem(message: unknown): string | undefined {
  const parsed = CallToolRequestSchema.safeParse(message);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  return issue === undefined ? 'params: invalid' : describeIssue(message, issue);
}

function refusal(message: JSONRPCMessage): JSONRPCErrorResponse | undefined {
  if (!isJSONRPCRequest(message) || message.method !== 'tools/call') return undefined;
  const problem = toolCallProblem(message);
  if (problem === undefined) return undefined;
  return { jsonrpc: '2.0', id: message.id, error: { code: ErrorCode.InvalidParams, message: problem } };
}

/**
 * Wraps `transport` for `Server.connect`: a tools/call whose params fail the MCP schema is
 * answered with -32602 here and never reaches the SDK; everything else passes through unchanged.
 */
export function guardToolCalls(transport: Transport): Transport {
  const guarded: Transport = {
    start: () => transport.start(),
    send: (message, options) => transport.send(message, options),
    close: () => transport.close(),
    get sessionId() {
      return transport.sessionId;
    },
    setProtocolVersion: (version) => transport.setProtocolVersion?.(version),
  };
  transport.onclose = () => guarded.onclose?.();
  transport.onerror = (error) => guarded.onerror?.(error);
  transport.onmessage = (message: JSONRPCMessage, extra) => {
    const refused = refusal(message);
    if (refused === undefined) {
      guarded.onmessage?.(message, extra);
      return;
    }
    transport
      .send(refused)
      .catch((error: unknown) =>
        guarded.onerror?.(error instanceof Error ? error : new Error(String(error))),
      );
  };
  return guarded;
}
