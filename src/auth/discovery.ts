// SMART configuration discovery. The token URL is never configured or hard-coded: Cerner's is
// tenant-specific (fixtures cerner/cerner-smart-configuration.json and cerner/R4_WELL_KNOWN.json
// carry different ones for the same tenant), so it is always read from
// `{baseUrl}/.well-known/smart-configuration` (SMART App Launch 2.0.0, "Conformance",
// section "Using .well-known"; Backend Services requires `token_endpoint`).
import { z } from 'zod';
import { AuthError, type AuthErrorDetails } from './errors.ts';
import {
  describeFailure,
  type FetchLike,
  fetchText,
  htmlTitle,
  isHttpFailure,
  looksLikeHtml,
  parseJson,
} from './lib/http.ts';

export const DEFAULT_DISCOVERY_TIMEOUT_MS = 10_000;

export interface SmartConfiguration {
  /** The URL the document was read from. */
  url: string;
  tokenEndpoint: string;
  /** Empty when the server does not say (Epic's document omits the signing algorithms). */
  tokenEndpointAuthMethods: string[];
  tokenEndpointAuthSigningAlgs: string[];
  scopesSupported: string[];
  /** SMART capabilities, e.g. `permission-v1`, `permission-v2`, `client-confidential-asymmetric`. */
  capabilities: string[];
  grantTypesSupported: string[];
  issuer?: string;
  jwksUri?: string;
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const stringList = z.array(z.string()).optional();

const SmartConfigurationSchema = z.object({
  token_endpoint: httpUrl,
  token_endpoint_auth_methods_supported: stringList,
  token_endpoint_auth_signing_alg_values_supported: stringList,
  scopes_supported: stringList,
  capabilities: stringList,
  grant_types_supported: stringList,
  issuer: z.string().optional(),
  jwks_uri: z.string().optional(),
});

export interface DiscoverOptions {
  /** The FHIR base URL, e.g. `https://fhir-ehr.cerner.com/r4/{tenant}`. */
  baseUrl: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function smartConfigurationUrl(baseUrl: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL('.well-known/smart-configuration', base).toString();
}

const CHECK_BASE_URL =
  'check that the configured baseUrl is the FHIR base URL the EHR team gave you and that it serves ' +
  '.well-known/smart-configuration';

function discoveryError(url: string, problem: string, extra: Partial<AuthErrorDetails>): AuthError {
  return new AuthError('ERR_AUTH_DISCOVERY', `SMART discovery at ${url}: ${problem}`, {
    fix: CHECK_BASE_URL,
    ...extra,
  });
}

/** Reads and validates the server's SMART configuration. Throws `ERR_AUTH_DISCOVERY`. */
export async function discoverSmartConfiguration(options: DiscoverOptions): Promise<SmartConfiguration> {
  const url = smartConfigurationUrl(options.baseUrl);
  const result = await fetchText(
    options.fetch ?? fetch,
    url,
    { method: 'GET', headers: { accept: 'application/json' } },
    options.timeoutMs ?? DEFAULT_DISCOVERY_TIMEOUT_MS,
    options.signal,
  );
  if (isHttpFailure(result)) {
    throw discoveryError(url, `the server ${describeFailure(result)}`, {
      cause: result.cause,
      fix: `${CHECK_BASE_URL}, and that this host can reach it`,
    });
  }
  const { response, bodyText } = result;
  if (looksLikeHtml(response, bodyText)) {
    const title = htmlTitle(bodyText);
    throw discoveryError(
      url,
      `HTTP ${response.status} returned an HTML page${title ? ` ("${title}")` : ''}, not a JSON SMART configuration`,
      { endpointStatus: response.status, description: title },
    );
  }
  if (!response.ok) {
    throw discoveryError(url, `HTTP ${response.status} ${response.statusText}`.trimEnd(), {
      endpointStatus: response.status,
    });
  }
  const json = parseJson(bodyText);
  if (!json.ok) {
    throw discoveryError(url, 'the body is not JSON', { endpointStatus: response.status });
  }
  const parsed = SmartConfigurationSchema.safeParse(json.value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => {
        const path = issue.path.join('.') || '(document)';
        return issue.code === 'invalid_type' && issue.input === undefined
          ? `${path} is missing`
          : `${path} ${issue.message}`;
      })
      .join('; ');
    throw discoveryError(url, `not a usable SMART configuration: ${problems}`, {
      endpointStatus: response.status,
      cause: parsed.error,
    });
  }
  const doc = parsed.data;
  return {
    url,
    tokenEndpoint: doc.token_endpoint,
    tokenEndpointAuthMethods: doc.token_endpoint_auth_methods_supported ?? [],
    tokenEndpointAuthSigningAlgs: doc.token_endpoint_auth_signing_alg_values_supported ?? [],
    scopesSupported: doc.scopes_supported ?? [],
    capabilities: doc.capabilities ?? [],
    grantTypesSupported: doc.grant_types_supported ?? [],
    ...(doc.issuer === undefined ? {} : { issuer: doc.issuer }),
    ...(doc.jwks_uri === undefined ? {} : { jwksUri: doc.jwks_uri }),
  };
}

export interface SmartDiscovery {
  readonly url: string;
  /** The cached configuration; concurrent first calls share one request; failures are not cached. */
  get(): Promise<SmartConfiguration>;
  /** Forget the cached document so the next `get()` reads it again (e.g. the token URL moved). */
  invalidate(): void;
}

/** A per-tenant, cached discovery. */
export function createSmartDiscovery(options: DiscoverOptions): SmartDiscovery {
  const frozen = Object.freeze({ ...options });
  let cached: Promise<SmartConfiguration> | undefined;
  return {
    url: smartConfigurationUrl(frozen.baseUrl),
    get() {
      if (cached === undefined) {
        const pending = discoverSmartConfiguration(frozen);
        cached = pending;
        pending.catch(() => {
          if (cached === pending) cached = undefined;
        });
      }
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

export type ServerSupportProblem = { field: string; message: string };

/**
 * What the discovered configuration says about our way of authenticating. Lists the server
 * omits are not held against us (Epic omits the signing algorithms).
 */
export function checkServerSupport(
  config: SmartConfiguration,
  client: { method: 'private_key_jwt' | 'client_secret_basic'; alg?: string },
): ServerSupportProblem[] {
  const problems: ServerSupportProblem[] = [];
  const methods = config.tokenEndpointAuthMethods;
  if (methods.length > 0 && !methods.includes(client.method)) {
    problems.push({
      field: 'token_endpoint_auth_methods_supported',
      message: `the server does not offer ${client.method} (it offers ${methods.join(', ')})`,
    });
  }
  const grants = config.grantTypesSupported;
  if (grants.length > 0 && !grants.includes('client_credentials')) {
    problems.push({
      field: 'grant_types_supported',
      message: `the server does not offer the client_credentials grant (it offers ${grants.join(', ')})`,
    });
  }
  const algs = config.tokenEndpointAuthSigningAlgs;
  if (client.method === 'private_key_jwt' && client.alg !== undefined && algs.length > 0) {
    if (!algs.includes(client.alg)) {
      problems.push({
        field: 'token_endpoint_auth_signing_alg_values_supported',
        message: `the server does not accept ${client.alg} assertions (it accepts ${algs.join(', ')})`,
      });
    }
  }
  return problems;
}
