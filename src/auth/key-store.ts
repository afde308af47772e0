// Signing keys for private_key_jwt, one directory per tenant. Each key is one file
// `<kid>.jwk.json` (mode 0600, directory 0700) holding the private JWK and its timeline:
// `activatesAt` (when it may start signing) and `retiresAt` (after which no assertion it signed
// can still be in use, so it leaves the published JWK Set). Key files never live in the repo
// (.gitignore has keys/). kid is the RFC 7638 thumbprint, so the same key always has the same kid.
import { chmod, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { z } from 'zod';
import type { AssertionAlg, SigningKey } from './client-assertion.ts';
import { AuthError } from './errors.ts';

export type KeyAlg = AssertionAlg;
export const KEY_FILE_SUFFIX = '.jwk.json';
export const KEY_FILE_MODE = 0o600;
export const KEY_DIR_MODE = 0o700;
/** NIST SP 800-57 part 1: 2048-bit RSA is acceptable through 2030; Epic accepts 2048 and up. */
export const RSA_MODULUS_BITS = 2048;

export interface KeyMetadata {
  kid: string;
  alg: KeyAlg;
  /** ISO 8601 timestamps. */
  createdAt: string;
  activatesAt: string;
  retiresAt?: string;
}

export interface KeyRecord extends KeyMetadata {
  /** Absolute path of the key file. */
  file: string;
  privateJwk: JWK;
}

/** A public JWK as published in the JWK Set: no private member. */
export type PublicJwk = Pick<JWK, 'kty' | 'kid' | 'alg' | 'use' | 'n' | 'e' | 'crv' | 'x' | 'y'>;

const KTY_FOR_ALG = { RS384: 'RSA', ES384: 'EC' } as const;

const isoTimestamp = z.iso.datetime({ offset: true });
const KeyFileSchema = z.object({
  kid: z.string().min(1),
  alg: z.enum(['RS384', 'ES384']),
  createdAt: isoTimestamp,
  activatesAt: isoTimestamp,
  retiresAt: isoTimestamp.optional(),
  jwk: z.looseObject({ kty: z.enum(['RSA', 'EC']), d: z.string().min(1) }),
});

export function toMs(time: number | Date): number {
  return typeof time === 'number' ? time : time.getTime();
}

function keyError(message: string, fix: string, cause?: unknown): AuthError {
  return new AuthError('ERR_AUTH_KEY', message, cause === undefined ? { fix } : { fix, cause });
}

/** Only the public members, listed rather than private ones deleted, so nothing new can slip through. */
export function toPublicJwk(jwk: JWK, metadata: Pick<KeyMetadata, 'kid' | 'alg'>): PublicJwk {
  const base = { kid: metadata.kid, alg: metadata.alg, use: 'sig' };
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n, e: jwk.e, ...base };
  return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, ...base };
}

async function ensureKeyDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: KEY_DIR_MODE });
    await chmod(dir, KEY_DIR_MODE);
  } catch (cause) {
    throw keyError(`cannot prepare key directory ${dir}`, 'check the path and its ownership', cause);
  }
}

/** Write-then-rename so a reader never sees half a key file; mode set before any byte is written. */
export async function writeKeyFile(dir: string, record: KeyMetadata & { privateJwk: JWK }): Promise<string> {
  const file = join(dir, `${record.kid}${KEY_FILE_SUFFIX}`);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const body: Record<string, unknown> = {
    kid: record.kid,
    alg: record.alg,
    createdAt: record.createdAt,
    activatesAt: record.activatesAt,
    ...(record.retiresAt === undefined ? {} : { retiresAt: record.retiresAt }),
    jwk: record.privateJwk,
  };
  try {
    const handle = await open(temp, 'wx', KEY_FILE_MODE);
    try {
      await handle.chmod(KEY_FILE_MODE);
      await handle.writeFile(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (cause) {
    await rm(temp, { force: true });
    throw keyError(
      `cannot write key file ${file}`,
      'check that the key directory is writable by ehrgate',
      cause,
    );
  }
  return file;
}

export interface GenerateKeyOptions {
  dir: string;
  alg: KeyAlg;
  /** Defaults to the current time. */
  now?: number | Date;
  /** When the key may start signing; defaults to `now`. */
  activatesAt?: number | Date;
}

export interface GeneratedKey {
  publicJwk: PublicJwk;
  metadata: KeyMetadata;
  file: string;
}

/** Creates a key pair, writes the private key file, and returns the public JWK to register. */
export async function generateKeyWithMetadata(options: GenerateKeyOptions): Promise<GeneratedKey> {
  if (options.alg !== 'RS384' && options.alg !== 'ES384') {
    throw keyError(`unsupported key algorithm ${String(options.alg)}`, 'use RS384 or ES384');
  }
  const nowMs = toMs(options.now ?? Date.now());
  await ensureKeyDir(options.dir);
  const { privateKey } = await generateKeyPair(options.alg, {
    extractable: true,
    ...(options.alg === 'RS384' ? { modulusLength: RSA_MODULUS_BITS } : {}),
  });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk, 'sha256');
  const metadata: KeyMetadata = {
    kid,
    alg: options.alg,
    createdAt: new Date(nowMs).toISOString(),
    activatesAt: new Date(toMs(options.activatesAt ?? nowMs)).toISOString(),
  };
  const file = await writeKeyFile(options.dir, {
    ...metadata,
    privateJwk: { ...privateJwk, kid, alg: options.alg, use: 'sig' },
  });
  return { publicJwk: toPublicJwk(privateJwk, metadata), metadata, file };
}

/** Writes a new key into `dir` and returns its public JWK (kid = RFC 7638 SHA-256 thumbprint). */
export async function generateKey(options: GenerateKeyOptions): Promise<PublicJwk> {
  return (await generateKeyWithMetadata(options)).publicJwk;
}

async function readKeyFile(file: string): Promise<KeyRecord> {
  const fix = `restore ${file} from backup, or delete it and run "ehrgate keys rotate" (then register the new key)`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw keyError(`cannot read key file ${file}`, 'check that the file is readable by ehrgate', cause);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // no cause: V8's JSON errors quote the text, which is private key material
    throw keyError(`key file ${file} is corrupt: not valid JSON`, fix);
  }
  const parsed = KeyFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw keyError(`key file ${file} is corrupt: ${problems.join('; ')}`, fix);
  }
  const data = parsed.data;
  if (data.jwk.kty !== KTY_FOR_ALG[data.alg]) {
    throw keyError(`key file ${file} is corrupt: a ${data.jwk.kty} key cannot sign ${data.alg}`, fix);
  }
  const privateJwk = data.jwk as JWK;
  let thumbprint: string;
  try {
    thumbprint = await calculateJwkThumbprint(privateJwk, 'sha256');
  } catch {
    throw keyError(`key file ${file} is corrupt: the JWK lacks its public members`, fix);
  }
  if (thumbprint !== data.kid) {
    throw keyError(`key file ${file} is corrupt: kid ${data.kid} is not the key's thumbprint`, fix);
  }
  const record: KeyRecord = {
    kid: data.kid,
    alg: data.alg,
    createdAt: data.createdAt,
    activatesAt: data.activatesAt,
    file,
    privateJwk,
  };
  if (data.retiresAt !== undefined) record.retiresAt = data.retiresAt;
  return record;
}

