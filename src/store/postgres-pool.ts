import pg from 'pg';
import { EhrgateError } from '../errors.ts';

export const DEFAULT_PG_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_PG_POOL_SIZE = 10;

// int8 (bigint) columns hold epoch-ms times and counters; node-postgres returns them as strings
// by default because they can exceed 2^53. Ours never do, and SQLite returns numbers, so both
// dialects hand the same types to the code above the store.
const INT8_OID = 20;

function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new EhrgateError('ERR_STORE_CONSTRAINT', 'a bigint column holds a value beyond 2^53');
  }
  return value;
}

function storeTypes(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', parseInt8);
  return types;
}

/**
 * A node-postgres pool, checked by taking one connection, so a wrong URL fails at start-up with
 * one clear line (host:port, database and reason) instead of on the first tool call.
 */
export async function createCheckedPool(options: {
  url: string;
  description: string;
  log: (msg: string) => void;
  connectTimeoutMs?: number;
  poolSize?: number;
}): Promise<pg.Pool> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_PG_CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: options.url,
    connectionTimeoutMillis: connectTimeoutMs,
    max: options.poolSize ?? DEFAULT_PG_POOL_SIZE,
    types: storeTypes(),
  });
  // An idle connection can die (server restart, network); without a listener node-postgres
  // would crash the process. The next query gets a fresh connection or a typed error.
  pool.on('error', (error: Error & { code?: string }) => {
    options.log(`${options.description}: idle connection lost (${error.code ?? error.message})`);
  });
  try {
    const client = await pool.connect();
    client.release();
    return pool;
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = connectFailureReason(error, connectTimeoutMs, options.url);
    throw new EhrgateError('ERR_STORE_UNAVAILABLE', `${options.description} unreachable: ${reason}`, {
      cause: error,
    });
  }
}

function connectFailureReason(error: unknown, connectTimeoutMs: number, url: string): string {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const text = typeof message === 'string' ? message : String(error);
  let reason: string;
  if (code === 'ECONNREFUSED') reason = 'connection refused (ECONNREFUSED)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') reason = `host not found (${code})`;
  else if (code === 'ETIMEDOUT' || /timeout/i.test(text)) reason = `no answer within ${connectTimeoutMs} ms`;
  // Server-side refusals (28P01 bad password, 28000 pg_hba, 3D000 no such database) name the
  // user and database but never the password.
  else if (typeof code === 'string') reason = `${text} (${code})`;
  else reason = text;
  return scrubPassword(reason, url);
}

// Belt and braces: whatever the driver said, the password never reaches a log line.
function scrubPassword(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {}
  return password ? text.replaceAll(password, '***') : text;
}
