// A Retell custom-function request (docs.retellai.com/build/conversation-flow/custom-function,
// "Request & response spec"): POST with JSON body { name, call: { call_id, ... }, args }, or,
// with "Payload: args only", the arguments object alone. The args-only body names neither the
// function nor the call, so the URL does: /retell/functions/{name}, and the call id from a query
// parameter or header the agent fills with Retell's {{call_id}} dynamic variable
// (docs.retellai.com/build/dynamic-variables: custom function URLs and headers take variables).
// The call object also carries the live transcript; it is read for call_id only, never kept.
// A call id must be one a platform could mint (channels/lib/call-id.ts): a variable Retell left
// unfilled arrives as the literal "{{call_id}}", and taken as an id it would make every call of
// the agent one call, sharing whoever was verified.
import { CALL_ID_RULE, isCallId } from '../lib/call-id.ts';

export const RETELL_CALL_ID_HEADER = 'x-retell-call-id';
export const RETELL_CALL_ID_QUERY = 'call_id';

export type RetellFunctionCall = { readonly name: string; readonly callId: string; readonly args: unknown };

export type ParsedRetellCall =
  | ({ readonly ok: true } & RetellFunctionCall)
  | { readonly ok: false; readonly message: string };

export function parseRetellCall(input: {
  body: unknown;
  pathName?: string;
  queryCallId?: string;
  headerCallId?: string;
}): ParsedRetellCall {
  const { body } = input;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, message: 'body: expected a JSON object' };
  }
  const record = body as Record<string, unknown>;
  const wrapped = 'args' in record && ('call' in record || 'name' in record);

  const bodyName = wrapped ? record.name : undefined;
  if (bodyName !== undefined && typeof bodyName !== 'string') {
    return { ok: false, message: 'name: expected a string' };
  }
  if (bodyName !== undefined && input.pathName !== undefined && bodyName !== input.pathName) {
    return {
      ok: false,
      message: `name: "${bodyName}" does not match the URL's function "${input.pathName}"`,
    };
  }
  const name = bodyName ?? input.pathName;
  if (name === undefined || name === '') {
    return {
      ok: false,
      message: 'name: missing (send {name, call, args} or POST to /retell/functions/{name})',
    };
  }

  const call = wrapped ? record.call : undefined;
  const bodyCallId = (call as { call_id?: unknown } | null | undefined)?.call_id;
  if (bodyCallId !== undefined && (typeof bodyCallId !== 'string' || bodyCallId === '')) {
    return { ok: false, message: 'call.call_id: expected a non-empty string' };
  }
  const callId = bodyCallId ?? input.headerCallId ?? input.queryCallId;
  if (callId === undefined || callId === '') {
    return {
      ok: false,
      message: `call.call_id: missing (args-only payloads need ?${RETELL_CALL_ID_QUERY}={{call_id}} or an ${RETELL_CALL_ID_HEADER} header)`,
    };
  }
  const unfilled = callId.includes('{{') ? ' (a dynamic variable Retell did not fill)' : '';
  if (!isCallId(callId)) {
    const where =
      bodyCallId !== undefined
        ? 'call.call_id'
        : input.headerCallId !== undefined
          ? RETELL_CALL_ID_HEADER
          : `?${RETELL_CALL_ID_QUERY}`;
    return { ok: false, message: `${where}: expected ${CALL_ID_RULE}${unfilled}` };
  }
  return { ok: true, name, callId, args: wrapped ? (record.args ?? {}) : record };
}
