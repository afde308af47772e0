// Set-up for the tool router tests: the sandbox EHR over real HTTP, the real fhir-r4 adapter, a
// SQLite store and the scheduling workflow of test/workflows/scheduling/support.ts, behind the
// real router. `verify` stands for find_patient until the identity workflow lands: it sets the
// session's verified patient exactly as find_patient does.
import assert from 'node:assert/strict';
import type { TenantConfig } from '../../src/config/types.ts';
import type { SandboxOptions } from '../../src/sandbox/server.ts';
import type { ToolCallRequest, ToolCallResult } from '../../src/tools/contract.ts';
import { createToolRouter, type GatewayToolRouter, type ToolRouterOptions } from '../../src/tools/router.ts';
import type { TenantTools } from '../../src/tools/tool.ts';
import { type Harness, NOW_MS, startHarness } from '../workflows/scheduling/support.ts';

export { NOW_MS };

export type ToolHarness = Harness & {
  readonly router: GatewayToolRouter;
  readonly tools: TenantTools;
  /** A router on the same store and workflows with other options (deadline, clock). */
  routerWith(options: Partial<ToolRouterOptions>): GatewayToolRouter;
  call(
    request: Partial<ToolCallRequest> & { name: string },
    router?: GatewayToolRouter,
  ): Promise<ToolCallResult>;
  /** The output of a call that must succeed at the protocol level. */
  output(
    request: Partial<ToolCallRequest> & { name: string },
    router?: GatewayToolRouter,
  ): Promise<Record<string, unknown>>;
  patientId(index: number): string;
};

export const OTHER_TENANT = 'hillside';

export async function startToolHarness(
  options: { sandbox?: SandboxOptions; tenant?: Partial<TenantConfig> } = {},
): Promise<ToolHarness> {
  const started = await startHarness(options.sandbox === undefined ? {} : { sandbox: options.sandbox });
  const h: Harness = { ...started, tenant: { ...started.tenant, ...options.tenant } as TenantConfig };
  const tools: TenantTools = { tenant: h.tenant, scheduling: h.workflow() };
  const other: TenantTools = {
    tenant: { ...h.tenant, id: OTHER_TENANT } as TenantConfig,
    scheduling: h.workflow(),
  };
  const tenants = new Map([
    [h.tenant.id, tools],
    [OTHER_TENANT, other],
  ]);
  const routerWith = (extra: Partial<ToolRouterOptions>) =>
    createToolRouter({ store: h.store, tenants, now: () => NOW_MS, idleSweep: false, ...extra });
  const router = routerWith({});
  const call = (request: Partial<ToolCallRequest> & { name: string }, using = router) =>
    using.call({ tenantId: h.tenant.id, callId: 'platform-call-1', channel: 'sim', args: {}, ...request });
  return {
    ...h,
    router,
    tools,
    routerWith,
    call,
    async output(request, using = router) {
      const result = await call(request, using);
      assert.ok(result.ok, JSON.stringify(result));
      return result.output as Record<string, unknown>;
    },
    patientId(index) {
      const patient = h.sandbox.seed.patients[index];
      assert.ok(patient);
      return patient.id;
    },
    async close() {
      await router.close();
      await h.close();
    },
  };
}

/** What find_patient does on a match: the session's verified patient handle. */
export async function verify(
  router: GatewayToolRouter,
  tenantId: string,
  callId: string,
  patientId: string,
): Promise<void> {
  const session = await router.sessions.open({ tenantId, channel: 'sim', callId });
  assert.ok(session !== 'other-tenant');
  session.patient = { patientId, verifiedAt: NOW_MS };
}
