// The tool runtime as the gateway builds it (server/tool-runtime.ts), for tests that drive whole
// calls: every workflow over the real adapters, the sandbox EHR over HTTP, a SQLite store in a
// temporary directory, and one patient the caller can be verified as.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { auditEhrRequests, createAuditAppender } from '../../src/compliance/audit/index.ts';
import type { TenantConfig } from '../../src/config/types.ts';
import { type SandboxHandle, startSandbox } from '../../src/sandbox/server.ts';
import { buildTenantRuntime, type TenantRuntime } from '../../src/server/tenant-runtime.ts';
import { buildToolRuntime, type ToolRuntime } from '../../src/server/tool-runtime.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { ToolCallRequest } from '../../src/tools/contract.ts';
import { NOW_MS, REFERENCE_DATE, tenantFor } from '../workflows/scheduling/support.ts';

const SECRET = 'tool-secret-for-tests-0123456789abcdef-not-for-production';

export type GatewayRuntime = {
  readonly sandbox: SandboxHandle;
  readonly store: Store;
  readonly dir: string;
  readonly tenant: TenantConfig;
  readonly runtime: TenantRuntime;
  readonly tools: ToolRuntime;
  /** A tool call that must succeed at the protocol level; its output. */
  call(
    callId: string,
    name: string,
    args: unknown,
    extra?: Partial<ToolCallRequest>,
  ): Promise<Record<string, unknown> & { status: string; say: string }>;
  close(): Promise<void>;
};

export async function startGatewayRuntime(options: {
  /** Put in the sandbox before the call, to be verified by name and birth date. */
  readonly patient: { readonly family: string; readonly given: string; readonly birthDate: string };
  /** Every EHR request and every answer in the audit chain, as the gateway does (server/start-gateway.ts). */
  readonly audited?: boolean;
}): Promise<GatewayRuntime> {
  const sandbox = await startSandbox({ referenceDate: REFERENCE_DATE, auth: false });
  const dir = await mkdtemp(join(tmpdir(), 'ehrgate-tools-'));
  const store = await openStore({ url: join(dir, 'ehrgate.sqlite') });
  const { family, given, birthDate } = options.patient;
  await sandbox.store.create({
    resourceType: 'Patient',
    active: true,
    name: [{ use: 'official', family, given: [given] }],
    birthDate,
  });
  const tenant = {
    ...tenantFor(sandbox),
    workflows: ['scheduling', 'identity', 'intake', 'insurance', 'routing'],
    identity: { require: ['name', 'birthDate'], maxAttempts: 3, mrnAssigner: sandbox.seed.organization.id },
    routing: [
      { intent: 'scheduling', to: { queue: 'front-desk' } },
      {
        intent: 'billing',
        to: { queue: 'billing', phone: '+15550100' },
        hours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' },
      },
    ],
  } as TenantConfig;
  const appender = options.audited ? createAuditAppender({ store }) : undefined;
  const auditor = appender ? auditEhrRequests(appender) : undefined;
  const runtime = buildTenantRuntime(tenant, {
    logger: pino({ level: 'silent' }),
    ...(auditor ? { onEhrRequest: auditor.answered, onEhrRequestSent: auditor.sent } : {}),
  });
  const tools = buildToolRuntime({
    store,
    tenants: [runtime],
    env: { EHRGATE_TOOL_SECRET: SECRET },
    now: () => NOW_MS,
    router: { idleSweep: false },
    ...(appender ? { audit: appender } : {}),
  });
  return {
    sandbox,
    store,
    dir,
    tenant,
    runtime,
    tools,
    async call(callId, name, args, extra = {}) {
      const result = await tools.router.call({
        tenantId: tenant.id,
        callId,
        channel: 'sim',
        name,
        args,
        ...extra,
      });
      assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
      return result.output as Record<string, unknown> & { status: string; say: string };
    },
    async close() {
      await tools.close();
      await appender?.flush();
      await runtime.close();
      await store.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
