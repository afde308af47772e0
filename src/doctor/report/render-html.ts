// The report as one self-contained HTML page to hand to the EHR team (issue 8): inline CSS, no
// script, no external asset, so it opens the same from an e-mail attachment or a ticket. Every
// value is escaped: EHR answers and configuration values are text, never markup.
import type { DetailTable, DoctorReport, ReportedFinding, TenantReport, Verdict } from '../types.ts';
import { plural, STATUS_LABEL, tenantHeadline, VERDICT_LABEL } from './labels.ts';

const STYLE = `
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6478; --line: #d9dee8; --bg: #f6f7fb;
  --ready: #17803d; --warnings: #a35c00; --blocked: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 21px; margin: 40px 0 8px; } h3 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: var(--muted); margin: 0 0 20px; }
.verdict { display: inline-block; padding: 6px 14px; border-radius: 999px; color: #fff; font-weight: 700; letter-spacing: .02em; }
.verdict.ready { background: var(--ready); } .verdict.warnings { background: var(--warnings); } .verdict.blocked { background: var(--blocked); }
.workflows { display: flex; flex-wrap: wrap; gap: 8px; padding: 0; list-style: none; }
.workflows li { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: 6px 12px; background: #fff; }
.workflows li.ready { border-left-color: var(--ready); } .workflows li.warnings { border-left-color: var(--warnings); } .workflows li.blocked { border-left-color: var(--blocked); }
.finding { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--blocked); border-radius: 8px; padding: 12px 16px; margin: 10px 0; }
.finding.warning { border-left-color: var(--warnings); }
.finding .title { font-weight: 650; margin: 0; } .finding .from { color: var(--muted); font-size: 13px; }
.finding .said { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; background: var(--bg); padding: 4px 8px; border-radius: 4px; margin: 6px 0 0; overflow-wrap: anywhere; }
.finding .fix { margin: 8px 0 0; } .finding .fix strong { color: var(--ink); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 6px 0 14px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #eef1f7; }
td.PASS { color: var(--ready); font-weight: 650; } td.WARN { color: var(--warnings); font-weight: 650; }
td.FAIL { color: var(--blocked); font-weight: 650; } td.SKIP { color: var(--muted); }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
`;

export function renderHtml(report: DoctorReport): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>ehrgate doctor: ${esc(VERDICT_LABEL[report.verdict])}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    '<h1>ehrgate doctor report</h1>',
    `<p class="meta">Generated ${esc(report.generatedAt)} by ehrgate ${esc(report.ehrgateVersion)}</p>`,
    `<p><span class="verdict ${report.verdict}" data-testid="verdict">${esc(VERDICT_LABEL[report.verdict])}</span> <span class="meta">exit code ${report.exitCode}</span></p>`,
    ...report.tenants.map(tenantHtml),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

function tenantHtml(report: TenantReport): string {
  const parts = [
    `<section data-tenant="${esc(report.tenant.id)}">`,
    `<h2>Tenant ${esc(tenantHeadline(report))}</h2>`,
    `<p>${badge(report.verdict)} ${esc(plural(report.blockers.length, 'blocker'))}, ${esc(plural(report.warnings.length, 'warning'))}</p>`,
    '<ul class="workflows">',
    ...report.workflows.map(
      (w) =>
        `<li class="${w.verdict}"><strong>${esc(w.workflow)}</strong>: ${esc(VERDICT_LABEL[w.verdict])}</li>`,
    ),
    '</ul>',
  ];
  if (report.blockers.length > 0)
    parts.push('<h3>Blockers</h3>', ...report.blockers.map((f) => findingHtml(f, 'blocker')));
  if (report.warnings.length > 0)
    parts.push('<h3>Warnings</h3>', ...report.warnings.map((f) => findingHtml(f, 'warning')));
  if (report.scopesToRequest.length > 0) {
    parts.push(
      '<h3>Scopes to request from the EHR team</h3>',
      `<pre>${esc(report.scopesToRequest.join(' '))}</pre>`,
    );
  }
  parts.push(
    '<h3>Checks</h3>',
    tableHtml(
      {
        title: '',
        columns: ['check', 'result', 'ms', 'summary'],
        rows: report.checks.map((c) => [c.title, STATUS_LABEL[c.status], String(c.durationMs), c.summary]),
      },
      1,
    ),
    '<h3>Details</h3>',
  );
  for (const check of report.checks) {
    for (const table of check.tables) {
      parts.push(
        `<details><summary>${esc(`${check.title}: ${table.title}`)}</summary>${tableHtml(table)}</details>`,
      );
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

function badge(verdict: Verdict): string {
  return `<span class="verdict ${verdict}">${esc(VERDICT_LABEL[verdict])}</span>`;
}

function findingHtml(f: ReportedFinding, kind: 'blocker' | 'warning'): string {
  return [
    `<div class="finding ${kind}" data-check="${esc(f.check)}">`,
    `<p class="title">${esc(f.title)}</p>`,
    `<p class="from">${esc(f.checkTitle)}${f.detail ? ` · ${esc(f.detail)}` : ''}</p>`,
    f.ehrSaid ? `<p class="said">EHR said: ${esc(f.ehrSaid)}</p>` : '',
    f.fix ? `<p class="fix"><strong>Fix:</strong> ${esc(f.fix)}</p>` : '',
    '</div>',
  ].join('');
}

/** `statusColumn`: the column whose cells get the PASS/WARN/FAIL/SKIP colour class. */
function tableHtml(table: DetailTable, statusColumn?: number): string {
  if (table.rows.length === 0) return '<p class="meta">(none)</p>';
  const head = table.columns.every((c) => c === '')
    ? ''
    : `<thead><tr>${table.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead>`;
  const body = table.rows
    .map(
      (row) =>
        `<tr>${table.columns
          .map(
            (_, i) =>
              `<td${i === statusColumn ? ` class="${esc(row[i] ?? '')}"` : ''}>${esc(row[i] ?? '')}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table>${head}<tbody>${body}</tbody></table>`;
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