/** Every key in the directory, oldest activation first. */
export async function listKeys(dir: string): Promise<KeyRecord[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw keyError(
      `cannot read key directory ${dir}`,
      `create a key with "ehrgate keys generate" for this tenant, or fix the keys path`,
      cause,
    );
  }
  const files = names.filter((name) => name.endsWith(KEY_FILE_SUFFIX)).sort();
  const records = await Promise.all(files.map((name) => readKeyFile(join(dir, name))));
  return records.sort(byActivation);
}

function byActivation(a: KeyMetadata, b: KeyMetadata): number {
  return (
    Date.parse(a.activatesAt) - Date.parse(b.activatesAt) || Date.parse(a.createdAt) - Date.parse(b.createdAt)
  );
}

export function isRetired(key: KeyMetadata, nowMs: number): boolean {
  return key.retiresAt !== undefined && Date.parse(key.retiresAt) <= nowMs;
}

export function isActive(key: KeyMetadata, nowMs: number): boolean {
  return Date.parse(key.activatesAt) <= nowMs && !isRetired(key, nowMs);
}

/**
 * The key that signs now (of `alg`, when given): among active keys, one not scheduled to retire
 * wins (a rotation marks the superseded key), then the latest activation.
 */
export function selectSigningKey<T extends KeyMetadata>(
  keys: readonly T[],
  nowMs: number,
  alg?: KeyAlg,
): T | undefined {
  const candidates = keys.filter((key) => isActive(key, nowMs) && (alg === undefined || key.alg === alg));
  const notRetiring = (key: KeyMetadata) => (key.retiresAt === undefined ? 1 : 0);
  return [...candidates].sort((a, b) => notRetiring(a) - notRetiring(b) || byActivation(a, b)).at(-1);
}

export interface KeyStore {
  readonly dir: string;
  list(): Promise<KeyRecord[]>;
  /** Reads the directory each time, so a rotation by the CLI is picked up without a restart. */
  currentSigningKey(now: number | Date, alg?: KeyAlg): Promise<SigningKey>;
}

export function openKeyStore(dir: string): KeyStore {
  const imported = new Map<string, Promise<CryptoKey>>();
  function importKey(record: KeyRecord): Promise<CryptoKey> {
    let key = imported.get(record.kid);
    if (key === undefined) {
      key = importJWK(record.privateJwk, record.alg).then((k) => {
        if (k instanceof Uint8Array) throw new TypeError('symmetric key');
        return k;
      });
      imported.set(record.kid, key);
      key.catch(() => imported.delete(record.kid));
    }
    return key;
  }
  return {
    dir,
    list: () => listKeys(dir),
    async currentSigningKey(now, alg) {
      const nowMs = toMs(now);
      const keys = await listKeys(dir);
      const record = selectSigningKey(keys, nowMs, alg);
      if (record === undefined) {
        const what = alg === undefined ? 'no active signing key' : `no active ${alg} signing key`;
        throw keyError(
          `${what} in ${dir} at ${new Date(nowMs).toISOString()}`,
          keys.length === 0
            ? 'run "ehrgate keys generate" for this tenant and register its public key (JWK Set URL) with the EHR'
            : 'every key is retired or not yet active: run "ehrgate keys rotate" or check the host clock',
        );
      }
      try {
        return { kid: record.kid, alg: record.alg, privateKey: await importKey(record) };
      } catch (cause) {
        throw keyError(
          `key file ${record.file} is corrupt: the key cannot be imported`,
          `restore ${record.file} from backup, or delete it and run "ehrgate keys rotate"`,
          cause,
        );
      }
    },
  };
}
