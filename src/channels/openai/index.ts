export type { FunctionCallItem, FunctionCallOutputItem } from './function-call-item.ts';
export {
  OPENAI_TOOL_CALL_PATH,
  type OpenAiChannelOptions,
  registerOpenAiChannel,
} from './register-openai-channel.ts';
export {
  type ChatCompletionsTool,
  OPENAI_APIS,
  type OpenAiApi,
  type OpenAiTool,
  openAiTools,
  type RealtimeTool,
  type ResponsesTool,
} from './tool-definitions.ts';
