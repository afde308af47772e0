// Builds the tool router of a running gateway (issue 6 item 2): per tenant, the workflows it
// enables over adapters on its FHIR client (Epic scheduling also on its STU3 base, with the same
// token provider: DESIGN.md section 5), each told which SMART scopes the tenant's token lacks so
// a tool of an unauthorized workflow answers `failed` not_authorized naming them (P5).
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { scopeMatrixFor, workflowReadiness } from '../auth/index.ts';
import { runInAuditCall } from '../compliance/audit/call-context.ts';
import type { AuditAppender } from '../compliance/audit/index.ts';
import { createPhiFirewall } from '../compliance/phi/index.ts';
import type { Workflow } from '../config/types.ts';
import { createCoverageAdapter } from '../ehr/create-coverage-adapter.ts';
import { createIntakeAdapter } from '../ehr/create-intake-adapter.ts';
import { createPatientAdapter } from '../ehr/create-patient-adapter.ts';
import { createEhrAdapter, epicStu3BaseUrl } from '../ehr/index.ts';
import { EhrgateError } from '../errors.ts';
import {
  createFhirClient,
  type FhirClient,
  type FhirRequestEvent,
  type FhirRequestSentEvent,
} from '../fhir/index.ts';
import type { Store } from '../store/index.ts';
import { type CallPhi, createCallPhi, type PhiFlowRecord } from '../tools/call-phi.ts';
import type { ToolCallRequest } from '../tools/contract.ts';
import { createSharedVault } from '../tools/lib/shared-vault.ts';
import {
  createToolRouter,
  type GatewayToolRouter,
  type ToolCallRecord,
  type ToolRouterOptions,
} from '../tools/router.ts';
import type { TenantTools } from '../tools/tool.ts';
import { createIdentityWorkflow } from '../workflows/identity/identity-workflow.ts';
import { createSchedulingWorkflow, MIN_OFFER_SECRET_BYTES } from '../workflows/index.ts';
import { createInsuranceWorkflow } from '../workflows/insurance/insurance-workflow.ts';
import { createIntakeWorkflow } from '../workflows/intake/index.ts';
import type { TenantRuntime } from './tenant-runtime.ts';

/** The deployment's signing secret of offers and patient handles; the same on every process. */
export const TOOL_SECRET_ENV = 'EHRGATE_TOOL_SECRET';

export type ToolRuntimeOptions = {
  readonly store: Store;
  readonly tenants: readonly TenantRuntime[];
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Every EHR request of the extra clients made here (Epic STU3), as for the tenant's own client. */
  readonly onEhrRequest?: (tenantId: string, event: FhirRequestEvent) => void;
  readonly onEhrRequestSent?: (tenantId: string, event: FhirRequestSentEvent) => void;
  readonly router?: Omit<ToolRouterOptions, 'store' | 'tenants' | 'now'>;
  /** Epoch milliseconds for the router and every workflow; default Date.now. */
  readonly now?: () => number;
  /**
   * The audit chain: every answered tool call and every re-identification is appended to it.
   * The answer waits until a re-identification is durable (P8); the record of the answer itself
   * rides with the next commit. Absent: nothing is audited.
   */
  readonly audit?: AuditAppender;
};

export type ToolRuntime = {
  readonly router: GatewayToolRouter;
  /** Protect and reveal for text outside tool calls (transcripts, speech). */
  readonly phi: CallPhi;
  readonly tenants: ReadonlyMap<string, TenantTools>;
  close(): Promise<void>;
};

