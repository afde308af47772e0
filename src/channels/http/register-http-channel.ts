// The plain HTTP channel (issue 6 item 3, DESIGN.md section 9): `POST
// /v1/calls/{callId}/tools/{name}` with the arguments as the JSON body, the tool's output as the
// answer, refusals as `{error:{code,message}}` with 400/401/404/413/415/429; and the OpenAPI 3.1
// document of the tenant's tools at `/openapi.json`.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CallPhi } from '../../tools/call-phi.ts';
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
import { idempotencyKeyHeader } from '../lib/idempotency-key.ts';
import { EHRGATE_VERSION } from '../lib/version.ts';
import { openApiDocument } from './openapi-document.ts';

export const OPENAPI_PATH = '/openapi.json';

export type HttpChannelOptions = {
  readonly router: ToolRouter;
  readonly auth: ChannelAuth;
  /** The OpenAPI document's info.version; default ehrgate's own. */
  readonly version?: string;
  readonly bodyLimitBytes?: number;
  /** Serves /v1/calls/{callId}/phi/protect and /phi/reveal when given. */
  readonly phi?: CallPhi;
};

/** The PHI routes take a transcript turn or a reply; bigger bodies than a tool call's. */
export const PHI_BODY_LIMIT_BYTES = 1_048_576;

function render(reply: FastifyReply, error: ChannelError): FastifyReply {
  return reply.code(CHANNEL_ERROR_STATUS[error.code]).send(errorBody(error));
}

export async function registerHttpChannel(app: FastifyInstance, options: HttpChannelOptions): Promise<void> {
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES;

  await app.register(
    async (scope) => {
      guardChannel(scope, { channel: 'http', auth: options.auth, render });
      // Only JSON is a tool call; fastify's default text/plain parser would hand a string to the tool.
      scope.removeContentTypeParser('text/plain');
      scope.setNotFoundHandler((request, reply) =>
        render(reply, channelError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
      );

      scope.post<{ Params: { callId: string; name: string } }>(
        '/:callId/tools/:name',
        { bodyLimit },
        async (request, reply) => {
          const { callId, name } = request.params;
          if (!isCallId(callId)) {
            return render(reply, channelError('invalid_request', `callId: expected ${CALL_ID_RULE}`));
          }
          const idempotency = idempotencyKeyHeader(request.headers['idempotency-key']);
          if (!idempotency.ok) {
            return render(
              reply,
              channelError('invalid_request', 'Idempotency-Key: expected 1-200 printable ASCII characters'),
            );
          }
          const body = request.body ?? {};
          if (body === null || typeof body !== 'object' || Array.isArray(body)) {
            return render(
              reply,
              channelError('invalid_arguments', "the body must be a JSON object of the tool's arguments"),
            );
          }
          const result = await callTool(options.router, options.auth, {
            tenantId: requestTenant(request),
            callId,
            channel: 'http',
            name,
            args: body,
            ...(idempotency.key === undefined ? {} : { toolCallId: idempotency.key }),
          });
          if (!result.ok) return render(reply, fromToolCallError(result.error));
          return reply.code(200).send({ ...result.output, say: result.say });
        },
      );

      const phi = options.phi;
      if (phi === undefined) return;
      // The voice platform's side of the firewall: its transcript goes to the LLM protected, and
      // the LLM's reply is revealed only for a text-to-speech vendor with a BAA.
      scope.post<{ Params: { callId: string; op: string } }>(
        '/:callId/phi/:op',
        { bodyLimit: PHI_BODY_LIMIT_BYTES },
        async (request, reply) => {
          const { callId, op } = request.params;
          if (op !== 'protect' && op !== 'reveal') {
            return render(reply, channelError('not_found', `no route POST /v1/calls/{callId}/phi/${op}`));
          }
          if (!isCallId(callId)) {
            return render(reply, channelError('invalid_request', `callId: expected ${CALL_ID_RULE}`));
          }
          const body = (request.body ?? {}) as { text?: unknown; for?: unknown };
          if (typeof body.text !== 'string') {
            return render(reply, channelError('invalid_arguments', 'text: expected a string'));
          }
          if (op === 'reveal' && (typeof body.for !== 'string' || body.for === '')) {
            return render(
              reply,
              channelError(
                'invalid_arguments',
                'for: expected the name of the subprocessor that receives the text',
              ),
            );
          }
          const target = {
            tenantId: requestTenant(request),
            callId,
            channel: 'http' as const,
            text: body.text,
          };
          if (op === 'protect') {
            const result = await phi.protect(target);
            if (!result.ok) return render(reply, channelError(result.code, result.message));
            // Offsets and token types only: the values stay in the vault.
            const spans = result.spans.map(({ type, start, end, token }) => ({ type, start, end, token }));
            return reply.code(200).send({ text: result.text, spans });
          }
          const result = await phi.reveal({ ...target, vendor: body.for as string });
          if (!result.ok) return render(reply, channelError(result.code, result.message));
          return reply.code(200).send({ text: result.text });
        },
      );
    },
    { prefix: '/v1/calls' },
  );

  await app.register(async (scope) => {
    guardChannel(scope, { channel: 'http', auth: options.auth, render });
    scope.get(OPENAPI_PATH, async (request) =>
      openApiDocument({
        tools: options.router.list(requestTenant(request)),
        version: options.version ?? EHRGATE_VERSION,
        phi: options.phi !== undefined,
      }),
    );
  });
}
