// The sandbox's control API under /_sandbox, for tests that drive a sandbox they did not start in
// process (a spawned `main.ts`). Never faulted, never counted in stats (faults.ts isControlPath).
//
//   GET    /_sandbox/faults   {rules, kinds}         POST /_sandbox/faults  add a rule (201)
//   DELETE /_sandbox/faults   remove every rule (204)
//   GET    /_sandbox/stats    request counts         DELETE /_sandbox/stats  zero them (204)
//   POST   /_sandbox/reset    re-seed ({seed?, referenceDate?}); also clears faults and stats
//   GET    /_sandbox/seed     the seed summary: ids of the clinic, practitioners, patients...
//   GET    /_sandbox/info     {pid, personalities}: lets a test kill the EHR under a gateway

import type { FastifyInstance } from 'fastify';
import type { FaultController } from './faults.ts';
import { fhirError, toFhirOutcomeError } from './lib/outcome.ts';
import type { SeedSummary } from './seed.ts';
import type { RequestStats } from './stats.ts';

export interface ResetOptions {
  readonly seed?: number;
  readonly referenceDate?: Date;
}

export interface ControlContext {
  readonly faults: FaultController;
  readonly stats: RequestStats;
  readonly reset: (options: ResetOptions) => Promise<SeedSummary>;
  readonly seedSummary: () => SeedSummary;
  /** Name and base path of each FHIR personality served. */
  readonly personalities: readonly { name: string; prefix: string }[];
}

function parseResetBody(body: unknown): ResetOptions {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw fhirError(400, 'invalid', 'reset takes a JSON object');
  const { seed, referenceDate, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw fhirError(400, 'invalid', `unknown reset field '${unknown[0]}'`);
  if (seed !== undefined && !Number.isSafeInteger(seed))
    throw fhirError(400, 'invalid', 'seed must be an integer');
  let date: Date | undefined;
  if (referenceDate !== undefined) {
    date = typeof referenceDate === 'string' ? new Date(referenceDate) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) {
      throw fhirError(400, 'invalid', 'referenceDate must be an ISO 8601 date-time');
    }
  }
  return {
    ...(seed === undefined ? {} : { seed: seed as number }),
    ...(date === undefined ? {} : { referenceDate: date }),
  };
}

export async function mountControlRoutes(app: FastifyInstance, context: ControlContext): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler((error, _request, reply) => {
        const failure = toFhirOutcomeError(error);
        return reply.code(failure.status).type('application/fhir+json').send(failure.outcome);
      });

      scope.get('/faults', async () => ({
        rules: context.faults.rules(),
        kinds: context.faults.kinds.map(({ name, ruleField, phase, description }) => ({
          name,
          ruleField,
          phase,
          description,
        })),
      }));
      scope.post('/faults', async (request, reply) =>
        reply.code(201).send(context.faults.addRule(request.body)),
      );
      scope.delete('/faults', async (_request, reply) => {
        context.faults.clear();
        return reply.code(204).send();
      });

      scope.get('/stats', async () => context.stats.snapshot());
      scope.delete('/stats', async (_request, reply) => {
        context.stats.reset();
        return reply.code(204).send();
      });

      scope.post('/reset', async (request) => context.reset(parseResetBody(request.body)));
      scope.get('/seed', async () => context.seedSummary());
      scope.get('/info', async () => ({ pid: process.pid, personalities: context.personalities }));
    },
    { prefix: '/_sandbox' },
  );
}
