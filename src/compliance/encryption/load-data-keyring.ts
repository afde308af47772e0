// Where the data keys come from. In production: EHRGATE_DATA_KEYS (from a secret manager or KMS
// export), the same value on every gateway process that shares a database. For the no-config
// developer start, a key generated once into <dataDir>/keys/data-key (mode 0600) beside the
// embedded SQLite store, so `npm start` encrypts PHI at rest without any set-up; the file takes
// the same `id:<base64>` entries as the variable, so a rotation can be done in it too.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EhrgateError } from '../../errors.ts';
import { DEFAULT_DATA_DIR } from '../../store/store-location.ts';
import { DATA_KEY_BYTES, type DataKeyring, formatDataKeys, parseDataKeys } from './keyring.ts';

export const DATA_KEYS_ENV = 'EHRGATE_DATA_KEYS';
/** The generated key file, relative to the data directory. */
export const DATA_KEY_FILE = join('keys', 'data-key');

export type DataKeyringSource = 'env' | 'file' | 'generated' | 'none';

export type LoadedDataKeyring = {
  /** Undefined only when source is 'none' (no variable, no file, and generate: false). */
  readonly keyring: DataKeyring | undefined;
  readonly source: DataKeyringSource;
  /** The key file read or written, for source 'file' and 'generated'. */
  readonly path?: string;
};

export type LoadDataKeyringOptions = {
  env?: Record<string, string | undefined>;
  /** Default './data', as the store's. */
  dataDir?: string;
  /**
   * Create the key file when neither the variable nor the file exists (default true). Pass false
   * from commands that only read (a generated key could not open anything already stored).
   */
  generate?: boolean;
};

/** Throws ERR_CONFIG_INVALID naming the variable or the file when it is malformed. */
export async function loadDataKeyring(options: LoadDataKeyringOptions = {}): Promise<LoadedDataKeyring> {
  const env = options.env ?? process.env;
  const fromEnv = env[DATA_KEYS_ENV];
  if (fromEnv !== undefined) return { keyring: parseDataKeys(fromEnv, DATA_KEYS_ENV), source: 'env' };

  const path = join(options.dataDir ?? DEFAULT_DATA_DIR, DATA_KEY_FILE);
  const existing = await readKeyFile(path);
  if (existing !== undefined) return { keyring: parseDataKeys(existing, path), source: 'file', path };
  if (options.generate === false) return { keyring: undefined, source: 'none' };

  const text = `${formatDataKeys([{ id: newKeyId(), key: randomBytes(DATA_KEY_BYTES) }])}\n`;
  // Written whole to a private temporary file, then linked into place: link() fails with EEXIST
  // when another process starting at the same moment got there first, and then its complete file
  // is the one both use.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new EhrgateError('ERR_STARTUP', `cannot create the data key file ${path}`, { cause: error });
    }
    return { keyring: parseDataKeys((await readKeyFile(path)) ?? '', path), source: 'file', path };
  } finally {
    await rm(temporary, { force: true });
  }
  return { keyring: parseDataKeys(text, path), source: 'generated', path };
}

async function readKeyFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EhrgateError('ERR_STARTUP', `cannot read the data key file ${path}`, { cause: error });
  }
}

// Dated, so an operator listing keys can tell which is newer; random, so two hosts that each
// generated one never claim the same id.
function newKeyId(): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `local-${day}-${randomBytes(3).toString('hex')}`;
}
