// `POST /openai/tool-call` (issue 6 item 3): the integrator's backend forwards a `function_call`
// item from the Responses or Realtime API (or a Chat Completions tool call reshaped as one) and
// gets the `function_call_output` item to hand back to the model. The phone call is named by the
// `X-Call-Id` header; the item's `call_id` is the tool call's own id, so a repeat of the same
// item never writes twice (P3).
//
// Refusals the model can correct (an unknown tool name, arguments that fail the schema) are
// answered as a function_call_output whose output is `{"error":{code,message}}`: the model reads
// it and tries again, as MCP does with input errors (MCP 2025-11-25, server/tools, Error
// Handling). Everything else (credential, body, item shape, rate limit) is an HTTP error with the
// `{error:{code,message}}` body.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';
import { CALL_ID_RULE, isCallId } from '../lib/call-id.ts';
import { callTool } from '../lib/call-tool.ts';
import {
  CHANNEL_ERROR_STATUS,
  type ChannelError,
  channelError,
  errorBody,
  fromToolCallError,
} from '../lib/channel-errors.ts';
import { DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES, guardChannel, requestTenant } from '../lib/http-edge.ts';
import {
  describeItemProblem,
  type FunctionCallOutputItem,
  functionCallItemSchema,
} from './function-call-item.ts';

export const OPENAI_TOOL_CALL_PATH = '/openai/tool-call';

export type OpenAiChannelOptions = {
  readonly router: ToolRouter;
  readonly auth: ChannelAuth;
  readonly bodyLimitBytes?: number;
};

function render(reply: FastifyReply, error: ChannelError): FastifyReply {
  return reply.code(CHANNEL_ERROR_STATUS[error.code]).send(errorBody(error));
}

const MODEL_CORRECTABLE = new Set(['unknown_tool', 'invalid_arguments']);

export async function registerOpenAiChannel(
  app: FastifyInstance,
  options: OpenAiChannelOptions,
): Promise<void> {
  await app.register(async (scope) => {
    guardChannel(scope, { channel: 'openai', auth: options.auth, render });
    scope.removeContentTypeParser('text/plain');

    scope.post(
      OPENAI_TOOL_CALL_PATH,
      { bodyLimit: options.bodyLimitBytes ?? DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES },
      async (request, reply) => {
        const callId = request.headers['x-call-id'];
        if (!isCallId(callId)) {
          return render(
            reply,
            channelError(
              'invalid_request',
              callId === undefined
                ? 'X-Call-Id: required, the id of the phone call this tool call belongs to'
                : `X-Call-Id: expected ${CALL_ID_RULE}`,
            ),
          );
        }
        const item = functionCallItemSchema.safeParse(request.body);
        if (!item.success) {
          return render(reply, channelError('invalid_request', describeItemProblem(item.error)));
        }
        const result = await callTool(options.router, options.auth, {
          tenantId: requestTenant(request),
          callId,
          channel: 'openai',
          name: item.data.name,
          // A JSON string, as the model wrote it; the router parses and validates it.
          args: item.data.arguments,
          toolCallId: item.data.call_id,
        });
        let output: unknown;
        if (result.ok) output = { ...result.output, say: result.say };
        else if (MODEL_CORRECTABLE.has(result.error.code))
          output = errorBody(fromToolCallError(result.error));
        else return render(reply, fromToolCallError(result.error));
        const answer: FunctionCallOutputItem = {
          type: 'function_call_output',
          call_id: item.data.call_id,
          output: JSON.stringify(output),
        };
        return reply.code(200).send(answer);
      },
    );
  });
}