export function buildToolRuntime(options: ToolRuntimeOptions): ToolRuntime {
  const secret = toolSecret(options.env ?? process.env, options.logger);
  const offerSecret = derive(secret, 'offers');
  const handleSecret = derive(secret, 'patient-handles');
  const clock = options.now === undefined ? {} : { now: options.now };
  const extraClients: FhirClient[] = [];
  const tenants = new Map<string, TenantTools>();
  for (const runtime of options.tenants) {
    const tenant = runtime.config;
    const enabled = (workflow: Workflow) => tenant.workflows.includes(workflow);
    const missingScopes = (workflow: Workflow) => () => missingScopesOf(runtime, workflow);
    let scheduling: TenantTools['scheduling'];
    if (enabled('scheduling') && tenant.scheduling !== undefined) {
      const stu3 = tenant.ehr.vendor === 'epic' ? stu3Client(runtime, options) : undefined;
      if (stu3) extraClients.push(stu3);
      scheduling = createSchedulingWorkflow({
        tenant,
        adapter: createEhrAdapter({
          vendor: tenant.ehr.vendor,
          fhir: runtime.fhir,
          ...(stu3 ? { stu3 } : {}),
        }),
        store: options.store,
        offerSecret,
        ...clock,
        missingScopes: missingScopes('scheduling'),
      });
    }
    const tools: TenantTools = {
      tenant,
      phi: createPhiFirewall({ policy: tenant.phi?.policy ?? 'standard' }),
      ...(scheduling === undefined ? {} : { scheduling }),
      ...(enabled('identity')
        ? {
            identity: createIdentityWorkflow({
              tenant,
              adapter: createPatientAdapter({
                vendor: tenant.ehr.vendor,
                fhir: runtime.fhir,
                ...(tenant.identity?.mrnAssigner === undefined
                  ? {}
                  : { mrnAssignerId: tenant.identity.mrnAssigner }),
              }),
              store: options.store,
              handleSecret,
              ...clock,
            }),
            handleSecret,
          }
        : {}),
      ...(enabled('intake')
        ? {
            intake: createIntakeWorkflow({
              tenant,
              adapter: createIntakeAdapter({ vendor: tenant.ehr.vendor, fhir: runtime.fhir }),
              store: options.store,
              ...clock,
            }),
          }
        : {}),
      ...(enabled('insurance')
        ? {
            insurance: createInsuranceWorkflow({
              tenant,
              adapter: createCoverageAdapter({ vendor: tenant.ehr.vendor, fhir: runtime.fhir }),
              store: options.store,
              ...clock,
            }),
          }
        : {}),
    };
    tenants.set(tenant.id, tools);
  }
  // Tokens must reveal on whichever process gets the call's next request (several gateways on
  // one PostgreSQL, or on one SQLite file): every token handed out is kept, sealed, in the store.
  const sharedVault = createSharedVault({ store: options.store, now: options.now ?? Date.now });
  const inner = createToolRouter({
    ...options.router,
    ...clock,
    store: options.store,
    tenants,
    sharedVault,
    ...(options.audit ? { onAnswer: auditAnswer(options.audit, options.logger) } : {}),
    onError:
      options.router?.onError ??
      ((error, where) =>
        options.logger?.error(
          { ...where, err: { code: (error as { code?: unknown }).code, name: (error as Error)?.name } },
          'tool call failed',
        )),
  });
  // Each tool call runs in an audit context, so the EHR requests it makes are chained under its
  // call (compliance/audit/call-context.ts).
  const router: GatewayToolRouter = Object.freeze({
    ...inner,
    call: (request: ToolCallRequest) =>
      runInAuditCall(
        () => inner.sessions.get(request.tenantId, request.callId)?.storeCallId,
        () => inner.call(request),
      ),
  });
  const phi = createCallPhi({
    tenants,
    sessions: inner.sessions,
    sharedVault,
    ...(options.audit ? { onFlow: auditFlow(options.audit) } : {}),
  });
  return {
    router,
    phi,
    tenants,
    async close() {
      await router.close();
      for (const client of extraClients) await client.close();
    },
  };
}

/**
 * One chained record per answered tool call (IHE BALP: who — the channel — did what, with which
 * outcome), plus one per re-identification: the token types revealed, never their values.
 */
