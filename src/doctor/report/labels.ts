// Words shared by the report formats.
import type { CheckStatus, TenantReport, Verdict } from '../types.ts';

export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  ready: 'READY',
  warnings: 'READY WITH WARNINGS',
  blocked: 'BLOCKED',
};

export const STATUS_LABEL: Readonly<Record<CheckStatus, string>> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'SKIP',
};

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function tenantHeadline(report: TenantReport): string {
  const { tenant } = report;
  const name = tenant.name === tenant.id ? tenant.id : `${tenant.id} (${tenant.name})`;
  return `${name}: ${tenant.vendor} at ${tenant.baseUrl}${tenant.production ? '' : ' [non-production]'}`;
}

export function verdictLine(
  report: Pick<TenantReport, 'verdict' | 'exitCode' | 'blockers' | 'warnings'>,
): string {
  return `${VERDICT_LABEL[report.verdict]} (exit ${report.exitCode}): ${plural(report.blockers.length, 'blocker')}, ${plural(report.warnings.length, 'warning')}`;
}
