// A router answer as an MCP tools/call result (MCP 2025-11-25, server/tools): the output as
// `structuredContent`, the `say` sentence as the first text block and the output serialised as
// the second (the spec asks tools with structured content to also return it as text, for
// clients that pass only `content` to the model; the offer tokens live there). A tool that ran
// and failed (`status: "failed"`) is `isError: true`, so the model knows the action did not
// happen. Input errors are tool execution errors too (spec "Error Handling": input validation
// errors go in the result so the model can correct itself); an unknown tool, another tenant's
// call and an internal fault are protocol errors, thrown as McpProtocolError for the SDK to answer.
import { type CallToolResult, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCallResult } from '../../tools/contract.ts';
import { McpProtocolError } from './protocol-error.ts';

export function toolCallResult(result: ToolCallResult): CallToolResult {
  if (result.ok) {
    const structured = { ...result.output, say: result.say };
    return {
      content: [
        { type: 'text', text: result.say },
        { type: 'text', text: JSON.stringify(structured) },
      ],
      structuredContent: structured,
      isError: result.output.status === 'failed',
    };
  }
  const { code, message } = result.error;
  switch (code) {
    case 'invalid_arguments':
    case 'rate_limited':
      return { content: [{ type: 'text', text: `${code}: ${message}` }], isError: true };
    case 'unknown_tool':
      throw new McpProtocolError(ErrorCode.InvalidParams, message, { code });
    case 'call_belongs_to_another_tenant':
      throw new McpProtocolError(ErrorCode.InvalidRequest, message, { code });
    case 'internal_error':
      throw new McpProtocolError(ErrorCode.InternalError, message, { code });
  }
}
