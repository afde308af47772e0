// One token request for a tenant, through the very auth module the gateway uses (discovery,
// key store, client assertion, token request), so the doctor proves what `ehrgate serve` will do.
import { createTenantAuth, type TokenManager } from '../../auth/index.ts';
import type { TenantConfig } from '../../config/index.ts';
import { EhrgateError, isEhrgateError } from '../../errors.ts';

export type TokenAttempt =
  | {
      readonly ok: true;
      readonly tokenManager: TokenManager;
      readonly granted: readonly string[];
      /** From our clock at the request to the token's expiry. */
      readonly lifetimeMs: number;
      /** The token response's `Date` minus our clock, when the EHR sent one. */
      readonly serverSkewMs: number | undefined;
    }
  | { readonly ok: false; readonly error: unknown };

export async function obtainToken(
  tenant: TenantConfig,
  scopes: readonly string[],
  options: { readonly fetch: typeof fetch; readonly now: () => number; readonly timeoutMs: number },
): Promise<TokenAttempt> {
  const auth = tenant.ehr.auth;
  if (auth.method === 'none') {
    throw new EhrgateError(
      'ERR_CONFIG_INVALID',
      `tenant ${tenant.id} uses no auth: there is no token to obtain`,
    );
  }
  const requestedAt = options.now();
  try {
    const { tokenManager } = createTenantAuth({
      baseUrl: tenant.ehr.baseUrl,
      auth:
        auth.method === 'private_key_jwt'
          ? { method: auth.method, clientId: auth.clientId, keysDir: auth.keys, alg: auth.alg, jku: auth.jku }
          : { method: auth.method, clientId: auth.clientId, clientSecret: auth.clientSecret },
      scopes,
      fetch: options.fetch,
      now: options.now,
      discoveryTimeoutMs: options.timeoutMs,
      tokenRequestTimeoutMs: options.timeoutMs,
      // The doctor asks once and reports; the gateway's backoff would only make it wait.
      tokenManager: { maxWaitForRetryMs: 0 },
    });
    await tokenManager.getAccessToken({ forceRefresh: false });
    const state = tokenManager.state();
    return {
      ok: true,
      tokenManager,
      granted: state.grantedScopes ?? [],
      lifetimeMs: state.expiresAt === undefined ? 0 : Date.parse(state.expiresAt) - requestedAt,
      serverSkewMs: state.serverClockSkewMs,
    };
  } catch (error) {
    if (!isEhrgateError(error)) throw error;
    return { ok: false, error };
  }
}