// The answer's own record (tool, status, time) is not one P8 names, and the answer does not wait
// for it: it is held for the next commit (AuditAppendOptions.hold), which at a voice call's pace
// is the next tool call's, instead of costing an fsync of its own between the EHR's answer and
// the caller's. A re-identification is one P8 names: the answer waits until it is on disk.
function auditAnswer(
  audit: AuditAppender,
  logger: Logger | undefined,
): (record: ToolCallRecord) => Promise<unknown> {
  return (record) => {
    const base = {
      tenantId: record.tenantId,
      actor: `channel:${record.channel}`,
      callId: record.storeCallId ?? null,
    };
    audit
      .append(
        {
          ...base,
          action: 'tool.answer',
          target: record.tool,
          outcome: record.ok
            ? record.status === 'failed'
              ? 'minor_failure'
              : 'success'
            : record.status === 'internal_error'
              ? 'serious_failure'
              : 'minor_failure',
          detail: {
            status: record.status,
            platformCallId: record.callId,
            ms: record.ms,
            ...(record.toolCallId === undefined ? {} : { toolCallId: record.toolCallId }),
          },
        },
        { hold: true },
      )
      .catch((error: unknown) =>
        logger?.error(
          { err: { code: (error as { code?: unknown }).code }, tenant: record.tenantId },
          'tool answer not audited',
        ),
      );
    if (record.revealed.length === 0) return Promise.resolve();
    return audit.append({
      ...base,
      action: 'phi.reidentify',
      target: record.tool,
      detail: { purpose: 'tool-arguments', types: record.revealed },
    });
  };
}

/** A PHI flow to a subprocessor, or its refusal, and the re-identification that fed it. */
function auditFlow(audit: AuditAppender): (record: PhiFlowRecord) => Promise<unknown> {
  return (record) => {
    const base = {
      tenantId: record.tenantId,
      actor: `channel:${record.channel}`,
      callId: record.storeCallId,
      target: record.vendor,
    };
    const flow = {
      vendor: record.vendor,
      purpose: record.purpose,
      types: record.types,
      contentHash: record.contentHash,
    };
    if (record.refused !== undefined) {
      return audit.append({
        ...base,
        action: 'phi.flow.refused',
        outcome: 'minor_failure',
        detail: { ...flow, reason: record.refused },
      });
    }
    return Promise.all([
      audit.append({
        ...base,
        action: 'phi.reidentify',
        detail: { purpose: record.purpose, types: record.types },
      }),
      audit.append({ ...base, action: 'phi.flow', detail: { ...flow, role: record.role } }),
    ]);
  };
}

/** Scopes the workflow needs that the tenant's current token lacks; none known before a token. */
function missingScopesOf(runtime: TenantRuntime, workflow: Workflow): readonly string[] {
  const granted = runtime.tokenManager?.state().grantedScopes;
  if (granted === undefined) return [];
  return (
    workflowReadiness(granted, [workflow], { matrix: scopeMatrixFor(runtime.config.ehr.vendor) })[0]
      ?.missing ?? []
  );
}

function stu3Client(runtime: TenantRuntime, options: ToolRuntimeOptions): FhirClient {
  const { tokenManager, config } = runtime;
  return createFhirClient({
    baseUrl: epicStu3BaseUrl(config.ehr.baseUrl),
    timeoutMs: config.ehr.timeoutMs,
    getAccessToken: tokenManager ? (opts) => tokenManager.getAccessToken(opts) : undefined,
    onRequest: options.onEhrRequest && ((event) => options.onEhrRequest?.(config.id, event)),
    onRequestSent: options.onEhrRequestSent && ((event) => options.onEhrRequestSent?.(config.id, event)),
  });
}

// One secret in the environment; offers and handles each get their own key from it (HMAC as a
// KDF with a label, as HKDF-Expand does), so a token of one kind never verifies as the other.
function derive(secret: Uint8Array, label: string): Uint8Array {
  return createHmac('sha256', secret).update(`ehrgate:${label}`).digest();
}

function toolSecret(env: Readonly<Record<string, string | undefined>>, logger?: Logger): Uint8Array {
  const configured = env[TOOL_SECRET_ENV];
  if (configured !== undefined && configured !== '') {
    if (Buffer.byteLength(configured) < MIN_OFFER_SECRET_BYTES) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `${TOOL_SECRET_ENV} must be at least ${MIN_OFFER_SECRET_BYTES} bytes`,
      );
    }
    return Buffer.from(configured);
  }
  // One process alone can sign and check its own offers; several behind a balancer cannot.
  logger?.warn(
    { env: TOOL_SECRET_ENV },
    'no tool secret configured: offers and patient handles are valid on this process only',
  );
  return randomBytes(32);
}
