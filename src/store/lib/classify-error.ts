import { EhrgateError } from '../../errors.ts';

// PostgreSQL SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html):
// 23 integrity constraint violation; 08 connection exception; 57P01-57P03 shutdown / cannot
// connect now; 53300 too many connections.
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
// Node socket errors seen when the server is down, unreachable or the name does not resolve.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// SQLite primary result codes (https://sqlite.org/rescode.html): 19 CONSTRAINT; 5 BUSY,
// 6 LOCKED, 10 IOERR, 13 FULL, 14 CANTOPEN. Extended codes carry the primary one in the low byte.
const SQLITE_CONSTRAINT = 19;
const SQLITE_UNAVAILABLE_CODES = new Set([5, 6, 10, 13, 14]);

type DriverError = { code?: unknown; errcode?: unknown; message?: unknown; constraint?: unknown };

/**
 * Turns a driver error into the store's typed errors: a violated key or reference becomes
 * ERR_STORE_CONSTRAINT, a database that cannot be reached or written becomes
 * ERR_STORE_UNAVAILABLE. Anything else (a bug in a query) is returned unchanged. Messages name
 * the constraint, never the values (PostgreSQL puts those in `detail`, kept only in `cause`).
 */
export function classifyStoreError(error: unknown): unknown {
  if (error instanceof EhrgateError || typeof error !== 'object' || error === null) return error;
  const { code, errcode, message, constraint } = error as DriverError;
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number') {
    const primary = errcode & 0xff;
    if (primary === SQLITE_CONSTRAINT) {
      return new EhrgateError('ERR_STORE_CONSTRAINT', `store constraint violated: ${String(message)}`, {
        cause: error,
      });
    }
    if (SQLITE_UNAVAILABLE_CODES.has(primary)) {
      return new EhrgateError('ERR_STORE_UNAVAILABLE', `SQLite store unavailable: ${String(message)}`, {
        cause: error,
      });
    }
    return error;
  }
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('23')) {
      const name = typeof constraint === 'string' ? ` (${constraint})` : '';
      return new EhrgateError('ERR_STORE_CONSTRAINT', `store constraint violated: SQLSTATE ${code}${name}`, {
        cause: error,
      });
    }
    if (code.startsWith('08') || PG_UNAVAILABLE_CODES.has(code)) {
      return new EhrgateError('ERR_STORE_UNAVAILABLE', `PostgreSQL unavailable: SQLSTATE ${code}`, {
        cause: error,
      });
    }
    return error;
  }
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new EhrgateError('ERR_STORE_UNAVAILABLE', `PostgreSQL unavailable: ${code}`, { cause: error });
  }
  // node-postgres reports a dropped or timed-out connection with a plain Error and no code.
  if (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  ) {
    return new EhrgateError('ERR_STORE_UNAVAILABLE', `PostgreSQL unavailable: ${message}`, { cause: error });
  }
  return error;
}
