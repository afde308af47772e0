// `ehrgate doctor`: preflight checks against a tenant's live EHR (issue 8). Named exports only.
export { CHECKS } from './checks/index.ts';
export { type DoctorConfig, type DoctorTenantInput, loadDoctorConfig } from './load-doctor-config.ts';
export { createProgress, type ProgressStream } from './progress.ts';
export { REPORT_FORMATS, type ReportFormat, renderReport } from './report/render-report.ts';
export { DEFAULT_DOCTOR_TIMEOUT_MS, type DoctorOptions, runDoctor } from './run-doctor.ts';
export type {
  Check,
  CheckId,
  CheckResult,
  CheckStatus,
  DoctorReport,
  ExitCode,
  Finding,
  ReportedFinding,
  Severity,
  TenantReport,
  Verdict,
  WorkflowVerdict,
} from './types.ts';
export { doctorReport, exitCodeOf } from './verdict.ts';
