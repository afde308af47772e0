import { startSandbox } from '../sandbox/server.ts';

export type SandboxCommandOptions = { port?: number; host?: string; seed?: number };

export async function runSandboxCommand(options: SandboxCommandOptions): Promise<void> {
  const sandbox = await startSandbox({
    port: options.port ?? Number(process.env.SANDBOX_PORT ?? 8090),
    host: options.host ?? '127.0.0.1',
    seed: options.seed,
  });
  process.stderr.write(
    [
      '',
      'ehrgate sandbox EHR is ready (synthetic data only)',
      `  FHIR R4       ${sandbox.r4BaseUrl}`,
      `  control API   ${sandbox.url}/_sandbox/faults, /_sandbox/stats, /_sandbox/reset`,
      '  stop with Ctrl-C',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
