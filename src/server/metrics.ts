import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import type { TenantRuntime } from './tenant-runtime.ts';

// Prometheus metrics at /metrics. Token state is read from each tenant's token manager when
// scraped (prom-client `collect`), so a renewal that keeps failing shows up on the next scrape
// without the token manager knowing about metrics (issue 3: "surface on /readyz and in metrics").
// Labels carry tenant ids and FHIR resource types only: never PHI.
export const TOKEN_STATUS_VALUES = { ok: 0, renewing: 1, failing: 2 } as const;

export type GatewayMetrics = {
  registry: Registry;
  ehrRequests: Counter<'tenant' | 'method' | 'status'>;
  /** Tenants whose token state is reported; set once the runtimes exist. */
  trackTenants(tenants: readonly TenantRuntime[]): void;
};

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  let managed: readonly TenantRuntime[] = [];
  const stateOf = (tenant: TenantRuntime) => tenant.tokenManager!.state();

  new Gauge({
    name: 'ehrgate_token_status',
    help: 'Token manager status per tenant: 0 ok, 1 renewing, 2 failing',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      for (const tenant of managed)
        this.set({ tenant: tenant.id }, TOKEN_STATUS_VALUES[stateOf(tenant).status]);
    },
  });
  new Gauge({
    name: 'ehrgate_token_requests',
    help: 'Token requests made per tenant since start (successful or not)',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      for (const tenant of managed) this.set({ tenant: tenant.id }, stateOf(tenant).tokenRequests);
    },
  });
  new Gauge({
    name: 'ehrgate_token_failures',
    help: 'Failed token requests per tenant since start',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      for (const tenant of managed) this.set({ tenant: tenant.id }, stateOf(tenant).failures);
    },
  });
  new Gauge({
    name: 'ehrgate_token_expires_in_seconds',
    help: 'Seconds until the cached token expires (negative or absent when there is none)',
    labelNames: ['tenant'],
    registers: [registry],
    collect() {
      for (const tenant of managed) {
        const expiresAt = stateOf(tenant).expiresAt;
        if (expiresAt)
          this.set({ tenant: tenant.id }, Math.round((Date.parse(expiresAt) - Date.now()) / 1000));
      }
    },
  });
  const ehrRequests = new Counter({
    name: 'ehrgate_ehr_requests_total',
    help: 'FHIR requests sent to each tenant EHR, by method and HTTP status (0: no answer)',
    labelNames: ['tenant', 'method', 'status'] as const,
    registers: [registry],
  });
  return {
    registry,
    ehrRequests,
    trackTenants: (tenants) => {
      managed = tenants.filter((tenant) => tenant.tokenManager);
    },
  };
}

export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
