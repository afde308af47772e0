// The JSON-RPC initialize request a raw MCP client opens with, for tests that speak the wire
// format themselves instead of through the SDK's client.
export const INITIALIZE_REQUEST = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
} as const;

export const INITIALIZE = JSON.stringify(INITIALIZE_REQUEST);
