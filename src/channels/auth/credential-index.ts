// Which tenant a channel credential belongs to (issue 6 item 4): every credential belongs to
// exactly one tenant, so a request authenticated by it can only ever act for that tenant. A
// value shared by two tenants stops start-up rather than letting either reach the other.
import type { TenantConfig } from '../../config/index.ts';
import { EhrgateError } from '../../errors.ts';
import type { ChannelName } from '../../tools/contract.ts';
import { safeEqual, sha256 } from './lib/safe-equal.ts';

export type CredentialKind = 'http-api-key' | 'mcp-api-key' | 'vapi-secret' | 'retell-api-key' | 'dev-key';

export type TenantSecret = { readonly tenantId: string; readonly secret: string };

type Entry = TenantSecret & { readonly kind: CredentialKind; readonly path: string };

// Bearer keys a channel accepts. The OpenAI tool-call endpoint is plain HTTP under another
// shape, so it takes the HTTP keys. The development key is for the HTTP channel and MCP (issue 6).
const BEARER_KINDS: Readonly<Record<ChannelName, readonly CredentialKind[]>> = {
  http: ['http-api-key', 'dev-key'],
  openai: ['http-api-key', 'dev-key'],
  mcp: ['mcp-api-key', 'dev-key'],
  vapi: ['vapi-secret'],
  retell: [],
  sim: [],
};

export interface CredentialIndex {
  readonly tenantIds: readonly string[];
  /** The tenant whose `kind` credential accepted on `channel` equals `token`, compared in constant time. */
  bearer(channel: ChannelName, token: string): { tenantId: string; kind: CredentialKind } | undefined;
  /** Every tenant's Vapi secret, for HMAC verification (the signature names no tenant). */
  readonly vapiSecrets: readonly TenantSecret[];
  /** Every tenant's Retell API key, with which Retell signs requests. */
  readonly retellKeys: readonly TenantSecret[];
}

export type CredentialIndexOptions = {
  /** The development key of the built-in configuration (dev-key.ts), and the tenant it opens. */
  devKey?: TenantSecret;
};

/** Throws ERR_CONFIG_INVALID naming both places when one credential is configured for two tenants. */
export function buildCredentialIndex(
  tenants: readonly TenantConfig[],
  options: CredentialIndexOptions = {},
): CredentialIndex {
  const entries: Entry[] = [];
  tenants.forEach((tenant, i) => {
    const base = `tenants[${i}].channels`;
    const channels = tenant.channels;
    const add = (kind: CredentialKind, secret: string, path: string): void => {
      entries.push({ tenantId: tenant.id, kind, secret, path });
    };
    for (const [j, key] of (channels?.http?.apiKeys ?? []).entries()) {
      add('http-api-key', key, `${base}.http.apiKeys[${j}]`);
    }
    for (const [j, key] of (channels?.mcp?.apiKeys ?? []).entries()) {
      add('mcp-api-key', key, `${base}.mcp.apiKeys[${j}]`);
    }
    if (channels?.vapi) add('vapi-secret', channels.vapi.secret, `${base}.vapi.secret`);
    if (channels?.retell) add('retell-api-key', channels.retell.apiKey, `${base}.retell.apiKey`);
  });
  if (options.devKey) {
    if (!tenants.some((tenant) => tenant.id === options.devKey!.tenantId)) {
      throw new EhrgateError('ERR_CONFIG_INVALID', `development key: no tenant "${options.devKey.tenantId}"`);
    }
    entries.push({ ...options.devKey, kind: 'dev-key', path: 'EHRGATE_DEV_KEY' });
  }

  // Keyed by the secret's digest: a map lookup on a digest reveals nothing about the secret.
  const byDigest = new Map<string, Entry[]>();
  for (const entry of entries) {
    if (entry.secret.length === 0) {
      throw new EhrgateError('ERR_CONFIG_INVALID', `${entry.path}: the credential is empty`);
    }
    const digest = sha256(entry.secret).toString('hex');
    const same = byDigest.get(digest) ?? [];
    const other = same.find((existing) => existing.tenantId !== entry.tenantId);
    if (other) {
      throw new EhrgateError(
        'ERR_CONFIG_INVALID',
        `${entry.path} is the same credential as ${other.path}: every channel credential must belong to exactly one tenant`,
      );
    }
    same.push(entry);
    byDigest.set(digest, same);
  }

  const ofKind = (kind: CredentialKind): TenantSecret[] =>
    entries.filter((entry) => entry.kind === kind).map(({ tenantId, secret }) => ({ tenantId, secret }));

  return Object.freeze({
    tenantIds: Object.freeze(tenants.map((tenant) => tenant.id)),
    vapiSecrets: Object.freeze(ofKind('vapi-secret')),
    retellKeys: Object.freeze(ofKind('retell-api-key')),
    bearer(channel: ChannelName, token: string) {
      const kinds = BEARER_KINDS[channel];
      const found = byDigest
        .get(sha256(token).toString('hex'))
        ?.find((entry) => kinds.includes(entry.kind) && safeEqual(entry.secret, token));
      return found && { tenantId: found.tenantId, kind: found.kind };
    },
  });
}
