// A JSON-RPC error for the SDK to answer a request with. The SDK puts a thrown error's `code` and
// `message` on the wire as they are (@modelcontextprotocol/sdk shared/protocol.js, `_onrequest`),
// but McpError's constructor rewrites the message to "MCP error <code>: <message>" (types.js), and
// the client's McpError adds that prefix again on receipt: the caller read it twice. This is an
// McpError whose message stays the one precise line we wrote.
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export class McpProtocolError extends McpError {
  constructor(code: number, message: string, data?: unknown) {
    super(code, message, data);
    this.message = message;
    this.name = this.constructor.name;
  }
}
