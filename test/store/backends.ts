// The store suite runs once per backend (DESIGN.md section 7: one interface, SQLite and
// PostgreSQL). Each factory owns one fresh database, made on first use and removed by cleanup():
// a temp-dir SQLite file, or a PostgreSQL database created for the test file and dropped WITH
// (FORCE), so test files can run in parallel against the one server.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type StoreOptions } from '../../src/store/open-store.ts';
import type { SqliteThreading } from '../../src/store/sqlite-host.ts';
import type { Store } from '../../src/store/store.ts';

/** The server's maintenance database; tests never write to it, they only create and drop their own. */
export const TEST_PG_ADMIN_URL = process.env.EHRGATE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type StoreBackend = {
  readonly name: 'sqlite' | 'sqlite-worker' | 'postgres';
  /** The store URL of this factory's database (created on first call). */
  url(): Promise<string>;
  /** A new Store on this factory's database; each call opens another one (another pool). */
  open(options?: Omit<StoreOptions, 'url' | 'dataDir'>): Promise<Store>;
  /** Closes every Store it opened and deletes the database. */
  cleanup(): Promise<void>;
};

export function storeBackends(): StoreBackend[] {
  return [sqliteBackend(), sqliteBackend('worker'), postgresBackend()];
}

/** SQLite with its connection on the event loop (the default) or in a worker thread. */
export function sqliteBackend(threading: SqliteThreading = 'inline'): StoreBackend {
  let dir: Promise<string> | undefined;
  const opened: Store[] = [];
  const url = async () => {
    dir ??= mkdtemp(join(tmpdir(), 'ehrgate-store-'));
    return join(await dir, 'ehrgate.sqlite');
  };
  return {
    name: threading === 'inline' ? 'sqlite' : 'sqlite-worker',
    url,
    async open(options) {
      const store = await openStore({ sqliteThreading: threading, ...options, url: await url() });
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((store) => store.close()));
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): StoreBackend {
  const name = `ehrgate_t_${randomBytes(6).toString('hex')}`;
  let created: Promise<string> | undefined;
  const opened: Store[] = [];
  const url = () => {
    created ??= (async () => {
      await adminQuery(`CREATE DATABASE ${name}`);
      const target = new URL(TEST_PG_ADMIN_URL);
      target.pathname = `/${name}`;
      return target.toString();
    })();
    return created;
  };
  return {
    name: 'postgres',
    url,
    async open(options) {
      const store = await openStore({ ...options, url: await url() });
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((store) => store.close()));
      if (created) {
        await created.catch(() => {});
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    },
  };
}

// CREATE/DROP DATABASE take no bind parameters; the name is generated above from hex digits.
async function adminQuery(unsafeSql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(unsafeSql);
  } finally {
    await client.end();
  }
}
