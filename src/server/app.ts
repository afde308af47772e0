import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { channelError, errorBody } from '../channels/lib/channel-errors.ts';
import { registerHealthRoutes } from './health.ts';
import { registerJwksRoute } from './jwks-route.ts';
import { type GatewayMetrics, registerMetricsRoute } from './metrics.ts';
import type { ReadinessProbe } from './readiness.ts';
import { registerWorkQueueRoutes, type WorkQueueRoutesOptions } from './work-queue-routes.ts';

// Voice platforms send small JSON tool calls; anything near this size is abuse or a bug.
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
// Longer than any path parameter a route takes (a call id is at most 128 characters), so the
// route's own check answers an overlong one with its rule, not fastify's 414 with the URL echoed.
const MAX_PARAM_LENGTH = 1_024;
// In-flight tool calls get this long to finish on shutdown before connections are cut.
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

export type GatewayAppOptions = {
  logger: Logger;
  probes: readonly ReadinessProbe[];
  /** Key directories of every private_key_jwt tenant, published as one JWK Set. */
  keyDirs: readonly string[];
  metrics: GatewayMetrics;
  /** The staff work queue API (/v1/work-items), authenticated by the tenants' http API keys. */
  workQueue?: WorkQueueRoutesOptions;
  bodyLimitBytes?: number;
  now?: () => number;
};

export function buildGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  // A channel's scope answers its own unknown routes; elsewhere the same {error:{code,message}}.
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(errorBody(channelError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`))),
  );
  registerHealthRoutes(app, options.probes);
  registerJwksRoute(app, options.keyDirs, options.now ?? Date.now);
  registerMetricsRoute(app, options.metrics);
  if (options.workQueue) registerWorkQueueRoutes(app, options.workQueue);
  return app;
}
