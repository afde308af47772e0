// The catalog as OpenAI function tools (issue 6 item 3), in each API's documented shape:
// - Chat Completions: `{type: 'function', function: {name, description, parameters, strict?}}`;
// - Responses: `{type: 'function', name, description, parameters, strict}`;
// - Realtime (session.update `tools`): `{type: 'function', name, description, parameters}`.
// Strict mode demands every property be required and no `additionalProperties` (OpenAI
// "Structured Outputs", supported schemas); the catalog has optional arguments, so strict is off,
// and it is said explicitly for Responses, whose function tools default to strict.
import type { ToolDescriptor } from '../../tools/contract.ts';
import { asObjectSchema } from '../lib/json-schema.ts';

export const OPENAI_APIS = ['chat', 'responses', 'realtime'] as const;
export type OpenAiApi = (typeof OPENAI_APIS)[number];

export type ChatCompletionsTool = {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Record<string, unknown>;
    readonly strict: false;
  };
};

export type ResponsesTool = {
  readonly type: 'function';
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  readonly strict: false;
};

export type RealtimeTool = {
  readonly type: 'function';
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
};

export type OpenAiTool = ChatCompletionsTool | ResponsesTool | RealtimeTool;

export function openAiTools(tools: readonly ToolDescriptor[], api: OpenAiApi): OpenAiTool[] {
  return tools.map((tool) => {
    // Function parameters must be an object schema at the top (no bare oneOf/anyOf).
    const parameters = asObjectSchema(tool.inputSchema);
    // realtime is the default branch: a switch without one leaves biome unsure every path returns.
    switch (api) {
      case 'chat':
        return {
          type: 'function',
          function: { name: tool.name, description: tool.description, parameters, strict: false },
        };
      case 'responses':
        return {
          type: 'function',
          name: tool.name,
          description: tool.description,
          parameters,
          strict: false,
        };
      default:
        return { type: 'function', name: tool.name, description: tool.description, parameters };
    }
  });
}
