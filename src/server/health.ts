import type { FastifyInstance } from 'fastify';
import { type ReadinessProbe, runReadiness } from './readiness.ts';

export function registerHealthRoutes(app: FastifyInstance, probes: readonly ReadinessProbe[]): void {
  // Liveness only: the process answers. Orchestrators restart on this, so it must not depend
  // on the EHR or the database.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = await runReadiness(probes);
    return reply.code(report.ready ? 200 : 503).send(report);
  });
}
