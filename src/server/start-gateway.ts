import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { generateKey, listKeys } from '../auth/index.ts';
import { type ChannelAuth, createChannelAuth, type DevKey, resolveDevKey } from '../channels/auth/index.ts';
import { registerHttpChannel } from '../channels/http/index.ts';
import { registerMcpChannel } from '../channels/mcp/index.ts';
import { registerOpenAiChannel } from '../channels/openai/index.ts';
import { registerRetellChannel } from '../channels/retell/index.ts';
import { registerVapiChannel } from '../channels/vapi/index.ts';
import { auditEhrRequests, createAuditAppender } from '../compliance/audit/index.ts';
import { loadDataKeyring, useDataKeyring } from '../compliance/encryption/index.ts';
import { startRetentionJob } from '../compliance/retention/index.ts';
import { dataFlowsOf } from '../compliance/subprocessors/index.ts';
import {
  DEFAULT_TENANT_ID,
  defaultConfig,
  type EhrgateConfig,
  loadConfig,
  type TenantConfig,
} from '../config/index.ts';
import { EhrgateError } from '../errors.ts';
import type { FhirRequestEvent } from '../fhir/types.ts';
import { openStore, type Store } from '../store/index.ts';
import type { GatewayToolRouter } from '../tools/router.ts';
import { gatewayOutboxHandlers } from '../workflows/outbox/gateway-handlers.ts';
import { createOutboxWorker } from '../workflows/outbox/worker.ts';
import { buildGatewayApp, DEFAULT_SHUTDOWN_GRACE_MS } from './app.ts';
import { type EmbeddedSandbox, registerWithSandbox, startEmbeddedSandbox } from './embedded-sandbox.ts';
import { JWKS_PATH } from './jwks-route.ts';
import { createLogger } from './logger.ts';
import { createGatewayMetrics } from './metrics.ts';
import type { ReadinessProbe } from './readiness.ts';
import { buildTenantRuntimes, type TenantRuntime } from './tenant-runtime.ts';
import { buildToolRuntime } from './tool-runtime.ts';

export const DEFAULT_GATEWAY_PORT = 8080;
export const DEFAULT_SANDBOX_PORT = 8090;
export const DEFAULT_HOST = '127.0.0.1';

export type StartGatewayOptions = {
  configPath?: string;
  port?: number;
  sandboxPort?: number;
  host?: string;
  dataDir?: string;
  env?: Record<string, string | undefined>;
  logger?: Logger;
};

export type RunningGateway = {
  readonly url: string;
  readonly sandboxUrl?: string;
  readonly config: EhrgateConfig;
  readonly store: Store;
  readonly tenants: readonly TenantRuntime[];
  /** What each tenant's first token covers, checked at start-up (promise P5). */
  readonly authReport: readonly TenantAuthReport[];
  readonly app: FastifyInstance;
  /** The tool router every channel maps its platform's requests onto. */
  readonly router: GatewayToolRouter;
  /** Channel credential -> tenant, rate limits and security events (src/channels/auth). */
  readonly channelAuth: ChannelAuth;
  /** The sandbox tenant's development API key, with the built-in configuration only. */
  readonly devKey?: DevKey;
  close(): Promise<void>;
};

