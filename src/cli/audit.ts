// `ehrgate audit verify|export`: the hash-chained audit log from a terminal, on the store the
// gateway uses (the configuration's store, else DATABASE_URL, else the SQLite file under
// --data-dir, as `serve` and `queue` open it). The chain is deployment-wide, so verify takes no
// tenant; export prints the patient references and queries of one call to the operator's
// terminal only (an authorised audit disclosure, see compliance/audit/export-call.ts).

import { exportCallAuditBundle, verifyAuditChain } from '../compliance/audit/index.ts';
import { loadDataKeyring, useDataKeyring } from '../compliance/encryption/index.ts';
import { loadConfig } from '../config/index.ts';
import { EhrgateError } from '../errors.ts';
import { openStore, type Store } from '../store/index.ts';
import { EXIT_FAILURE } from './exit.ts';

export type AuditOptions = { config?: string; dataDir?: string };
export type AuditExportOptions = AuditOptions & { call: string; format: string; tenant?: string };

async function withStore<T>(options: AuditOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const configPath = options.config ?? process.env.EHRGATE_CONFIG;
  const url = configPath ? (await loadConfig({ path: configPath })).store.url : process.env.DATABASE_URL;
  // Sealed PHI columns open with the gateway's data keys; none are generated here.
  useDataKeyring((await loadDataKeyring({ dataDir: options.dataDir, generate: false })).keyring);
  const store = await openStore({ url, dataDir: options.dataDir });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Prints OK with the count and head hash, or the first broken link and exits 1. */
export async function auditVerifyCommand(options: AuditOptions): Promise<void> {
  const report = await withStore(options, (store) => verifyAuditChain(store));
  if (report.ok) {
    process.stdout.write(`OK ${report.count} audit records, head ${report.headHash}\n`);
    return;
  }
  process.stdout.write(
    `BROKEN at seq ${report.seq}: ${report.reason.replaceAll('_', ' ')} (${report.count} records before it verify)\n`,
  );
  process.exitCode = EXIT_FAILURE;
}

export async function auditExportCommand(options: AuditExportOptions): Promise<void> {
  if (options.format !== 'fhir') {
    throw new EhrgateError('ERR_INVALID_INPUT', `--format: expected fhir, got ${options.format}`);
  }
  const bundle = await withStore(options, (store) =>
    exportCallAuditBundle(store, {
      callId: options.call,
      ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
    }),
  );
  process.stdout.write(`${JSON.stringify(bundle, null, 2)}\n`);
}
