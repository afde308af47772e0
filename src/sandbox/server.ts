// startSandbox: the sandbox EHR as one Fastify server (DESIGN.md section 8). It imports nothing
// from the gateway, so tests that drive the gateway against it are honest.
//
// Request path through the server:
//   root onRequest: stats (count) -> faults (latency / timeout / status)
//   personality onRequest: the authorize hook (the sandbox authorization server, when wired)
//   route: the personality's rules -> store (validation, versions) -> FHIR response

import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { createSandboxAuth, type SandboxAuth, type SandboxAuthOptions } from './auth/index.ts';
import { mountControlRoutes, type ResetOptions } from './control-routes.ts';
import { BUILTIN_FAULT_KINDS } from './fault-kinds.ts';
import { FaultController, type FaultKind } from './faults.ts';
import { loadFhirDefinitions } from './fhir-definitions.ts';
import { mountFhirPersonality } from './fhir-routes.ts';
import { FhirStore } from './fhir-store.ts';
import { fhirError } from './lib/outcome.ts';
import { cernerPersonality } from './personalities/cerner.ts';
import { epicR4Personality, epicStu3Personality } from './personalities/epic.ts';
import { R4_PREFIX, r4Personality } from './personalities/r4.ts';
import type { AuthorizeHook, FhirPersonality } from './personality.ts';
import { SandboxError } from './sandbox-error.ts';
import { DEFAULT_SEED, type SeedSummary, seedStore } from './seed.ts';
import { RequestStats } from './stats.ts';

export const DEFAULT_SANDBOX_HOST = '127.0.0.1';
/** 0: the OS picks a free port, which is what parallel tests need. main.ts defaults to 8090. */
export const DEFAULT_SANDBOX_PORT = 0;

export interface SandboxOptions {
  readonly port?: number;
  readonly host?: string;
  /** PRNG seed of the clinic (seed.ts); default DEFAULT_SEED. */
  readonly seed?: number;
  /** "Now" for the clinic: slots start after it. Default: the time of start-up (and of each reset). */
  readonly referenceDate?: Date;
  /** Fastify request logs to stderr, paths only (queries can carry names and birth dates). */
  readonly logger?: boolean;
  /**
   * The sandbox authorization server (src/sandbox/auth/): on by default, so every FHIR request
   * needs a token with the right scopes, as on a real EHR. `false` turns it off (every request
   * allowed), for tests of the FHIR behaviour alone.
   */
  readonly auth?: Omit<SandboxAuthOptions, 'endpoints'> | false;
  /** Replaces the authorization hook entirely (personality.ts AuthorizeHook). */
  readonly authorize?: AuthorizeHook;
  /** Store clock for meta.lastUpdated; default the system clock. */
  readonly now?: () => Date;
  /** Validate every seeded resource at start-up (adds ~0.3 s; the seed test does it anyway). */
  readonly validateSeed?: boolean;
  /** Fault kinds; default BUILTIN_FAULT_KINDS. */
  readonly faultKinds?: readonly FaultKind[];
  /**
   * Runs before the personalities are mounted and the server listens: where the host wires extra
   * routes such as the sandbox authorization server (src/sandbox/auth/).
   */
  readonly setup?: (app: FastifyInstance, context: SandboxContext) => void | Promise<void>;
}

/** What `setup` and the personalities share. */
export interface SandboxContext {
  readonly store: FhirStore;
  readonly faults: FaultController;
  readonly stats: RequestStats;
  readonly personalities: readonly FhirPersonality[];
}

export interface SandboxHandle extends SandboxContext {
  /** Origin, e.g. `http://127.0.0.1:8090`. */
  readonly url: string;
  /** `http://127.0.0.1:8090/fhir/R4` */
  readonly r4BaseUrl: string;
  readonly port: number;
  /** Milliseconds from the call to listening (definitions, seed, routes). */
  readonly startupMs: number;
  /** The clinic as seeded (changes after a reset). */
  readonly seed: SeedSummary;
  /** The authorization server, unless turned off: register clients, revoke tokens, move its clock. */
  readonly auth: SandboxAuth | undefined;
  /** Re-seeds the store and clears faults and stats (as `POST /_sandbox/reset`). */
  reset(options?: ResetOptions): Promise<SeedSummary>;
  /** Stops listening, drops open connections (including ones held by faults). */
  close(): Promise<void>;
}

