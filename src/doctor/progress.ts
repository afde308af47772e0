// The live progress display of `ehrgate doctor` (issue 8): on a terminal, each check's name with
// a spinner while it runs, then its outcome and duration on the same line; elsewhere (CI logs, a
// pipe) one plain line per finished check, no control characters. Written to stderr, so stdout
// carries only the report.
import type { TenantConfig } from '../config/index.ts';
import type { CheckResult, CheckStatus, DoctorProgress } from './types.ts';

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SPINNER_INTERVAL_MS = 80;

const SYMBOL: Readonly<Record<CheckStatus, string>> = { pass: '✔', warn: '!', fail: '✖', skipped: '-' };
const WORD: Readonly<Record<CheckStatus, string>> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'SKIP',
};
// ANSI SGR colours: green, yellow, red, dim.
const COLOUR: Readonly<Record<CheckStatus, string>> = { pass: '32', warn: '33', fail: '31', skipped: '2' };

export type ProgressStream = { write(chunk: string): unknown; isTTY?: boolean; columns?: number };

export function createProgress(stream: ProgressStream, options: { tty?: boolean } = {}): DoctorProgress {
  return (options.tty ?? stream.isTTY === true) ? terminalProgress(stream) : plainProgress(stream);
}

function plainProgress(stream: ProgressStream): DoctorProgress {
  return {
    tenant: (tenant) => stream.write(`ehrgate doctor: ${describeTenant(tenant)}\n`),
    start: () => {},
    finish: (result) =>
      stream.write(`${WORD[result.status]}  ${result.title} (${result.durationMs} ms): ${result.summary}\n`),
    close: () => {},
  };
}

function terminalProgress(stream: ProgressStream): DoctorProgress {
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  const width = () => Math.max(20, (stream.columns ?? 80) - 1);
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return {
    tenant: (tenant) => stream.write(`\x1b[1mehrgate doctor\x1b[0m ${describeTenant(tenant)}\n`),
    start(check) {
      stop();
      frame = 0;
      const draw = () => {
        const line = `${SPINNER_FRAMES[frame % SPINNER_FRAMES.length]} ${check.title}`.slice(0, width());
        stream.write(`\r\x1b[2K\x1b[36m${line}\x1b[0m`);
        frame += 1;
      };
      draw();
      timer = setInterval(draw, SPINNER_INTERVAL_MS);
      timer.unref();
    },
    finish(result: CheckResult) {
      stop();
      const symbol = `\x1b[${COLOUR[result.status]}m${SYMBOL[result.status]} ${WORD[result.status].toLowerCase()}\x1b[0m`;
      stream.write(
        `\r\x1b[2K${symbol}  ${result.title} \x1b[2m(${result.durationMs} ms)\x1b[0m  ${result.summary}\n`,
      );
    },
    close: stop,
  };
}

function describeTenant(tenant: TenantConfig): string {
  return `tenant ${tenant.id}: ${tenant.ehr.vendor} at ${tenant.ehr.baseUrl}`;
}
