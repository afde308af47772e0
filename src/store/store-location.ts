import { join } from 'node:path';
import { EhrgateError } from '../errors.ts';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_SQLITE_FILE = 'ehrgate.sqlite';
export const DEFAULT_POSTGRES_PORT = 5432;

export type StoreLocation =
  | {
      readonly dialect: 'sqlite';
      /** A file path, or ':memory:'. */
      readonly path: string;
      /** "sqlite <path>" */
      readonly description: string;
    }
  | {
      readonly dialect: 'postgres';
      readonly url: string;
      /** "postgres <host>:<port>/<database>", never the user or password. */
      readonly description: string;
    };

/**
 * Where the store lives. `postgres://` / `postgresql://` URLs select PostgreSQL. Anything else is
 * SQLite: `sqlite:<path>`, `sqlite://<path>`, `sqlite::memory:`, `:memory:` or a bare path;
 * no URL means `<dataDir>/ehrgate.sqlite`.
 */
export function resolveStoreLocation(options: { url?: string; dataDir?: string } = {}): StoreLocation {
  const { url } = options;
  if (url === undefined || url === '') {
    const path = join(options.dataDir ?? DEFAULT_DATA_DIR, DEFAULT_SQLITE_FILE);
    return { dialect: 'sqlite', path, description: `sqlite ${path}` };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { dialect: 'postgres', url, description: `postgres ${describePostgresUrl(url)}` };
  }
  let path = url.replace(/^sqlite:/i, '');
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') {
    throw new EhrgateError('ERR_CONFIG_INVALID', 'store url "sqlite:" names no file');
  }
  return { dialect: 'sqlite', path, description: `sqlite ${path}` };
}

/** "host:port/database" from a PostgreSQL URL; the URL itself is never repeated (it may hold a password). */
export function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EhrgateError('ERR_CONFIG_INVALID', 'store url is not a valid PostgreSQL URL');
  }
  // libpq lets the host come from a query parameter (a Unix socket directory) instead.
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  const port = parsed.port || String(DEFAULT_POSTGRES_PORT);
  const database =
    decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username);
  return `${host}:${port}/${database}`;
}
