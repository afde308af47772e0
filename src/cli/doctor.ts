// `ehrgate doctor [--config FILE] [--tenant T] [--write-test] [--format F] [--out FILE]`
// (issue 8): runs the preflight checks for one tenant or every tenant, shows progress on stderr,
// writes the report to stdout or a file, and exits 0 ready, 1 warnings only, 2 blockers.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EHRGATE_VERSION } from '../channels/lib/version.ts';
import { ConfigError } from '../config/index.ts';
import {
  createProgress,
  doctorReport,
  loadDoctorConfig,
  type ReportFormat,
  renderReport,
  runDoctor,
  type TenantReport,
} from '../doctor/index.ts';

export type DoctorCommandOptions = {
  config?: string;
  tenant?: string;
  writeTest?: boolean;
  testPatient?: string;
  format: ReportFormat;
  out?: string;
  timeout?: number;
  /** Without a configuration file: where `ehrgate serve` keeps the sandbox tenant's keys. */
  dataDir?: string;
  /** Without a configuration file: the port of the embedded sandbox `ehrgate serve` started. */
  sandboxPort?: number;
};

export async function doctorCommand(options: DoctorCommandOptions): Promise<void> {
  if (options.timeout !== undefined && !(Number.isInteger(options.timeout) && options.timeout >= 100)) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      '--timeout: expected milliseconds per EHR request, at least 100',
    );
  }
  if (
    options.sandboxPort !== undefined &&
    !(Number.isInteger(options.sandboxPort) && options.sandboxPort > 0 && options.sandboxPort < 65536)
  ) {
    throw new ConfigError('ERR_CONFIG_INVALID', '--sandbox-port: expected a port number from 1 to 65535');
  }
  const { config, refusedMappings } = await loadDoctorConfig({
    ...(options.config === undefined ? {} : { path: options.config }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.sandboxPort === undefined ? {} : { sandboxUrl: `http://127.0.0.1:${options.sandboxPort}` }),
  });
  const tenants =
    options.tenant === undefined ? config.tenants : config.tenants.filter((t) => t.id === options.tenant);
  if (tenants.length === 0) {
    throw new ConfigError(
      'ERR_CONFIG_INVALID',
      `--tenant: no tenant "${options.tenant}" (have ${config.tenants.map((t) => t.id).join(', ')})`,
    );
  }
  const progress = createProgress(process.stderr);
  const reports: TenantReport[] = [];
  try {
    for (const tenant of tenants) {
      const refused = refusedMappings.get(tenant.id);
      reports.push(
        await runDoctor({
          tenant,
          ...(refused?.mapping === undefined ? {} : { mapping: refused.mapping }),
          configProblems: refused?.configProblems ?? [],
          writeTest: options.writeTest === true,
          ...(options.testPatient === undefined ? {} : { testPatientId: options.testPatient }),
          ...(options.timeout === undefined ? {} : { timeoutMs: options.timeout }),
          progress,
        }),
      );
    }
  } finally {
    progress.close();
  }
  const report = doctorReport(reports, EHRGATE_VERSION, new Date().toISOString());
  const rendered = renderReport(report, options.format);
  if (options.out === undefined) {
    process.stdout.write(rendered);
  } else {
    const path = resolve(options.out);
    await writeFile(path, rendered);
    process.stderr.write(`report written to ${path}\n`);
  }
  process.stderr.write(`verdict: ${report.verdict} (exit ${report.exitCode})\n`);
  process.exitCode = report.exitCode;
}
