import { join, resolve } from 'node:path';
import { generateKeyWithMetadata, type KeyAlg, listKeys, rotateKeys } from '../auth/index.ts';
import { loadConfig } from '../config/index.ts';
import { EhrgateError } from '../errors.ts';

export type KeysOptions = { tenant: string; config?: string; dir?: string; dataDir?: string };

// Where a tenant's keys live: an explicit --dir, else the tenant's `auth.keys` from the
// configuration, else ./data/keys/<tenant> (the built-in sandbox tenant's place).
export async function keyDirFor(options: KeysOptions): Promise<string> {
  if (options.dir) return resolve(options.dir);
  const configPath = options.config ?? process.env.EHRGATE_CONFIG;
  if (configPath) {
    const config = await loadConfig({ path: configPath });
    const tenant = config.tenants.find((t) => t.id === options.tenant);
    if (!tenant) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `--tenant: no tenant "${options.tenant}" in ${configPath} (tenants: ${config.tenants.map((t) => t.id).join(', ')})`,
      );
    }
    if (tenant.ehr.auth.method !== 'private_key_jwt') {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `tenant "${options.tenant}" uses ${tenant.ehr.auth.method}; keys are for private_key_jwt`,
      );
    }
    return tenant.ehr.auth.keys;
  }
  return resolve(options.dataDir ?? 'data', 'keys', options.tenant);
}

export async function generateKeyCommand(options: KeysOptions & { alg: KeyAlg }): Promise<void> {
  const dir = await keyDirFor(options);
  const { publicJwk, metadata, file } = await generateKeyWithMetadata({ dir, alg: options.alg });
  process.stderr.write(
    `wrote private key ${file} (mode 0600, kid ${metadata.kid}); register this public key with the EHR, or give it the gateway's /.well-known/jwks.json URL:\n`,
  );
  process.stdout.write(`${JSON.stringify(publicJwk, null, 2)}\n`);
}

export async function rotateKeysCommand(options: KeysOptions & { overlap: string }): Promise<void> {
  const dir = await keyDirFor(options);
  const overlapMs = parseDuration(options.overlap, '--overlap');
  const { next, retiring } = await rotateKeys({ dir, overlapMs });
  process.stdout.write(
    [
      `added key ${next.metadata.kid}: published now, signs from ${next.metadata.activatesAt}`,
      ...retiring.map(
        (key) => `key ${key.kid} keeps signing until then and leaves the JWK Set at ${key.retiresAt}`,
      ),
      '',
    ].join('\n'),
  );
}

export async function listKeysCommand(options: KeysOptions): Promise<void> {
  const dir = await keyDirFor(options);
  const keys = await listKeys(dir);
  if (keys.length === 0) {
    process.stdout.write(
      `no keys in ${dir}; create one with: ehrgate keys generate --tenant ${options.tenant}\n`,
    );
    return;
  }
  for (const key of keys) {
    const retires = key.retiresAt ? `, retires ${key.retiresAt}` : '';
    process.stdout.write(
      `${key.kid}  ${key.alg}  activates ${key.activatesAt}${retires}  ${join(key.file)}\n`,
    );
  }
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/.exec(text.trim());
  if (!match) {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `${option}: expected a duration such as 30m, 24h or 2d, got "${text}"`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
