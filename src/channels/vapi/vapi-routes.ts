// Vapi server-URL tools (issue 6 item 3; DESIGN.md section 9): POST /vapi/tool-calls receives a
// `tool-calls` server message and answers {"results":[{"toolCallId","result"|"error"}]}. Vapi
// ignores any status but 200 ("Always return HTTP 200, even for errors. Any other status code is
// ignored completely", docs.vapi.ai/tools/custom-tools-troubleshooting), so every refusal -
// credential, rate limit, malformed body, unknown tool - is a 200 whose `error` says why, on one
// line. The request is authenticated over its raw bytes before anything is parsed or run.
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ToolCallError, ToolCallResult, ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';
import { abortSignalFor, acceptRawBody, rawBodyOf } from '../auth/raw-body.ts';
import {
  parseVapiMessage,
  toolCallIdsOf,
  type VapiInvalidToolCall,
  type VapiToolCall,
} from './parse-tool-calls.ts';
import { foldLines, oneLine } from './single-line.ts';

export const VAPI_TOOL_CALLS_PATH = '/vapi/tool-calls';
// The tool-calls message carries the assistant's configuration and the call's artifact (the
// transcript so far), which grows with the call; the tool arguments themselves are capped by the
// router (MAX_ARGUMENTS_CHARS).
export const DEFAULT_VAPI_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export type VapiChannelOptions = {
  readonly auth: ChannelAuth;
  readonly router: ToolRouter;
  readonly path?: string;
  readonly bodyLimitBytes?: number;
};

export type VapiToolResult =
  | { readonly toolCallId: string; readonly result: string }
  | { readonly toolCallId: string; readonly error: string };

export type VapiResponse = { readonly results?: readonly VapiToolResult[]; readonly error?: string };

export function registerVapiChannel(app: FastifyInstance, options: VapiChannelOptions): void {
  const path = options.path ?? VAPI_TOOL_CALLS_PATH;
  app.register(async (scope) => {
    acceptRawBody(scope, options.bodyLimitBytes ?? DEFAULT_VAPI_BODY_LIMIT_BYTES);
    // Oversized or unreadable bodies fail before the handler: still Vapi's shape, still 200.
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const reason = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large' : 'bad_request';
      return reply.code(200).send({ error: oneLine(`${reason}: ${error.message}`) } satisfies VapiResponse);
    });
    scope.post(path, async (request, reply) => {
      const rawBody = rawBodyOf(request.body);
      const response = await handleVapiRequest(options, {
        headers: request.headers,
        rawBody,
        signal: abortSignalFor(reply.raw),
      });
      return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(response);
    });
  });
}

export async function handleVapiRequest(
  options: Pick<VapiChannelOptions, 'auth' | 'router'>,
  request: { headers: Record<string, string | string[] | undefined>; rawBody: Buffer; signal?: AbortSignal },
): Promise<VapiResponse> {
  const authenticated = await options.auth.authenticate({
    channel: 'vapi',
    headers: request.headers,
    rawBody: request.rawBody,
  });
  const body = parseJson(request.rawBody);
  if (!authenticated.ok) {
    const error = oneLine(`${authenticated.code}: ${authenticated.message}`);
    return refuseAll(body.ok ? toolCallIdsOf(body.value) : [], error);
  }
  if (!body.ok) return { error: oneLine(`malformed_json: ${body.message}`) };

  const message = parseVapiMessage(body.value);
  if (message.kind === 'other') return {};
  if (message.kind === 'call-ended') {
    const ended = await options.router.call({
      tenantId: authenticated.tenantId,
      callId: message.callId,
      channel: 'vapi',
      name: 'end_call',
      args: {},
      toolCallId: `vapi-end-of-call-report:${message.callId}`,
    });
    // A server message has no toolCallId to answer, so a refusal is the top-level `error`, as for
    // malformed JSON; a call id of another tenant is a security event here as on tool-calls.
    if (ended.ok) return {};
    return { error: await refusal(options, authenticated.tenantId, message.callId, ended.error) };
  }
  if (message.kind === 'invalid')
    return refuseAll(message.toolCallIds, oneLine(`invalid_request: ${message.message}`));

  const results: VapiToolResult[] = [];
  const unanswerable: string[] = [];
  // In order: the model may verify the caller and book in one turn, and the second needs the first.
  for (const toolCall of message.toolCalls) {
    if (isInvalid(toolCall)) {
      const error = oneLine(`invalid_request: ${toolCall.invalid}`);
      if (toolCall.id === undefined) unanswerable.push(error);
      else results.push({ toolCallId: toolCall.id, error });
      continue;
    }
    results.push(
      await runToolCall(options, authenticated.tenantId, message.callId, toolCall, request.signal),
    );
  }
  // Entries without an id cannot be paired with a result (parse-tool-calls.ts), so they are named
  // in the top-level `error` next to the results of the rest.
  return unanswerable.length === 0 ? { results } : { results, error: unanswerable.join('; ') };
}

function isInvalid(toolCall: VapiToolCall | VapiInvalidToolCall): toolCall is VapiInvalidToolCall {
  return 'invalid' in toolCall;
}

async function runToolCall(
  options: Pick<VapiChannelOptions, 'auth' | 'router'>,
  tenantId: string,
  callId: string,
  toolCall: VapiToolCall,
  signal: AbortSignal | undefined,
): Promise<VapiToolResult> {
  const result: ToolCallResult = await options.router.call({
    tenantId,
    callId,
    channel: 'vapi',
    name: toolCall.name,
    args: toolCall.args,
    toolCallId: toolCall.id,
    ...(signal ? { signal } : {}),
  });
  if (result.ok) return { toolCallId: toolCall.id, result: JSON.stringify(foldLines(result.output)) };
  return { toolCallId: toolCall.id, error: await refusal(options, tenantId, callId, result.error) };
}

/** The one-line `error` for a refused router call, auditing a call id owned by another tenant. */
async function refusal(
  options: Pick<VapiChannelOptions, 'auth'>,
  tenantId: string,
  callId: string,
  error: ToolCallError,
): Promise<string> {
  if (error.code === 'call_belongs_to_another_tenant') {
    await options.auth.recordSecurityEvent({
      kind: 'call_belongs_to_another_tenant',
      channel: 'vapi',
      tenantId,
      detail: { externalCallId: callId },
    });
  }
  return oneLine(`${error.code}: ${error.message}`);
}

function refuseAll(toolCallIds: readonly string[], error: string): VapiResponse {
  return toolCallIds.length === 0
    ? { error }
    : { results: toolCallIds.map((toolCallId) => ({ toolCallId, error })), error };
}

function parseJson(rawBody: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(rawBody.toString('utf8')) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : 'not JSON' };
  }
}
