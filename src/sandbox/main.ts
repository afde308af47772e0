// Child-process entry of the sandbox EHR:
//   node src/sandbox/main.ts --port 8090 --host 127.0.0.1 [--seed N] [--reference-date ISO] [--log] [--no-auth]
// Prints exactly one JSON line on stdout, so a parent process can wait for it:
//   {"event":"sandbox.ready","url":"http://127.0.0.1:8090","r4":"http://127.0.0.1:8090/fhir/R4","ms":612}
// or, when it cannot start (exit code 2):
//   {"event":"sandbox.error","code":"EADDRINUSE","message":"port 8090 is in use"}
// Logs (with --log) go to stderr. SIGTERM and SIGINT close the server and exit 0.

import { parseArgs } from 'node:util';
import { SandboxError } from './sandbox-error.ts';
import { type SandboxHandle, startSandbox } from './server.ts';

export const DEFAULT_MAIN_PORT = 8090;
/** A close that takes longer than this is abandoned so the process still exits. */
const CLOSE_DEADLINE_MS = 5_000;

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function fail(code: string, message: string, exitCode: number): void {
  emit({ event: 'sandbox.error', code, message });
  process.exitCode = exitCode;
}

function integerOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw new SandboxError('ERR_SANDBOX_OPTIONS', `--${name} must be an integer, got '${raw}'`);
  return Number(raw);
}

async function main(): Promise<void> {
  let handle: SandboxHandle;
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'reference-date': { type: 'string' },
        log: { type: 'boolean', default: false },
        // Benchmarks of the FHIR client alone measure without tokens; everything else keeps auth.
        'no-auth': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const referenceDate =
      values['reference-date'] === undefined ? undefined : new Date(values['reference-date']);
    const seed = integerOption('seed', values.seed);
    handle = await startSandbox({
      port: integerOption('port', values.port) ?? DEFAULT_MAIN_PORT,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(seed === undefined ? {} : { seed }),
      ...(referenceDate === undefined ? {} : { referenceDate }),
      logger: values.log,
      ...(values['no-auth'] ? { auth: false as const } : {}),
    });
  } catch (error) {
    if (error instanceof SandboxError && error.code === 'ERR_SANDBOX_PORT_IN_USE') {
      fail('EADDRINUSE', error.message, 2);
    } else if (error instanceof SandboxError) {
      fail(error.code, error.message, 2);
    } else if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      fail('ERR_SANDBOX_OPTIONS', (error as Error).message, 2);
    } else {
      fail('ERR_SANDBOX_START', (error as Error).message, 1);
    }
    return;
  }

  emit({ event: 'sandbox.ready', url: handle.url, r4: handle.r4BaseUrl, ms: Math.round(performance.now()) });

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), CLOSE_DEADLINE_MS).unref();
    handle.close().then(
      () => {
        process.exitCode = 0;
      },
      () => {
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

await main();
