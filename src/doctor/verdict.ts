// From check results to verdicts: per workflow (blocked by any blocker that affects it), per
// tenant and per run, with the exit code issue 8 fixes: 0 ready, 1 warnings only, 2 blockers.
import { requiredScopes, type ScopeStyle, scopeMatrixFor } from '../auth/index.ts';
import type { TenantConfig, Vendor, Workflow } from '../config/index.ts';
import { ehrWorkflows } from './checks/scopes.ts';
import type {
  CheckResult,
  DoctorFacts,
  DoctorReport,
  ExitCode,
  Finding,
  ReportedFinding,
  TenantReport,
  Verdict,
  WorkflowVerdict,
} from './types.ts';

// As `ehrgate serve` requests them (server/tenant-runtime.ts): Epic documents v1, Cerner speaks v2.
const VENDOR_SCOPE_STYLE: Readonly<Record<Vendor, ScopeStyle>> = {
  epic: 'v1',
  cerner: 'v2',
  'fhir-r4': 'v2',
};

export function exitCodeOf(verdict: Verdict): ExitCode {
  return verdict === 'ready' ? 0 : verdict === 'warnings' ? 1 : 2;
}

function verdictOf(findings: readonly Pick<Finding, 'severity'>[]): Verdict {
  if (findings.some((f) => f.severity === 'blocker')) return 'blocked';
  if (findings.some((f) => f.severity === 'warning')) return 'warnings';
  return 'ready';
}

/** A finding without `workflows` affects every workflow that talks to the EHR. */
function affects(finding: Finding, workflow: Workflow, tenant: TenantConfig): boolean {
  if (finding.workflows !== undefined) return finding.workflows.includes(workflow);
  return ehrWorkflows(tenant.workflows).includes(workflow);
}

export function tenantReport(input: {
  tenant: TenantConfig;
  results: readonly CheckResult[];
  startedAt: string;
  durationMs: number;
  facts: DoctorFacts;
}): TenantReport {
  const { tenant, results } = input;
  const all: ReportedFinding[] = results.flatMap((r) =>
    r.findings.map((f) => ({ ...f, check: r.id, checkTitle: r.title })),
  );
  const workflows: WorkflowVerdict[] = tenant.workflows.map((workflow) => {
    const relevant = all.filter((f) => affects(f, workflow, tenant));
    return {
      workflow,
      verdict: verdictOf(relevant),
      blockers: relevant.filter((f) => f.severity === 'blocker').length,
      warnings: relevant.filter((f) => f.severity === 'warning').length,
    };
  });
  const verdict = verdictOf(all);
  const scopesToRequest =
    input.facts.scopesToRequest ??
    (tenant.ehr.auth.method === 'none'
      ? []
      : requiredScopes(ehrWorkflows(tenant.workflows), VENDOR_SCOPE_STYLE[tenant.ehr.vendor], {
          matrix: scopeMatrixFor(tenant.ehr.vendor),
        }));
  return {
    tenant: {
      id: tenant.id,
      name: tenant.name,
      vendor: tenant.ehr.vendor,
      baseUrl: tenant.ehr.baseUrl,
      production: tenant.production,
      workflows: tenant.workflows,
    },
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    verdict,
    exitCode: exitCodeOf(verdict),
    workflows,
    blockers: all.filter((f) => f.severity === 'blocker'),
    warnings: all.filter((f) => f.severity === 'warning'),
    scopesToRequest,
    checks: results,
  };
}

/** Several tenants: the worst verdict decides the exit code. */
export function doctorReport(
  tenants: readonly TenantReport[],
  version: string,
  generatedAt: string,
): DoctorReport {
  const verdict: Verdict = tenants.some((t) => t.verdict === 'blocked')
    ? 'blocked'
    : tenants.some((t) => t.verdict === 'warnings')
      ? 'warnings'
      : 'ready';
  return { generatedAt, ehrgateVersion: version, verdict, exitCode: exitCodeOf(verdict), tenants };
}
