// Retell custom functions (issue 6 item 3; DESIGN.md section 9): POST /retell/functions and
// POST /retell/functions/{name}. Retell treats any 2xx as success and hands the body to the
// model; it retries a failed request up to twice (docs.retellai.com/build/conversation-flow/
// custom-function). So: an outcome, or a tool's own refusal the model can act on (unknown tool,
// bad arguments), is a 200 - retrying it would change nothing; a bad credential is 401, a rate
// limit 429 with Retry-After, another tenant's call 403, a broken run 500 (worth the retry).
//
// Retell's retries carry no tool-call id: the router keys them by call + function + canonical
// arguments and returns the first outcome, so a retried booking books once (P3). Each retry is
// signed afresh (the SDK signs with the send time), so the replay guard does not refuse it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ToolRouter } from '../../tools/contract.ts';
import type { ChannelAuth } from '../auth/index.ts';
import { abortSignalFor, acceptRawBody, rawBodyOf } from '../auth/raw-body.ts';
import { parseRetellCall, RETELL_CALL_ID_HEADER, RETELL_CALL_ID_QUERY } from './parse-function-call.ts';

export const RETELL_FUNCTIONS_PATH = '/retell/functions';
// The call object carries the transcript so far, which grows with the call.
export const DEFAULT_RETELL_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export type RetellChannelOptions = {
  readonly auth: ChannelAuth;
  readonly router: ToolRouter;
  readonly path?: string;
  readonly bodyLimitBytes?: number;
};

export type RetellErrorCode =
  | 'missing_credential'
  | 'invalid_credential'
  | 'bad_signature'
  | 'stale_signature'
  | 'replayed_request'
  | 'rate_limited'
  | 'malformed_json'
  | 'invalid_request'
  | 'payload_too_large'
  | 'unknown_tool'
  | 'invalid_arguments'
  | 'call_belongs_to_another_tenant'
  | 'internal_error';

export type RetellReply = {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly retryAfterSeconds?: number;
};

const TOOL_ERROR_STATUS: Readonly<Record<string, number>> = {
  unknown_tool: 200,
  invalid_arguments: 200,
  call_belongs_to_another_tenant: 403,
  rate_limited: 429,
  internal_error: 500,
};

export function registerRetellChannel(app: FastifyInstance, options: RetellChannelOptions): void {
  const base = options.path ?? RETELL_FUNCTIONS_PATH;
  app.register(async (scope) => {
    acceptRawBody(scope, options.bodyLimitBytes ?? DEFAULT_RETELL_BODY_LIMIT_BYTES);
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      return reply
        .code(tooLarge ? 413 : 400)
        .send(errorBody(tooLarge ? 'payload_too_large' : 'invalid_request', error.message));
    });
    const handler = async (
      request: FastifyRequest<{ Params: { name?: string }; Querystring: Record<string, unknown> }>,
      reply: FastifyReply,
    ) => {
      const result = await handleRetellRequest(options, {
        headers: request.headers,
        rawBody: rawBodyOf(request.body),
        pathName: request.params.name,
        queryCallId: stringParam(request.query[RETELL_CALL_ID_QUERY]),
        signal: abortSignalFor(reply.raw),
      });
      if (result.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(result.retryAfterSeconds));
      return reply.code(result.status).send(result.body);
    };
    scope.post(base, handler);
    scope.post(`${base}/:name`, handler);
  });
}

export async function handleRetellRequest(
  options: Pick<RetellChannelOptions, 'auth' | 'router'>,
  request: {
    headers: Record<string, string | string[] | undefined>;
    rawBody: Buffer;
    pathName?: string;
    queryCallId?: string;
    signal?: AbortSignal;
  },
): Promise<RetellReply> {
  const authenticated = await options.auth.authenticate({
    channel: 'retell',
    headers: request.headers,
    rawBody: request.rawBody,
  });
  if (!authenticated.ok) {
    const retryAfterSeconds =
      authenticated.retryAfterMs === undefined
        ? undefined
        : Math.max(1, Math.ceil(authenticated.retryAfterMs / 1000));
    return {
      status: authenticated.status,
      body: errorBody(authenticated.code, authenticated.message),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }

  let body: unknown;
  try {
    body = JSON.parse(request.rawBody.toString('utf8'));
  } catch (error) {
    return {
      status: 400,
      body: errorBody('malformed_json', error instanceof Error ? error.message : 'not JSON'),
    };
  }
  const headerCallId = request.headers[RETELL_CALL_ID_HEADER];
  const parsed = parseRetellCall({
    body,
    pathName: request.pathName,
    queryCallId: request.queryCallId,
    headerCallId: typeof headerCallId === 'string' ? headerCallId : undefined,
  });
  if (!parsed.ok) return { status: 400, body: errorBody('invalid_request', parsed.message) };

  const result = await options.router.call({
    tenantId: authenticated.tenantId,
    callId: parsed.callId,
    channel: 'retell',
    name: parsed.name,
    args: parsed.args,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  if (result.ok) return { status: 200, body: result.output };
  if (result.error.code === 'call_belongs_to_another_tenant') {
    await options.auth.recordSecurityEvent({
      kind: 'call_belongs_to_another_tenant',
      channel: 'retell',
      tenantId: authenticated.tenantId,
      detail: { externalCallId: parsed.callId },
    });
  }
  return {
    status: TOOL_ERROR_STATUS[result.error.code] ?? 500,
    body: errorBody(result.error.code, result.error.message),
  };
}

function errorBody(
  code: RetellErrorCode,
  message: string,
): { error: { code: RetellErrorCode; message: string } } {
  return { error: { code, message } };
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