// Start order matters for a clean failure: everything that can refuse to start (config, the
// embedded EHR's port, the database) is tried before the gateway takes its port, and whatever
// already started is stopped again when a later step fails.
export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const host = options.host ?? env.HOST ?? DEFAULT_HOST;
  const cleanups: Array<() => Promise<void>> = [];
  const unwind = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };

  try {
    let sandbox: EmbeddedSandbox | undefined;
    let config: EhrgateConfig;
    const sandboxPort = options.sandboxPort ?? numberFromEnv(env.SANDBOX_PORT, 'SANDBOX_PORT');

    if (options.configPath ?? env.EHRGATE_CONFIG) {
      config = await loadConfig({ path: options.configPath ?? env.EHRGATE_CONFIG, env });
      const port = sandboxPort ?? config.sandbox.port;
      if (pointsAtEmbeddedSandbox(config, port)) {
        sandbox = await startEmbeddedSandbox({ port, host: DEFAULT_HOST });
        cleanups.push(() => sandbox!.stop());
      }
    } else {
      sandbox = await startEmbeddedSandbox({ port: sandboxPort ?? DEFAULT_SANDBOX_PORT, host });
      cleanups.push(() => sandbox!.stop());
      config = defaultConfig({ sandboxUrl: sandbox.url, env, dataDir: options.dataDir });
    }

    // config.store.url already holds DATABASE_URL when the file names no store.
    const store = await openStore({
      url: config.store.url,
      dataDir: options.dataDir,
      ...(config.store.sqliteThreading === undefined
        ? {}
        : { sqliteThreading: config.store.sqliteThreading }),
    });
    cleanups.push(() => store.close());
    // PHI columns are sealed with AES-256-GCM from here on (compliance/encryption): keys from
    // EHRGATE_DATA_KEYS, or a key generated into the data directory for a single host.
    useDataKeyring((await loadDataKeyring({ env, dataDir: options.dataDir })).keyring);

    if (sandbox && config.source.kind === 'default') await ensureSandboxKey(config);
    const metrics = createGatewayMetrics();
    // Every EHR request goes into the hash-chained audit log (P8), under its call when a tool
    // call made it; that tool call answers once the record of each read (made as it went out)
    // and of each write is durable (audit-ehr-requests.ts). The queue is flushed before the
    // store closes.
    const audit = createAuditAppender({ store });
    cleanups.push(() => audit.flush());
    const audited = auditEhrRequests(audit, (error, tenant) =>
      logger.error({ err: { code: (error as { code?: string }).code }, tenant }, 'EHR request not audited'),
    );
    const onEhrRequest = (tenant: string, event: FhirRequestEvent) => {
      metrics.ehrRequests.inc({ tenant, method: event.method, status: String(event.status ?? 0) });
      audited.answered(tenant, event);
    };
    const onEhrRequestSent = audited.sent;
    const tenants = buildTenantRuntimes(config, { logger, onEhrRequest, onEhrRequestSent });
    metrics.trackTenants(tenants);
    cleanups.push(async () => {
      for (const tenant of tenants) await tenant.close();
    });

    const probes: ReadinessProbe[] = [
      {
        name: 'store',
        check: async () => {
          await store.ping();
          return { status: 'pass', detail: store.describe() };
        },
      },
      ...tenants.flatMap((tenant) => tenant.probes),
      ...tenants.map((tenant) => dataFlowProbe(tenant.config)),
    ];
    // The tool catalog behind every channel (src/tools/contract.ts); channels register with `router`.
    const tools = buildToolRuntime({
      store,
      tenants,
      env,
      logger,
      onEhrRequest,
      onEhrRequestSent,
      audit,
    });
    cleanups.push(() => tools.close());
    const router = tools.router;
    // Every channel credential belongs to exactly one tenant (a shared one stops start-up here);
    // the built-in configuration's sandbox tenant also takes a development key (issue 6 item 4).
    const devKey = config.source.kind === 'default' ? resolveDevKey(env) : undefined;
    const channelAuth = createChannelAuth({
      tenants: config.tenants,
      store,
      appender: audit,
      ...(devKey ? { devKey: { tenantId: DEFAULT_TENANT_ID, secret: devKey.key } } : {}),
      onRecordError: (error, event) =>
        logger.error(
          { err: { code: (error as { code?: string }).code }, kind: event.kind, channel: event.channel },
          'security event not recorded',
        ),
    });
    // The outbox worker (issue 5 item 5): every process runs one; on PostgreSQL they share the queue.
    const worker = createOutboxWorker({
      store,
      handlers: gatewayOutboxHandlers(
        tenants.map((t) => ({
          id: t.id,
          vendor: t.config.ehr.vendor,
          fhir: t.fhir,
          ...(t.config.identity?.mrnAssigner === undefined
            ? {}
            : { mrnAssignerId: t.config.identity.mrnAssigner }),
        })),
      ),
      logger,
    });
    worker.start();
    cleanups.push(() => worker.stop());
    // Per-tenant retention (issue 7 item 5): expired call data and audit records are purged,
    // and each purge is itself an audit record.
    const retention = startRetentionJob({
      store,
      tenants: config.tenants,
      onError: (error) =>
        logger.error({ err: { code: (error as { code?: string }).code } }, 'retention purge failed'),
    });
    cleanups.push(() => retention.stop());
    const app = buildGatewayApp({
      logger,
      probes,
      keyDirs: keyDirsOf(config),
      metrics,
      workQueue: { store, tenants: config.tenants },
    });
    cleanups.push(() => closeWithGrace(app));
    registerVapiChannel(app, { auth: channelAuth, router });
    registerRetellChannel(app, { auth: channelAuth, router });
    await registerHttpChannel(app, { auth: channelAuth, router, phi: tools.phi });
    await registerOpenAiChannel(app, { auth: channelAuth, router });
    await registerMcpChannel(app, {
      auth: channelAuth,
      router,
      ...(config.server.mcpAllowedOrigins === undefined
        ? {}
        : { allowedOrigins: config.server.mcpAllowedOrigins }),
    });

    const port =
      options.port ?? numberFromEnv(env.PORT, 'PORT') ?? config.server.port ?? DEFAULT_GATEWAY_PORT;
    const url = await listen(app, port, options.host ?? env.HOST ?? config.server.host ?? host);
    if (sandbox) await registerWithSandbox(sandbox.url, tenants, `${url}${JWKS_PATH}`);
    const authReport = await checkTenantAuth(tenants, logger);

    return {
      url,
      sandboxUrl: sandbox?.url,
      config,
      store,
      tenants,
      authReport,
      app,
      router,
      channelAuth,
      ...(devKey ? { devKey } : {}),
      close: unwind,
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}

export type TenantAuthReport = {
  tenant: string;
  ok: boolean;
  detail: string;
  blocked: { workflow: string; missing: readonly string[] }[];
};

// A tenant whose token cannot be had, or whose scopes leave a workflow unauthorized, does not
// stop the gateway (other tenants and workflows still work, and P6 says renewal failures never
// crash the process); it is reported here, in the start-up banner and on /readyz.
async function checkTenantAuth(
  tenants: readonly TenantRuntime[],
  logger: Logger,
): Promise<TenantAuthReport[]> {
  return Promise.all(
    tenants.map(async (tenant): Promise<TenantAuthReport> => {
      try {
        const readiness = await tenant.checkScopes();
        const blocked = readiness
          .filter((w) => !w.ready)
          .map(({ workflow, missing }) => ({ workflow, missing }));
        for (const { workflow, missing } of blocked) {
          logger.warn({ tenant: tenant.id, workflow, missing }, 'workflow not authorized: missing scopes');
        }
        return {
          tenant: tenant.id,
          ok: blocked.length === 0,
          detail: tenant.tokenManager ? 'token obtained' : 'no auth (loopback sandbox)',
          blocked,
        };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        logger.error(
          { tenant: tenant.id, err: { code: (error as { code?: string }).code } },
          'no token at start-up',
        );
        return { tenant: tenant.id, ok: false, detail, blocked: [] };
      }
    }),
  );
}

// Where the tenant's call data goes (issue 7 item 4): a vendor that would receive PHI without a
// BAA is a warning here (the gateway refuses those flows; the integration is still wrong) and a
// blocker in `ehrgate doctor`.
function dataFlowProbe(tenant: TenantConfig): ReadinessProbe {
  return {
    name: `data-flows:${tenant.id}`,
    async check() {
      const flows = dataFlowsOf(tenant);
      const refused = flows.filter((flow) => flow.status === 'refused');
      return {
        status: refused.length === 0 ? 'pass' : 'warn',
        detail:
          flows.length === 0
            ? 'no subprocessors listed: PHI is sent to no vendor'
            : refused.length === 0
              ? `${flows.length} subprocessor(s), PHI only to vendors with a BAA`
              : refused.map((flow) => flow.problem).join('; '),
        flows,
      };
    },
  };
}

function keyDirsOf(config: EhrgateConfig): string[] {
  return config.tenants.flatMap((tenant) =>
    tenant.ehr.auth.method === 'private_key_jwt' ? [tenant.ehr.auth.keys] : [],
  );
}

// The built-in sandbox tenant needs a signing key like any private_key_jwt tenant; a newcomer
// should not have to make one by hand, so the first start creates it under the data directory.
async function ensureSandboxKey(config: EhrgateConfig): Promise<void> {
  for (const dir of keyDirsOf(config)) {
    if (!existsSync(dir) || (await listKeys(dir)).length === 0) await generateKey({ dir, alg: 'ES384' });
  }
}

function pointsAtEmbeddedSandbox(config: EhrgateConfig, port: number): boolean {
  return config.tenants.some((tenant) => {
    const url = new URL(tenant.ehr.baseUrl);
    return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && Number(url.port) === port;
  });
}

async function listen(app: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EhrgateError('ERR_PORT_IN_USE', `port ${port} on ${host} is in use (set --port or PORT)`, {
        cause: error,
      });
    }
    throw new EhrgateError('ERR_STARTUP', `cannot listen on ${host}:${port}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}

async function closeWithGrace(app: FastifyInstance): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), DEFAULT_SHUTDOWN_GRACE_MS);
  await app.close();
  clearTimeout(timer);
}

function numberFromEnv(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new EhrgateError('ERR_CONFIG_INVALID', `${name}: expected a port number, got "${value}"`);
  }
  return port;
}
