// A gateway's channel side for the Vapi, Retell and tenancy tests: two tenants ("valley" and
// "hillside"), each with its own sandbox EHR over real HTTP, the real tenant runtimes, tool
// router and workflows (src/server/tool-runtime.ts), one SQLite store, the real channel auth,
// and the Vapi and Retell routes (plus the staff work queue) on a fastify server on 127.0.0.1:0.
import type { Patient } from '@medplum/fhirtypes';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { type ChannelAuth, createChannelAuth, type RateLimit } from '../../../src/channels/auth/index.ts';
import { registerRetellChannel } from '../../../src/channels/retell/index.ts';
import { registerVapiChannel } from '../../../src/channels/vapi/index.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { type SandboxHandle, startSandbox } from '../../../src/sandbox/server.ts';
import { buildTenantRuntime, type TenantRuntime } from '../../../src/server/tenant-runtime.ts';
import { buildToolRuntime, type ToolRuntime } from '../../../src/server/tool-runtime.ts';
import { registerWorkQueueRoutes } from '../../../src/server/work-queue-routes.ts';
import { openStore, type Store } from '../../../src/store/index.ts';
import type { ToolRouterOptions } from '../../../src/tools/router.ts';
import { tenantFor } from '../../workflows/scheduling/support.ts';

export const VALLEY = 'valley';
export const HILLSIDE = 'hillside';
/** Test credentials: throwaway values that exist only in these tests. */
export const SECRETS = {
  [VALLEY]: {
    vapi: 'valley-vapi-secret-for-tests',
    retell: 'valley-retell-key-for-tests',
    http: 'valley-http-key',
  },
  [HILLSIDE]: {
    vapi: 'hillside-vapi-secret-for-tests',
    retell: 'hillside-retell-key-for-tests',
    http: 'hillside-http-key',
  },
} as const;
const TOOL_SECRET = 'channel-tests-tool-secret-0123456789abcdef';

export type TenantSide = {
  readonly id: string;
  readonly sandbox: SandboxHandle;
  readonly config: TenantConfig;
  /** EHR requests the sandbox has received so far (metadata probes included). */
  ehrRequests(): number;
  /** Name and birth date of a seeded patient, as a caller would say them. */
  caller(index: number): { name: string; birthDate: string; id: string };
};

export type ChannelHarness = {
  readonly url: string;
  readonly store: Store;
  readonly auth: ChannelAuth;
  readonly tools: ToolRuntime;
  readonly valley: TenantSide;
  readonly hillside: TenantSide;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  post(
    path: string,
    body: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; headers: Headers }>;
  close(): Promise<void>;
};

export type ChannelHarnessOptions = {
  rateLimit?: RateLimit;
  router?: Omit<ToolRouterOptions, 'store' | 'tenants'>;
  now?: () => number;
};

function tenantConfig(
  sandbox: SandboxHandle,
  id: typeof VALLEY | typeof HILLSIDE,
  rateLimit?: RateLimit,
): TenantConfig {
  const secrets = SECRETS[id];
  return tenantFor(sandbox, {
    id,
    name: id,
    workflows: ['scheduling', 'identity', 'intake', 'insurance', 'routing'],
    mapping: {
      chiefComplaint: { to: 'appointment-note' },
      reasonForVisit: { to: 'appointment-note' },
      insurance: { to: 'coverage' },
    },
    channels: {
      vapi: { secret: secrets.vapi },
      retell: { apiKey: secrets.retell },
      http: { apiKeys: [secrets.http] },
    },
    ...(rateLimit ? { rateLimit } : {}),
  } as Partial<TenantConfig>);
}

function side(id: string, sandbox: SandboxHandle, config: TenantConfig): TenantSide {
  return {
    id,
    sandbox,
    config,
    ehrRequests: () => sandbox.stats.snapshot().total,
    caller(index) {
      const summary = sandbox.seed.patients[index];
      if (!summary) throw new TypeError(`the sandbox seed has no patient ${index}`);
      const patient = [...sandbox.store.all('Patient')].find((p) => p.id === summary.id) as
        | Patient
        | undefined;
      const name = patient?.name?.[0];
      if (!patient?.birthDate || !name?.family || !name.given?.[0]) {
        throw new TypeError('the sandbox seed changed: patient without name or birth date');
      }
      return { name: `${name.given[0]} ${name.family}`, birthDate: patient.birthDate, id: summary.id };
    },
  };
}

export async function startChannelHarness(options: ChannelHarnessOptions = {}): Promise<ChannelHarness> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const [valleyEhr, hillsideEhr] = await Promise.all([
      startSandbox({ auth: false }),
      startSandbox({ auth: false, seed: 2 }),
    ]);
    cleanups.push(
      () => valleyEhr.close(),
      () => hillsideEhr.close(),
    );
    const store = await openStore({ url: ':memory:' });
    cleanups.push(() => store.close());
    const logger = pino({ level: 'silent' });
    const configs = [
      tenantConfig(valleyEhr, VALLEY, options.rateLimit),
      tenantConfig(hillsideEhr, HILLSIDE, options.rateLimit),
    ];
    const runtimes: TenantRuntime[] = configs.map((config) => buildTenantRuntime(config, { logger }));
    cleanups.push(async () => {
      for (const runtime of runtimes) await runtime.close();
    });
    const tools = buildToolRuntime({
      store,
      tenants: runtimes,
      env: { EHRGATE_TOOL_SECRET: TOOL_SECRET },
      logger,
      ...(options.router ? { router: options.router } : {}),
    });
    cleanups.push(() => tools.close());
    const auth = createChannelAuth({ tenants: configs, store, ...(options.now ? { now: options.now } : {}) });
    const app: FastifyInstance = Fastify({ logger: false });
    registerVapiChannel(app, { auth, router: tools.router });
    registerRetellChannel(app, { auth, router: tools.router });
    // The staff work queue, for the tenancy tests (its keys are the tenants' HTTP keys).
    registerWorkQueueRoutes(app, { store, tenants: configs });
    await app.listen({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => app.close());
    const address = app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return {
      url,
      store,
      auth,
      tools,
      valley: side(VALLEY, valleyEhr, configs[0]!),
      hillside: side(HILLSIDE, hillsideEhr, configs[1]!),
      async get(path, headers = {}) {
        const response = await fetch(`${url}${path}`, { headers });
        return { status: response.status, json: await response.json() };
      },
      async post(path, body, headers = {}) {
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
        const text = await response.text();
        let json: unknown = text;
        try {
          json = JSON.parse(text);
        } catch {}
        return { status: response.status, json, headers: response.headers };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
