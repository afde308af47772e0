// Ties discovery, the key store, the client assertion and the token request into one token
// manager per tenant. Everything is discovered per request cycle from the cached SMART
// configuration; nothing about the EHR's token URL is configured.
import { EhrgateError } from '../errors.ts';
import { createClientAssertion, DEFAULT_ASSERTION_LIFETIME_MS } from './client-assertion.ts';
import {
  checkServerSupport,
  createSmartDiscovery,
  DEFAULT_DISCOVERY_TIMEOUT_MS,
  type SmartDiscovery,
} from './discovery.ts';
import { AuthError, isAuthError } from './errors.ts';
import { type KeyAlg, openKeyStore } from './key-store.ts';
import type { FetchLike } from './lib/http.ts';
import { type ClientCredentials, DEFAULT_TOKEN_REQUEST_TIMEOUT_MS, requestToken } from './request-token.ts';
import { createTokenManager, type TokenManager, type TokenManagerOptions } from './token-manager.ts';

export type ClientAuthMethod = 'private_key_jwt' | 'client_secret_basic';

export interface TenantAuthConfig {
  method: ClientAuthMethod;
  clientId: string;
  /** private_key_jwt: the tenant's key directory. */
  keysDir?: string;
  /** client_secret_basic: the resolved secret (never the `env:NAME` reference). */
  clientSecret?: string;
  /** private_key_jwt: sign only with keys of this algorithm. */
  alg?: KeyAlg;
  /** private_key_jwt: our JWK Set URL, sent as the assertion's `jku` header. */
  jku?: string;
}

export interface TenantAuthOptions {
  /** The FHIR base URL; the SMART configuration is read from below it. */
  baseUrl: string;
  auth: TenantAuthConfig;
  scopes: readonly string[];
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  discoveryTimeoutMs?: number;
  tokenRequestTimeoutMs?: number;
  assertionLifetimeMs?: number;
  /** Renewal and backoff tuning, and the event hook for logs/metrics. */
  tokenManager?: Omit<TokenManagerOptions, 'obtainToken' | 'now' | 'sleep'>;
}

export interface TenantAuth {
  tokenManager: TokenManager;
  discovery: SmartDiscovery;
}

function invalid(key: string, problem: string): EhrgateError {
  return new EhrgateError('ERR_CONFIG_INVALID', `auth configuration: ${key} ${problem}`);
}

function validate(options: TenantAuthOptions): void {
  if (!URL.canParse(options.baseUrl)) throw invalid('baseUrl', 'is not an absolute URL');
  const { auth } = options;
  if (auth.method !== 'private_key_jwt' && auth.method !== 'client_secret_basic') {
    throw invalid('auth.method', 'must be private_key_jwt or client_secret_basic');
  }
  if (typeof auth.clientId !== 'string' || auth.clientId.length === 0)
    throw invalid('auth.clientId', 'is missing');
  if (auth.method === 'private_key_jwt' && !auth.keysDir) {
    throw invalid('auth.keysDir', 'is required for private_key_jwt');
  }
  if (auth.method === 'client_secret_basic' && !auth.clientSecret) {
    throw invalid('auth.clientSecret', 'is required for client_secret_basic');
  }
  if (auth.alg !== undefined && auth.alg !== 'RS384' && auth.alg !== 'ES384') {
    throw invalid('auth.alg', 'must be RS384 or ES384');
  }
  if (auth.jku !== undefined && !URL.canParse(auth.jku)) throw invalid('auth.jku', 'is not an absolute URL');
  if (options.scopes.length === 0)
    throw invalid('scopes', 'is empty: SMART Backend Services requires a scope');
}

export function createTenantAuth(options: TenantAuthOptions): TenantAuth {
  validate(options);
  const auth = Object.freeze({ ...options.auth });
  const scopes = Object.freeze([...options.scopes]);
  const now = options.now ?? Date.now;
  const fetchImpl = options.fetch ?? fetch;
  const discovery = createSmartDiscovery({
    baseUrl: options.baseUrl,
    fetch: fetchImpl,
    timeoutMs: options.discoveryTimeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS,
  });
  const keyStore = auth.method === 'private_key_jwt' ? openKeyStore(auth.keysDir as string) : undefined;

  async function obtainToken() {
    const config = await discovery.get();
    const key = keyStore === undefined ? undefined : await keyStore.currentSigningKey(now(), auth.alg);
    const problems = checkServerSupport(config, {
      method: auth.method,
      ...(key === undefined ? {} : { alg: key.alg }),
    });
    if (problems.length > 0) {
      throw new AuthError(
        'ERR_AUTH_DISCOVERY',
        `SMART configuration at ${config.url}: ${problems.map((p) => p.message).join('; ')}`,
        { fix: "change this tenant's auth method or key algorithm to one the EHR offers" },
      );
    }
    let credentials: ClientCredentials;
    if (key === undefined) {
      credentials = {
        method: 'client_secret_basic',
        clientId: auth.clientId,
        clientSecret: auth.clientSecret as string,
      };
    } else {
      const clientAssertion = await createClientAssertion({
        clientId: auth.clientId,
        tokenEndpoint: config.tokenEndpoint,
        key,
        now,
        lifetimeMs: options.assertionLifetimeMs ?? DEFAULT_ASSERTION_LIFETIME_MS,
        ...(auth.jku === undefined ? {} : { jku: auth.jku }),
      });
      credentials = { method: 'private_key_jwt', clientId: auth.clientId, clientAssertion, kid: key.kid };
    }
    try {
      return await requestToken({
        tokenEndpoint: config.tokenEndpoint,
        scopes,
        client: credentials,
        fetch: fetchImpl,
        timeoutMs: options.tokenRequestTimeoutMs ?? DEFAULT_TOKEN_REQUEST_TIMEOUT_MS,
        now,
      });
    } catch (error) {
      // The token URL is tenant-specific and may move: read the configuration again next time.
      if (isAuthError(error, 'ERR_AUTH_TOKEN_ENDPOINT') || isAuthError(error, 'ERR_AUTH_TOKEN_RESPONSE')) {
        discovery.invalidate();
      }
      throw error;
    }
  }

  const tokenManager = createTokenManager({
    ...options.tokenManager,
    obtainToken,
    now,
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  return { tokenManager, discovery };
}
