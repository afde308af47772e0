import { EhrgateError, type ErrorCode } from '../errors.ts';

// Exit codes: 2 for anything the operator must fix before ehrgate can start (configuration, a
// port in use, a database that does not answer), 1 for everything else.
const OPERATOR_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'ERR_CONFIG_FILE',
  'ERR_CONFIG_INVALID',
  'ERR_CONFIG_SECRET_MISSING',
  'ERR_PORT_IN_USE',
  'ERR_STARTUP',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_MIGRATION',
  'ERR_SANDBOX',
  'ERR_AUTH_KEY',
  'ERR_AUTH_DISCOVERY',
]);

export const EXIT_OPERATOR_ERROR = 2;
export const EXIT_FAILURE = 1;

// The CLI's edge (STYLE.md rule 5): whatever arrives here is turned into one readable line and
// an exit code. A stack trace is shown only with EHRGATE_DEBUG=1.
export function exitWithError(error: unknown): never {
  const debug = process.env.EHRGATE_DEBUG === '1';
  if (error instanceof EhrgateError) {
    process.stderr.write(`ehrgate: ${error.message}\n`);
    if (debug) process.stderr.write(`${error.stack}\n`);
    process.exit(OPERATOR_ERRORS.has(error.code) ? EXIT_OPERATOR_ERROR : EXIT_FAILURE);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ehrgate: unexpected error: ${message}\n`);
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(EXIT_FAILURE);
}
