import type { Logger } from 'pino';
import {
  createTenantAuth,
  requiredScopes,
  type ScopeStyle,
  scopeMatrixFor,
  type TokenManager,
  type WorkflowReadiness,
  workflowReadiness,
} from '../auth/index.ts';
import type { EhrgateConfig, TenantConfig, Vendor } from '../config/index.ts';
import {
  createFhirClient,
  type FhirClient,
  type FhirRequestEvent,
  type FhirRequestSentEvent,
} from '../fhir/index.ts';
import type { ReadinessProbe } from './readiness.ts';

// Everything the gateway holds per tenant: its FHIR client (with the tenant's token manager as
// the access-token provider), and the probes /readyz runs for it.
export type TenantRuntime = {
  readonly id: string;
  readonly config: TenantConfig;
  readonly fhir: FhirClient;
  readonly tokenManager?: TokenManager;
  readonly requestedScopes: readonly string[];
  readonly probes: readonly ReadinessProbe[];
  /** Obtains a token now and reports which workflows its granted scopes cover (promise P5). */
  checkScopes(): Promise<WorkflowReadiness[]>;
  close(): Promise<void>;
};

// Cerner accepts only SMART v2 scopes and drops v1 ones for v2 clients (DESIGN.md section 5);
// Epic documents v1 `system/X.read|write` for backend apps; a plain R4 server gets v2.
const SCOPE_STYLE: Record<Vendor, ScopeStyle> = { epic: 'v1', cerner: 'v2', 'fhir-r4': 'v2' };

export function scopesFor(tenant: TenantConfig): string[] {
  if (tenant.ehr.scopes && tenant.ehr.scopes.length > 0) return [...tenant.ehr.scopes];
  return requiredScopes([...tenant.workflows], SCOPE_STYLE[tenant.ehr.vendor], {
    matrix: scopeMatrixFor(tenant.ehr.vendor),
  });
}

export type TenantRuntimeOptions = {
  logger: Logger;
  /** Called after every EHR request attempt (metrics, the audit chain). */
  onEhrRequest?: (tenantId: string, event: FhirRequestEvent) => void;
  /** Called as every EHR request attempt goes out (the audit chain's record of a read ahead). */
  onEhrRequestSent?: (tenantId: string, event: FhirRequestSentEvent) => void;
};

export function buildTenantRuntimes(config: EhrgateConfig, options: TenantRuntimeOptions): TenantRuntime[] {
  return config.tenants.map((tenant) => buildTenantRuntime(tenant, options));
}

export function buildTenantRuntime(tenant: TenantConfig, options: TenantRuntimeOptions): TenantRuntime {
  const log = options.logger.child({ tenant: tenant.id });
  const scopes = scopesFor(tenant);
  const auth = tenant.ehr.auth;
  const tokenManager =
    auth.method === 'none'
      ? undefined
      : createTenantAuth({
          baseUrl: tenant.ehr.baseUrl,
          auth:
            auth.method === 'private_key_jwt'
              ? {
                  method: auth.method,
                  clientId: auth.clientId,
                  keysDir: auth.keys,
                  alg: auth.alg,
                  jku: auth.jku,
                }
              : { method: auth.method, clientId: auth.clientId, clientSecret: auth.clientSecret },
          scopes,
          tokenManager: {
            onEvent: (event) => log.info({ event: event.type }, 'token manager'),
          },
        }).tokenManager;

  const fhir = createFhirClient({
    baseUrl: tenant.ehr.baseUrl,
    timeoutMs: tenant.ehr.timeoutMs,
    getAccessToken: tokenManager ? (opts) => tokenManager.getAccessToken(opts) : undefined,
    onRequest: options.onEhrRequest && ((event) => options.onEhrRequest!(tenant.id, event)),
    onRequestSent: options.onEhrRequestSent && ((event) => options.onEhrRequestSent!(tenant.id, event)),
  });

  const checkScopes = async (): Promise<WorkflowReadiness[]> => {
    if (!tokenManager)
      return tenant.workflows.map((workflow) => ({
        workflow,
        ready: true,
        missing: [],
        partial: [],
        notes: [],
      }));
    await tokenManager.getAccessToken({ forceRefresh: false });
    return workflowReadiness(tokenManager.state().grantedScopes ?? [], [...tenant.workflows], {
      matrix: scopeMatrixFor(tenant.ehr.vendor),
    });
  };

  const probes: ReadinessProbe[] = [
    {
      name: `ehr:${tenant.id}`,
      check: async (signal) => {
        // The CapabilityStatement needs no token on Epic, Cerner or HAPI, so this checks the
        // EHR itself, independent of auth.
        const response = await fhir.request('GET', 'metadata', { retry: false, signal });
        return {
          status: 'pass',
          detail: `${tenant.ehr.vendor} at ${fhir.baseUrl} answered ${response.status}`,
        };
      },
    },
  ];
  if (tokenManager) {
    probes.push({
      name: `auth:${tenant.id}`,
      check: async () => {
        let readiness: WorkflowReadiness[];
        try {
          readiness = await checkScopes();
        } catch {
          const state = tokenManager.state();
          return {
            status: 'fail',
            detail: state.lastError?.message,
            fix: state.lastError?.fix,
            token: state,
          };
        }
        const blocked = readiness.filter((w) => !w.ready);
        return {
          status: blocked.length === 0 ? 'pass' : 'warn',
          detail:
            blocked.length === 0
              ? 'token valid; granted scopes cover every enabled workflow'
              : `not authorized: ${blocked.map((w) => `${w.workflow} (missing ${w.missing.join(' ')})`).join('; ')}`,
          workflows: readiness.map(({ workflow, ready, missing }) => ({ workflow, ready, missing })),
          expiresAt: tokenManager.state().expiresAt,
        };
      },
    });
  }

  return {
    id: tenant.id,
    config: tenant,
    fhir,
    tokenManager,
    requestedScopes: scopes,
    probes,
    checkScopes,
    close: () => fhir.close(),
  };
}
