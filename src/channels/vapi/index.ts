export { type ParsedVapiMessage, parseVapiMessage, type VapiToolCall } from './parse-tool-calls.ts';
export {
  DEFAULT_VAPI_BODY_LIMIT_BYTES,
  handleVapiRequest,
  registerVapiChannel,
  VAPI_TOOL_CALLS_PATH,
  type VapiChannelOptions,
  type VapiResponse,
  type VapiToolResult,
} from './vapi-routes.ts';
