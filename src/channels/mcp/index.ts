export {
  CALL_ID_HEADER,
  createMcpServer,
  MCP_SERVER_NAME,
  type McpServerOptions,
  mcpTool,
} from './create-mcp-server.ts';
export {
  createMcpSessions,
  DEFAULT_MAX_MCP_SESSIONS_PER_TENANT,
  DEFAULT_MCP_SESSION_IDLE_MS,
  type McpSessions,
  type McpSessionsOptions,
} from './mcp-sessions.ts';
export { MCP_PATH, type McpChannelOptions, registerMcpChannel } from './register-mcp-channel.ts';
export { type McpStdioOptions, serveMcpOverStdio } from './serve-mcp-stdio.ts';
