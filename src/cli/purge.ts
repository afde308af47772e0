// `ehrgate purge [--dry-run]`: the retention purge from a terminal, on the store the gateway uses
// (the configuration's store, else DATABASE_URL, else the SQLite file under --data-dir, as `serve`
// opens it), with each configured tenant's retention (the built-in sandbox tenant's defaults
// without a configuration). Prints counts per tenant and table; nothing else, as the rows
// themselves hold PHI.

import type { PurgeReport } from '../compliance/retention/index.ts';
import { purgeExpired } from '../compliance/retention/index.ts';
import { DEFAULT_TENANT_ID, loadConfig } from '../config/index.ts';
import { openStore } from '../store/index.ts';

export type PurgeOptions = { config?: string; dataDir?: string; dryRun?: boolean; json?: boolean };

export async function purgeCommand(options: PurgeOptions): Promise<void> {
  const configPath = options.config ?? process.env.EHRGATE_CONFIG;
  const config = configPath ? await loadConfig({ path: configPath }) : undefined;
  const store = await openStore({
    url: config ? config.store.url : process.env.DATABASE_URL,
    dataDir: options.dataDir,
  });
  let report: PurgeReport;
  try {
    report = await purgeExpired({
      store,
      tenants: config?.tenants ?? [{ id: DEFAULT_TENANT_ID }],
      dryRun: options.dryRun === true,
      actor: 'cli',
    });
  } finally {
    await store.close();
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
}

function formatReport(report: PurgeReport): string {
  const lines = [
    report.dryRun
      ? 'dry run: what a purge would delete now (nothing was deleted)'
      : 'purged: rows past retention deleted',
  ];
  for (const tenant of report.tenants) {
    lines.push(
      `tenant ${tenant.tenantId} (call data before ${iso(tenant.transcriptsBefore)}, audit before ${iso(tenant.auditBefore)})`,
    );
    for (const [table, count] of Object.entries(tenant.deleted)) {
      lines.push(`  ${table.padEnd(12)} ${String(count).padStart(8)}`);
    }
    if (tenant.auditSeq !== undefined) lines.push(`  recorded as audit record ${tenant.auditSeq}`);
  }
  return `${lines.join('\n')}\n`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
