// Signed channels (Vapi HMAC, Retell) verify the body's exact bytes, so inside their fastify
// scope JSON is not parsed on arrival: the route gets the raw Buffer, authenticates it, and only
// then parses it. Registered inside an encapsulated plugin, so other routes keep fastify's parser.
import type { FastifyInstance } from 'fastify';

export function acceptRawBody(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (_request, body, done) =>
    done(null, body),
  );
}

/** The raw body as a Buffer (empty when the request had none). */
export function rawBodyOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.alloc(0);
}

/** Aborted when the platform hangs up on the request (barge-in): the router then answers at once. */
export function abortSignalFor(raw: {
  once(event: 'close', listener: () => void): unknown;
  writableFinished: boolean;
}): AbortSignal {
  const controller = new AbortController();
  raw.once('close', () => {
    if (!raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
