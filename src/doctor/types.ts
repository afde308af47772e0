// The shapes of `ehrgate doctor` (issue 8): a check is a small module that looks at one aspect of
// a tenant's EHR from the outside and answers with findings; the runner orders the checks, skips
// those whose prerequisites failed, and the report turns findings into a verdict per workflow.
import type { CapabilityStatement } from '@medplum/fhirtypes';
import type { SmartConfiguration } from '../auth/index.ts';
import type { ConfigProblem, TenantConfig, Workflow } from '../config/index.ts';
import type { SlotCandidate } from '../ehr/index.ts';
import type { AccessTokenProvider, FhirClient } from '../fhir/index.ts';
import type { MappingInput } from '../mapping/index.ts';

export type CheckId =
  | 'reachability'
  | 'discovery'
  | 'token'
  | 'scopes'
  | 'capabilities'
  | 'scheduling-probe'
  | 'mapping'
  | 'write-test'
  | 'compliance';

export type Severity = 'blocker' | 'warning' | 'info';

/** `skipped`: not run, because a prerequisite failed or because it does not apply. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

export type Finding = {
  readonly severity: Severity;
  /** One line: what is wrong, or what was found. */
  readonly title: string;
  readonly detail?: string;
  /**
   * What to do. Worded for whoever must act: "Ask the EHR team to ..." when the EHR must change,
   * "In the configuration file, ..." when ehrgate's configuration must.
   */
  readonly fix?: string;
  /** What the EHR itself answered (status, OperationOutcome diagnostics, OAuth error), unchanged. */
  readonly ehrSaid?: string;
  /** The workflows this finding affects; absent: every workflow that talks to the EHR. */
  readonly workflows?: readonly Workflow[];
};

/** A small table for the report (the scope matrix, slot probe results, fields read back...). */
export type DetailTable = {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
};

/** What a check's `run` returns. The runner derives the status from the findings. */
export type CheckOutcome = {
  /** One line for the progress display and the report. */
  readonly summary: string;
  readonly findings?: readonly Finding[];
  readonly tables?: readonly DetailTable[];
  /** Set when the check does not apply to this tenant or run (not a failure). */
  readonly notApplicable?: boolean;
};

export type Check = {
  readonly id: CheckId;
  readonly title: string;
  /** Checks whose failure makes this one pointless; it is then skipped with the reason. */
  readonly dependsOn: readonly CheckId[];
  /** Why the check does not apply to this tenant or run, asked before anything else; undefined when it does. */
  notApplicable?(context: DoctorContext): string | undefined;
  run(context: DoctorContext): Promise<CheckOutcome>;
};

export type CheckResult = {
  readonly id: CheckId;
  readonly title: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly findings: readonly Finding[];
  readonly tables: readonly DetailTable[];
  readonly durationMs: number;
  /** For a skipped check: why. */
  readonly skippedBecause?: string;
};

/** What the token check obtained, for the checks that talk to the EHR afterwards. */
export type TokenFacts = {
  readonly requested: readonly string[];
  readonly granted: readonly string[];
  /** Requested scopes the token endpoint refused outright (asked one by one after a refusal). */
  readonly refused: readonly string[];
  /** The EHR's words for the refusal of `refused`, when it gave any. */
  readonly refusal?: string;
  readonly getAccessToken: AccessTokenProvider;
};

/** What earlier checks learned, read by later ones. Written only by the check named in each comment. */
export type DoctorFacts = {
  /** reachability: the R4 CapabilityStatement, when `/metadata` answered with one. */
  metadata?: CapabilityStatement;
  /** reachability: the EHR's `Date` header minus our clock, median of the samples. */
  serverSkewMs?: number;
  /** discovery */
  smart?: SmartConfiguration;
  /** token */
  token?: TokenFacts;
  /** scopes: the exact scope strings to ask the EHR team for, in the syntax the EHR speaks. */
  scopesToRequest?: readonly string[];
  /** scheduling-probe: the first free opening found per visit type id, for the write test. */
  readonly openings: Map<string, SlotCandidate>;
};

export type DoctorContext = {
  readonly tenant: TenantConfig;
  /** The mapping as written: the tenant's, or the one the lenient loader took out of it. */
  readonly mapping: MappingInput | undefined;
  /** Problems the configuration loader found in this tenant's mapping (reported, not fatal). */
  readonly configProblems: readonly ConfigProblem[];
  /** The scopes ehrgate requests for this tenant (the same as `ehrgate serve`). */
  readonly requestedScopes: readonly string[];
  readonly options: ResolvedDoctorOptions;
  readonly facts: DoctorFacts;
  /** The tenant's R4 client, with the token the token check obtained (if any). */
  fhir(): FhirClient;
  /** Epic only: the STU3 client for `$find` and `$book`. */
  stu3(): FhirClient | undefined;
};

export type ResolvedDoctorOptions = {
  readonly writeTest: boolean;
  readonly testPatientId: string | undefined;
  /** Per EHR request. */
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly fetch: typeof fetch;
};

export type Verdict = 'ready' | 'warnings' | 'blocked';

export type WorkflowVerdict = {
  readonly workflow: Workflow;
  readonly verdict: Verdict;
  readonly blockers: number;
  readonly warnings: number;
};

export type ReportedFinding = Finding & { readonly check: CheckId; readonly checkTitle: string };

export type TenantReport = {
  readonly tenant: {
    readonly id: string;
    readonly name: string;
    readonly vendor: TenantConfig['ehr']['vendor'];
    readonly baseUrl: string;
    readonly production: boolean;
    readonly workflows: readonly Workflow[];
  };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly verdict: Verdict;
  readonly exitCode: ExitCode;
  readonly workflows: readonly WorkflowVerdict[];
  /** Every blocker, in check order. */
  readonly blockers: readonly ReportedFinding[];
  readonly warnings: readonly ReportedFinding[];
  /** The exact scope strings to ask the EHR team for, in the syntax the EHR speaks. */
  readonly scopesToRequest: readonly string[];
  readonly checks: readonly CheckResult[];
};

/** 0 ready, 1 warnings only, 2 blockers (issue 8). */
export type ExitCode = 0 | 1 | 2;

export type DoctorReport = {
  readonly generatedAt: string;
  readonly ehrgateVersion: string;
  readonly verdict: Verdict;
  readonly exitCode: ExitCode;
  readonly tenants: readonly TenantReport[];
};

export type DoctorProgress = {
  tenant(tenant: TenantConfig): void;
  start(check: { readonly id: CheckId; readonly title: string }): void;
  finish(result: CheckResult): void;
  close(): void;
};
