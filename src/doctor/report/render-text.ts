// The terminal report: the verdict, then blockers (each with what the EHR said and the fix), then
// warnings, the scopes to request, the checks, and the detail tables.
import type { DetailTable, DoctorReport, ReportedFinding, TenantReport } from '../types.ts';
import { plural, STATUS_LABEL, tenantHeadline, VERDICT_LABEL, verdictLine } from './labels.ts';

export function renderText(report: DoctorReport): string {
  const out: string[] = [
    `ehrgate doctor ${report.ehrgateVersion}, ${report.generatedAt}`,
    `Verdict: ${VERDICT_LABEL[report.verdict]} (exit ${report.exitCode})`,
  ];
  for (const tenant of report.tenants) out.push('', ...tenantText(tenant));
  return `${out.join('\n')}\n`;
}

function tenantText(report: TenantReport): string[] {
  const out = [`== Tenant ${tenantHeadline(report)}`, verdictLine(report), '', 'Workflows:'];
  for (const w of report.workflows) {
    const counts =
      w.verdict === 'ready' ? '' : `  (${plural(w.blockers, 'blocker')}, ${plural(w.warnings, 'warning')})`;
    out.push(`  ${w.workflow.padEnd(11)} ${VERDICT_LABEL[w.verdict]}${counts}`);
  }
  out.push(...findingsText('Blockers', report.blockers), ...findingsText('Warnings', report.warnings));
  if (report.scopesToRequest.length > 0) {
    out.push('', 'Scopes to request from the EHR team:', `  ${report.scopesToRequest.join(' ')}`);
  }
  out.push('', 'Checks:');
  for (const check of report.checks) {
    out.push(`  ${STATUS_LABEL[check.status]}  ${check.title} (${check.durationMs} ms): ${check.summary}`);
  }
  for (const check of report.checks) {
    for (const table of check.tables) out.push('', ...tableText(`${check.title}: ${table.title}`, table));
  }
  return out;
}

function findingsText(heading: string, findings: readonly ReportedFinding[]): string[] {
  if (findings.length === 0) return [];
  const out = ['', `${heading}:`];
  findings.forEach((f, index) => {
    out.push(`  ${index + 1}. [${f.checkTitle}] ${f.title}`);
    if (f.detail) out.push(`     ${f.detail}`);
    if (f.ehrSaid) out.push(`     EHR said: ${f.ehrSaid}`);
    if (f.fix) out.push(`     Fix: ${f.fix}`);
  });
  return out;
}

function tableText(title: string, table: DetailTable): string[] {
  if (table.rows.length === 0) return [`${title}: (none)`];
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : (cell ?? '').padEnd(widths[i]))).join('  ')}`.trimEnd();
  const header = table.columns.every((c) => c === '') ? [] : [line(table.columns)];
  return [`${title}:`, ...header, ...table.rows.map(line)];
}
