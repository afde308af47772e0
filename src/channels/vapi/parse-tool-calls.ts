// The Vapi server message that asks for tool calls (docs.vapi.ai/tools/custom-tools, "Server
// response format"; support.vapi.ai thread 27104057 shows a full body):
//   { "message": { "type": "tool-calls", "call": { "id": ... },
//                  "toolCallList": [ { "id", "type": "function", "function": { "name", "arguments" } } ] } }
// Newer payloads also list the flat { "id", "name", "arguments" }; both are accepted, with
// arguments an object or a JSON string. Everything else in the message (assistant, artifact with
// the transcript, customer) is ignored and never stored.
import { z } from 'zod';

const nestedCall = z.object({
  id: z.string().min(1),
  function: z.object({ name: z.string().min(1), arguments: z.unknown().optional() }),
});
const flatCall = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.unknown().optional(),
});

const toolCallsMessage = z.object({
  message: z.object({
    type: z.literal('tool-calls'),
    call: z.object({ id: z.string().min(1) }, 'expected message.call with an id'),
    toolCallList: z.array(z.union([nestedCall, flatCall])).min(1, 'must list at least one tool call'),
  }),
});

export type VapiToolCall = { readonly id: string; readonly name: string; readonly args: unknown };

export type ParsedVapiMessage =
  | { readonly kind: 'tool-calls'; readonly callId: string; readonly toolCalls: readonly VapiToolCall[] }
  /**
   * Vapi's end-of-call-report (sent when the call ends, docs.vapi.ai/server-url/events): the
   * session is closed as end_call would, so what is pending reaches staff without waiting for the
   * idle timeout.
   */
  | { readonly kind: 'call-ended'; readonly callId: string }
  /** Another server message (status-update, transcript, ...): acknowledged, not acted on. */
  | { readonly kind: 'other'; readonly type: string }
  | { readonly kind: 'invalid'; readonly message: string; readonly toolCallIds: readonly string[] };

export function parseVapiMessage(body: unknown): ParsedVapiMessage {
  const envelope = (body as { message?: { type?: unknown; call?: { id?: unknown } } } | null)?.message;
  const type = envelope?.type;
  if (type === 'end-of-call-report' && typeof envelope?.call?.id === 'string' && envelope.call.id !== '') {
    return { kind: 'call-ended', callId: envelope.call.id };
  }
  if (typeof type === 'string' && type !== 'tool-calls') return { kind: 'other', type };
  const parsed = toolCallsMessage.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    return {
      kind: 'invalid',
      message: `${where}: ${issue?.message ?? 'invalid'}`,
      toolCallIds: toolCallIdsOf(body),
    };
  }
  const { message } = parsed.data;
  return {
    kind: 'tool-calls',
    callId: message.call.id,
    toolCalls: message.toolCallList.map((call) =>
      'function' in call
        ? { id: call.id, name: call.function.name, args: call.function.arguments ?? {} }
        : { id: call.id, name: call.name, args: call.arguments ?? {} },
    ),
  };
}

/** The ids of whatever tool calls a body names, so each can be answered even when the body is refused. */
export function toolCallIdsOf(body: unknown): string[] {
  const list = (body as { message?: { toolCallList?: unknown } } | null)?.message?.toolCallList;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const id = (item as { id?: unknown } | null)?.id;
    return typeof id === 'string' && id !== '' ? [id] : [];
  });
}
