// `ehrgate doctor` for one tenant: builds the context the checks share, runs them, and turns the
// results into a TenantReport with a verdict per workflow.
import type { ConfigProblem, TenantConfig } from '../config/index.ts';
import { epicStu3BaseUrl } from '../ehr/index.ts';
import { createFhirClient, type FhirClient } from '../fhir/index.ts';
import type { MappingInput } from '../mapping/index.ts';
import { scopesFor } from '../server/tenant-runtime.ts';
import { CHECKS } from './checks/index.ts';
import { runChecks } from './run-checks.ts';
import type {
  Check,
  DoctorContext,
  DoctorFacts,
  DoctorProgress,
  ResolvedDoctorOptions,
  TenantReport,
} from './types.ts';
import { tenantReport } from './verdict.ts';

/** Per EHR request: long enough for a slow EHR, short enough that a dead one is reported quickly. */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 10_000;

export type DoctorOptions = {
  readonly tenant: TenantConfig;
  /** The mapping as written, when the configuration loader had to take it out of `tenant`. */
  readonly mapping?: MappingInput;
  readonly configProblems?: readonly ConfigProblem[];
  readonly writeTest?: boolean;
  /** The EHR id of a test patient, for the write test. */
  readonly testPatientId?: string;
  readonly timeoutMs?: number;
  /** This host's clock; injectable so tests can skew it (STYLE.md rule 10). */
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  readonly progress?: DoctorProgress;
  /** Default: every check, in order. */
  readonly checks?: readonly Check[];
};

export async function runDoctor(options: DoctorOptions): Promise<TenantReport> {
  const { tenant } = options;
  const startedAt = options.now?.() ?? Date.now();
  const started = performance.now();
  const resolved: ResolvedDoctorOptions = Object.freeze({
    writeTest: options.writeTest ?? false,
    testPatientId: options.testPatientId,
    timeoutMs: options.timeoutMs ?? DEFAULT_DOCTOR_TIMEOUT_MS,
    now: options.now ?? Date.now,
    fetch: options.fetch ?? fetch,
  });
  const facts: DoctorFacts = { openings: new Map() };
  const clients: FhirClient[] = [];
  let r4: FhirClient | undefined;
  let stu3: FhirClient | undefined;
  const client = (baseUrl: string) => {
    const created = createFhirClient({
      baseUrl,
      timeoutMs: resolved.timeoutMs,
      // The doctor reports what the EHR answers; it does not wait out a flaky one.
      retry: { limit: 0 },
      ...(facts.token === undefined ? {} : { getAccessToken: facts.token.getAccessToken }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    clients.push(created);
    return created;
  };
  const context: DoctorContext = {
    tenant,
    mapping: tenant.mapping ?? options.mapping,
    configProblems: options.configProblems ?? [],
    requestedScopes: tenant.ehr.auth.method === 'none' ? [] : scopesFor(tenant),
    options: resolved,
    facts,
    fhir() {
      r4 ??= client(tenant.ehr.baseUrl);
      return r4;
    },
    stu3() {
      if (tenant.ehr.vendor !== 'epic') return undefined;
      stu3 ??= client(epicStu3BaseUrl(tenant.ehr.baseUrl));
      return stu3;
    },
  };
  options.progress?.tenant(tenant);
  try {
    const results = await runChecks(options.checks ?? CHECKS, context, options.progress);
    return tenantReport({
      tenant,
      results,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Math.round(performance.now() - started),
      facts,
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
