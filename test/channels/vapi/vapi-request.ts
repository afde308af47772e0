// Vapi `tool-calls` server messages as Vapi documents them (docs.vapi.ai/tools/custom-tools;
// the full body quoted by Vapi support in support.vapi.ai thread 27104057): the message carries
// the call, the assistant, the artifact (transcript so far) and `toolCallList`, each tool call
// either {id, type:'function', function:{name, arguments}} or the flat {id, name, arguments}.

export type VapiCallSpec = {
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
  /** 'function' (default): the nested shape; 'flat': {id, name, arguments}. */
  readonly shape?: 'function' | 'flat';
  /** Send arguments as a JSON string, as some models produce. */
  readonly argumentsAsString?: boolean;
};

export function vapiToolCallsBody(
  callId: string,
  calls: readonly VapiCallSpec[],
  timestamp = Date.now(),
): string {
  const toolCallList = calls.map((call) => {
    const args = call.argumentsAsString ? JSON.stringify(call.args) : call.args;
    return call.shape === 'flat'
      ? { id: call.id, name: call.name, arguments: args }
      : { id: call.id, type: 'function', function: { name: call.name, arguments: args } };
  });
  return JSON.stringify({
    message: {
      type: 'tool-calls',
      timestamp,
      toolCallList,
      toolWithToolCallList: toolCallList.map((toolCall) => ({
        type: 'function',
        function: { name: 'name' in toolCall ? toolCall.name : toolCall.function.name },
        server: { url: 'https://gateway.example.org/vapi/tool-calls' },
        toolCall,
      })),
      artifact: { messages: [{ role: 'user', message: 'I would like to book an appointment.' }] },
      assistant: { name: 'Front desk', model: { provider: 'openai', model: 'gpt-4o' } },
      customer: { number: '+15550100000' },
      call: { id: callId, orgId: 'org-test', type: 'inboundPhoneCall' },
    },
  });
}

export type VapiResult = { toolCallId: string; result?: string; error?: string };

/** The parsed `result` of one tool call (Vapi passes the string to the model; ours is JSON). */
export function resultOf(json: unknown, toolCallId: string): Record<string, unknown> {
  const results = (json as { results?: VapiResult[] }).results ?? [];
  const found = results.find((r) => r.toolCallId === toolCallId);
  if (!found?.result) throw new Error(`no result for ${toolCallId}: ${JSON.stringify(json)}`);
  return JSON.parse(found.result) as Record<string, unknown>;
}