function checkOptions(options: SandboxOptions): void {
  const { port, seed, referenceDate } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new SandboxError('ERR_SANDBOX_OPTIONS', `port must be an integer from 0 to 65535, got ${port}`);
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new SandboxError('ERR_SANDBOX_OPTIONS', `seed must be an integer, got ${seed}`);
  }
  if (referenceDate !== undefined && Number.isNaN(referenceDate.getTime())) {
    throw new SandboxError('ERR_SANDBOX_OPTIONS', 'referenceDate is not a valid date');
  }
}

// One token endpoint per personality that declares one; its SMART configuration points there.
function authOptions(
  auth: Omit<SandboxAuthOptions, 'endpoints'> | undefined,
  personalities: readonly FhirPersonality[],
): SandboxAuthOptions {
  const endpoints = personalities.flatMap(({ tokenEndpoint }) =>
    tokenEndpoint ? [{ personality: tokenEndpoint.vendor, path: tokenEndpoint.path }] : [],
  );
  return { ...auth, endpoints };
}

function originOf(host: string, port: number): string {
  // A wildcard bind is reachable on loopback; that is the address to hand to clients.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const started = performance.now();
  checkOptions(options);
  const host = options.host ?? DEFAULT_SANDBOX_HOST;
  await loadFhirDefinitions();

  const store = new FhirStore(options.now === undefined ? {} : { now: options.now });
  const faults = new FaultController(options.faultKinds ?? BUILTIN_FAULT_KINDS);
  const stats = new RequestStats();
  // Each personality is one file in personalities/ (DESIGN.md sections 5 and 8).
  const personalities: FhirPersonality[] = [
    r4Personality,
    epicR4Personality,
    epicStu3Personality,
    cernerPersonality,
  ];
  let currentSeed = options.seed ?? DEFAULT_SEED;
  const seedWith = (seed: number, referenceDate: Date | undefined): Promise<SeedSummary> =>
    seedStore(store, {
      seed,
      ...(referenceDate === undefined ? {} : { referenceDate }),
      validate: options.validateSeed ?? false,
    });
  let summary = await seedWith(currentSeed, options.referenceDate);

  const reset = async (resetOptions: ResetOptions = {}): Promise<SeedSummary> => {
    currentSeed = resetOptions.seed ?? currentSeed;
    store.clear();
    faults.clear();
    stats.reset();
    summary = await seedWith(currentSeed, resetOptions.referenceDate ?? options.referenceDate);
    return summary;
  };

  const app = Fastify({
    // Connections held by a timeout fault must not keep close() waiting.
    forceCloseConnections: true,
    logger: options.logger
      ? {
          level: 'info',
          stream: process.stderr,
          serializers: {
            req: (request: { method: string; url: string }) => ({
              method: request.method,
              url: request.url.split('?')[0],
            }),
          },
        }
      : false,
  });
  app.addHook('onRequest', stats.onRequest);
  app.addHook('onRequest', faults.onRequest);
  app.addHook('onResponse', stats.onResponse);
  app.setNotFoundHandler((request, reply) => {
    const failure = fhirError(
      404,
      'not-found',
      `no route for ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.code(404).type('application/fhir+json').send(failure.outcome);
  });

  const context: SandboxContext = { store, faults, stats, personalities };
  await mountControlRoutes(app, {
    faults,
    stats,
    reset,
    seedSummary: () => summary,
    personalities: personalities.map(({ name, prefix }) => ({ name, prefix })),
  });
  const auth =
    options.authorize || options.auth === false
      ? undefined
      : createSandboxAuth(authOptions(options.auth, personalities));
  if (auth) await app.register(auth.plugin);
  const authorize = options.authorize ?? auth?.authorize;
  await options.setup?.(app, context);
  for (const personality of personalities) {
    await mountFhirPersonality(app, personality, {
      store,
      ...(authorize === undefined ? {} : { authorize }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  try {
    await app.listen({ port: options.port ?? DEFAULT_SANDBOX_PORT, host });
  } catch (error) {
    await app.close();
    faults.close();
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new SandboxError('ERR_SANDBOX_PORT_IN_USE', `port ${options.port} is in use`, { cause: error });
    }
    throw new SandboxError('ERR_SANDBOX_START', `the sandbox could not listen: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const url = originOf(host, port);
  const startupMs = Math.round(performance.now() - started);

  return {
    url,
    r4BaseUrl: `${url}${R4_PREFIX}`,
    port,
    startupMs,
    store,
    faults,
    stats,
    personalities,
    auth,
    get seed() {
      return summary;
    },
    reset,
    async close() {
      faults.close();
      await app.close();
    },
  };
}
