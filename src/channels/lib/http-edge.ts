// What the HTTP-speaking channels share at the edge (STYLE.md rule 5): authenticate in onRequest,
// before the body is read (issue 6 item 4: "authenticated before any work"), remember the tenant
// for the handler, and turn fastify's own refusals (body too large, malformed JSON, wrong media
// type) into a ChannelError the channel renders in its own shape.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelName } from '../../tools/contract.ts';
import type { AuthFailure, ChannelAuth } from '../auth/index.ts';
import { type ChannelError, channelError } from './channel-errors.ts';

/** Tool-call bodies are a few hundred bytes; 64 KiB leaves room for long free text and no more. */
export const DEFAULT_TOOL_CALL_BODY_LIMIT_BYTES = 64 * 1024;

const tenantOf = new WeakMap<FastifyRequest, string>();

/** The tenant the request's credential belongs to; set by `guardChannel`. */
export function requestTenant(request: FastifyRequest): string {
  const tenantId = tenantOf.get(request);
  if (tenantId === undefined) {
    // Only reachable by registering a route outside guardChannel: a programming error.
    throw new TypeError('requestTenant: the request was not authenticated');
  }
  return tenantId;
}

export type RenderError = (reply: FastifyReply, error: ChannelError) => FastifyReply;

export function authFailureError(failure: AuthFailure): ChannelError {
  if (failure.code === 'rate_limited') {
    return {
      code: 'rate_limited',
      message: failure.message,
      ...(failure.retryAfterMs === undefined
        ? {}
        : { retryAfterSeconds: Math.ceil(failure.retryAfterMs / 1000) }),
    };
  }
  return channelError('unauthorized', failure.message);
}

/**
 * Registers, on an encapsulated fastify instance, the onRequest authentication hook and an error
 * handler: every route of that instance answers refusals through `render`.
 */
export function guardChannel(
  app: FastifyInstance,
  options: { channel: ChannelName; auth: ChannelAuth; render: RenderError },
): void {
  app.addHook('onRequest', async (request, reply) => {
    const result = await options.auth.authenticate({ channel: options.channel, headers: request.headers });
    if (result.ok) {
      tenantOf.set(request, result.tenantId);
      return;
    }
    const error = authFailureError(result);
    // RFC 6750 section 3: a 401 to a bearer-token request names the scheme.
    if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer realm="ehrgate"');
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return options.render(reply, error);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const refused = classifyEdgeError(error);
    if (refused.code === 'internal_error') {
      request.log.error({ err: { code: error.code, name: error.name } }, 'channel request failed');
    }
    return options.render(reply, refused);
  });
}

export function classifyEdgeError(error: FastifyError): ChannelError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return channelError('payload_too_large', 'the request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return channelError('malformed_json', 'the request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return channelError('unsupported_media_type', 'send the body as Content-Type: application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return channelError('invalid_request', 'Content-Length does not match the body');
  }
  // fastify's JSON parser raises a SyntaxError with statusCode 400 for some malformed bodies.
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return channelError('malformed_json', 'the request body is not valid JSON');
  }
  return channelError('internal_error', 'the gateway could not handle this request');
}
