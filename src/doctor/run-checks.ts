// Runs checks in order. A check whose prerequisite failed (or was skipped because its own did) is
// skipped with the reason; a check that does not apply is skipped without blocking anything; every
// other check runs, so one bad answer never hides the rest (issue 8, "Bad input"). A check that
// throws is a failed check naming the error, never a crash.
import { isEhrgateError } from '../errors.ts';
import { messageOf } from './lib/ehr-words.ts';
import type {
  Check,
  CheckId,
  CheckResult,
  CheckStatus,
  DoctorContext,
  DoctorProgress,
  Finding,
} from './types.ts';

export async function runChecks(
  checks: readonly Check[],
  context: DoctorContext,
  progress: DoctorProgress | undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  // Checks that failed, or were skipped because a prerequisite failed: their dependants cannot run.
  const unusable = new Map<CheckId, string>();
  for (const check of checks) {
    progress?.start(check);
    const started = performance.now();
    const blockedBy = check.dependsOn.find((id) => unusable.has(id));
    const notApplicable = check.notApplicable?.(context);
    let result: CheckResult;
    if (notApplicable !== undefined) {
      result = skipped(check, notApplicable, 0);
    } else if (blockedBy !== undefined) {
      const title = checks.find((c) => c.id === blockedBy)?.title ?? blockedBy;
      const reason = `needs ${title}, which did not pass`;
      result = skipped(check, reason, 0);
      unusable.set(check.id, reason);
    } else {
      result = await runOne(check, context, started);
      if (result.status === 'fail') unusable.set(check.id, result.summary);
    }
    results.push(result);
    progress?.finish(result);
  }
  return results;
}

async function runOne(check: Check, context: DoctorContext, started: number): Promise<CheckResult> {
  try {
    const outcome = await check.run(context);
    const durationMs = Math.round(performance.now() - started);
    const findings = outcome.findings ?? [];
    if (outcome.notApplicable === true && findings.length === 0)
      return skipped(check, outcome.summary, durationMs);
    return {
      id: check.id,
      title: check.title,
      status: statusOf(findings),
      summary: outcome.summary,
      findings,
      tables: outcome.tables ?? [],
      durationMs,
    };
  } catch (error) {
    const finding: Finding = {
      severity: 'blocker',
      title: `the ${check.title.toLowerCase()} check could not finish: ${messageOf(error)}`,
      fix: isEhrgateError(error, 'ERR_CONFIG_INVALID')
        ? `In the configuration file, correct this: ${messageOf(error)}`
        : 'Report this with the report attached: it is a fault in ehrgate doctor, not in the EHR',
    };
    return {
      id: check.id,
      title: check.title,
      status: 'fail',
      summary: finding.title,
      findings: [finding],
      tables: [],
      durationMs: Math.round(performance.now() - started),
    };
  }
}

function statusOf(findings: readonly Finding[]): CheckStatus {
  if (findings.some((f) => f.severity === 'blocker')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function skipped(check: Check, reason: string, durationMs: number): CheckResult {
  return {
    id: check.id,
    title: check.title,
    status: 'skipped',
    summary: reason,
    findings: [],
    tables: [],
    durationMs,
    skippedBecause: reason,
  };
}
