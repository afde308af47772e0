// The report as Markdown, to paste into a ticket or an e-mail to the EHR team: blockers first,
// each with the EHR's own words and the fix.
import type { DetailTable, DoctorReport, ReportedFinding, TenantReport } from '../types.ts';
import { STATUS_LABEL, tenantHeadline, VERDICT_LABEL, verdictLine } from './labels.ts';

export function renderMarkdown(report: DoctorReport): string {
  const out: string[] = [
    '# ehrgate doctor report',
    '',
    `**Verdict: ${VERDICT_LABEL[report.verdict]}** (exit ${report.exitCode}). Generated ${report.generatedAt} by ehrgate ${report.ehrgateVersion}.`,
  ];
  for (const tenant of report.tenants) out.push('', ...tenantMarkdown(tenant));
  return `${out.join('\n')}\n`;
}

function tenantMarkdown(report: TenantReport): string[] {
  const out = [`## Tenant ${inline(tenantHeadline(report))}`, '', `**${verdictLine(report)}**`, ''];
  out.push(
    ...table({
      title: '',
      columns: ['workflow', 'verdict', 'blockers', 'warnings'],
      rows: report.workflows.map((w) => [
        w.workflow,
        VERDICT_LABEL[w.verdict],
        String(w.blockers),
        String(w.warnings),
      ]),
    }),
  );
  out.push(...findings('Blockers', report.blockers), ...findings('Warnings', report.warnings));
  if (report.scopesToRequest.length > 0) {
    out.push(
      '',
      '### Scopes to request from the EHR team',
      '',
      '```',
      report.scopesToRequest.join(' '),
      '```',
    );
  }
  out.push(
    '',
    '### Checks',
    '',
    ...table({
      title: '',
      columns: ['check', 'result', 'ms', 'summary'],
      rows: report.checks.map((c) => [c.title, STATUS_LABEL[c.status], String(c.durationMs), c.summary]),
    }),
  );
  for (const check of report.checks) {
    for (const t of check.tables)
      out.push('', `#### ${inline(`${check.title}: ${t.title}`)}`, '', ...table(t));
  }
  return out;
}

function findings(heading: string, list: readonly ReportedFinding[]): string[] {
  if (list.length === 0) return [];
  const out = ['', `### ${heading}`, ''];
  list.forEach((f, index) => {
    out.push(`${index + 1}. **${inline(f.title)}** _(${f.checkTitle})_`);
    if (f.detail) out.push(`   ${inline(f.detail)}`);
    if (f.ehrSaid) out.push(`   - EHR said: \`${f.ehrSaid.replace(/`/g, "'")}\``);
    if (f.fix) out.push(`   - **Fix:** ${inline(f.fix)}`);
  });
  return out;
}

function table(t: DetailTable): string[] {
  if (t.rows.length === 0) return ['_(none)_'];
  const columns = t.columns.map((c, i) => (c === '' ? (i === 0 ? 'item' : 'value') : c));
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${columns.map((_, i) => cell(r[i] ?? '')).join(' | ')} |`),
  ];
}

function cell(text: string): string {
  return inline(text).replace(/\|/g, '\\|');
}

/** Text as Markdown prose: emphasis, code and link characters are escaped, newlines folded. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\`*_[\]<>])/g, '\\$1');
}
