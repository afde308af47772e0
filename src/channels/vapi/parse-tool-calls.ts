// The Vapi server message that asks for tool calls (docs.vapi.ai/tools/custom-tools, "Server
// response format"; support.vapi.ai thread 27104057 shows a full body):
//   { "message": { "type": "tool-calls", "call": { "id": ... },
//                  "toolCallList": [ { "id", "type": "function", "function": { "name", "arguments" } } ] } }
// Newer payloads also list the flat { "id", "name", "arguments" }; both are accepted, with
// arguments an object or a JSON string. Everything else in the message (assistant, artifact with
// the transcript, customer) is ignored and never stored.
// Each entry is parsed on its own: one malformed entry is answered with its own error naming the
// field, and the others still run (issue 6: a precise message, never a whole batch refused for one).
import { z } from 'zod';
import { CALL_ID_RULE, isCallId } from '../lib/call-id.ts';

/** "required" when the field is absent, else what it should have been. */
const expected = (what: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'required' : `expected ${what}`),
});
const nonEmpty = z.string(expected('a non-empty string')).min(1, 'expected a non-empty string');

const nestedCall = z.object(
  {
    id: nonEmpty,
    function: z.object({ name: nonEmpty, arguments: z.unknown().optional() }, expected('an object')),
  },
  expected('a tool call object'),
);
const flatCall = z.object(
  { id: nonEmpty, name: nonEmpty, arguments: z.unknown().optional() },
  expected('a tool call object'),
);

const toolCallsMessage = z.object({
  message: z.object({
    type: z.literal('tool-calls'),
    call: z.object(
      { id: z.string().refine(isCallId, `expected ${CALL_ID_RULE}`) },
      'expected message.call with an id',
    ),
    toolCallList: z.array(z.unknown()).min(1, 'must list at least one tool call'),
  }),
});

export type VapiToolCall = { readonly id: string; readonly name: string; readonly args: unknown };
/**
 * An entry of toolCallList that could not be read. `id` is undefined when the entry has no usable
 * id: Vapi pairs results with calls by toolCallId, so such an entry cannot get a result of its own
 * and is reported in the response's top-level `error` instead.
 */
export type VapiInvalidToolCall = { readonly id: string | undefined; readonly invalid: string };

export type ParsedVapiMessage =
  | {
      readonly kind: 'tool-calls';
      readonly callId: string;
      /** In the order Vapi listed them, so results keep that order. */
      readonly toolCalls: readonly (VapiToolCall | VapiInvalidToolCall)[];
    }
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
  if (type === 'end-of-call-report' && isCallId(envelope?.call?.id)) {
    return { kind: 'call-ended', callId: envelope.call.id };
  }
  if (typeof type === 'string' && type !== 'tool-calls') return { kind: 'other', type };
  const parsed = toolCallsMessage.safeParse(body);
  if (!parsed.success) {
    return { kind: 'invalid', message: firstProblem(parsed.error), toolCallIds: toolCallIdsOf(body) };
  }
  const { message } = parsed.data;
  return {
    kind: 'tool-calls',
    callId: message.call.id,
    toolCalls: message.toolCallList.map((entry, index) => parseToolCall(entry, index)),
  };
}

function parseToolCall(entry: unknown, index: number): VapiToolCall | VapiInvalidToolCall {
  const where = ['message', 'toolCallList', index];
  // The shape is chosen by the `function` key, so a nested entry missing function.name is told
  // exactly that rather than that it is not a flat call either.
  const nested = typeof entry === 'object' && entry !== null && 'function' in entry;
  const parsed = (nested ? nestedCall : flatCall).safeParse(entry);
  if (parsed.success) {
    const call = parsed.data;
    return 'function' in call
      ? { id: call.id, name: call.function.name, args: call.function.arguments ?? {} }
      : { id: call.id, name: call.name, args: call.arguments ?? {} };
  }
  const id = (entry as { id?: unknown } | null)?.id;
  return {
    id: typeof id === 'string' && id !== '' ? id : undefined,
    invalid: firstProblem(parsed.error, where),
  };
}

function firstProblem(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])];
  return `${path.length ? path.map(String).join('.') : 'body'}: ${issue?.message ?? 'invalid'}`;
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
