export { type CallSummary, callSummarySchema } from './call-summary.ts';
export { TOOL_CATALOG } from './catalog/index.ts';
export type {
  ChannelName,
  ToolCallError,
  ToolCallRequest,
  ToolCallResult,
  ToolDescriptor,
  ToolRouter,
} from './contract.ts';
export {
  DEFAULT_CRISIS_SAY,
  DEFAULT_EMERGENCY_SAY,
  detectEmergency,
  type EmergencyKind,
} from './emergency.ts';
export { MAX_ARGUMENTS_CHARS } from './lib/parse-arguments.ts';
export type { GatewayToolRouter, ToolRouterOptions } from './router.ts';
export {
  createToolRouter,
  DEFAULT_CALL_IDLE_TIMEOUT_MS,
  DEFAULT_READ_REPEAT_WINDOW_MS,
  DEFAULT_TOOL_DEADLINE_MS,
  MAX_CALL_ID_CHARS,
  NOT_VERIFIED_SAY,
  STILL_WORKING_SAY,
} from './router.ts';
export type { CallSession, CallSessions, ToolActivity, VerifiedPatient } from './session.ts';
export type { CatalogTool, TenantTools, ToolContext, ToolOutput } from './tool.ts';
