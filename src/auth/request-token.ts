// The client_credentials token request of SMART Backend Services (SMART App Launch 2.0.0,
// "Backend Services", "Request access token") and the mapping of every way it can fail to a
// typed AuthError that says what to do. Error responses follow RFC 6749 section 5.2; servers
// differ on 400 vs 401 for invalid_client, so the OAuth `error` decides, not the status.
import { z } from 'zod';
import { CLIENT_ASSERTION_TYPE, clientSecretBasicAuthorization } from './client-assertion.ts';
import { AuthError, type AuthErrorCode } from './errors.ts';
import {
  describeFailure,
  type FetchLike,
  fetchText,
  htmlTitle,
  isHttpFailure,
  looksLikeHtml,
  parseJson,
  parseRetryAfterMs,
} from './lib/http.ts';

export const DEFAULT_TOKEN_REQUEST_TIMEOUT_MS = 10_000;
/** Beyond this, a JWT assertion (5 minute lifetime) is likely to be judged expired or not yet valid. */
export const CLOCK_SKEW_WARNING_MS = 60_000;

export type ClientCredentials =
  | { method: 'private_key_jwt'; clientId: string; clientAssertion: string; kid?: string }
  | { method: 'client_secret_basic'; clientId: string; clientSecret: string };

export interface TokenRequestOptions {
  tokenEndpoint: string;
  scopes: readonly string[];
  client: ClientCredentials;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Our clock, only to compare with the server's `Date` header in error advice. */
  now?: () => number;
}

export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresInS: number;
  /** The granted scopes; the requested ones when the server omits `scope` (RFC 6749 section 5.1). */
  grantedScopes: string[];
  /** Whether the server said which scopes it granted. */
  scopeReturned: boolean;
  /** The server's `Date` header (epoch ms), for clock-skew diagnostics only, never for expiry. */
  serverDate?: number;
}

const TokenResponseSchema = z.object({
  access_token: z.string({ error: 'access_token is missing' }).min(1, 'access_token is empty'),
  token_type: z
    .string()
    .refine((value) => value.toLowerCase() === 'bearer', 'token_type is not "bearer"')
    .optional(),
  expires_in: z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)], {
      error: (issue) => (issue.input === undefined ? 'expires_in is missing' : 'expires_in is not a number'),
    })
    .pipe(z.number().finite().positive('expires_in must be a positive number of seconds')),
  scope: z.string().optional(),
});

const OAuthErrorSchema = z.object({
  error: z.string().min(1),
  error_description: z.string().optional(),
});

/** POSTs the token request; throws AuthError with a code and a `fix` on any failure. */
export async function requestToken(options: TokenRequestOptions): Promise<TokenResponse> {
  const { client, tokenEndpoint } = options;
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: options.scopes.join(' ') });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  if (client.method === 'private_key_jwt') {
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
    form.set('client_assertion', client.clientAssertion);
  } else {
    headers.authorization = clientSecretBasicAuthorization(client.clientId, client.clientSecret);
  }
  const now = options.now ?? Date.now;
  const result = await fetchText(
    options.fetch ?? fetch,
    tokenEndpoint,
    { method: 'POST', headers, body: form.toString() },
    options.timeoutMs ?? DEFAULT_TOKEN_REQUEST_TIMEOUT_MS,
    options.signal,
  );
  if (isHttpFailure(result)) {
    throw new AuthError(
      'ERR_AUTH_TOKEN_ENDPOINT',
      `token endpoint ${tokenEndpoint} ${describeFailure(result)}`,
      {
        fix: 'check that this host can reach the EHR token endpoint; renewal is retried with backoff',
        cause: result.cause,
      },
    );
  }
  const { response, bodyText } = result;
  const serverDate = parseDateHeader(response.headers.get('date'));
  const json = looksLikeHtml(response, bodyText) ? undefined : parseJson(bodyText);
  const body = json?.ok ? json.value : undefined;

  const oauth = OAuthErrorSchema.safeParse(body);
  if (!response.ok || (oauth.success && !hasAccessToken(body))) {
    throw errorResponse({
      options,
      response,
      bodyText,
      oauth: oauth.success ? oauth.data : parseWwwAuthenticate(response.headers.get('www-authenticate')),
      skewMs: serverDate === undefined ? undefined : serverDate - now(),
      nowMs: now(),
    });
  }
  if (json === undefined || !json.ok) {
    const what = json === undefined ? 'an HTML page' : 'a body that is not JSON';
    throw new AuthError(
      'ERR_AUTH_TOKEN_RESPONSE',
      `token endpoint ${tokenEndpoint} answered HTTP ${response.status} with ${what}`,
      {
        fix: 'check that the discovered token_endpoint is the EHR authorization server, not a portal or proxy page',
        endpointStatus: response.status,
        description: json === undefined ? htmlTitle(bodyText) : undefined,
      },
    );
  }
  const parsed = TokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    // Issue messages only: zod v4 issues carry no input values, so the token cannot leak here.
    const problems = [...new Set(parsed.error.issues.map((issue) => issue.message))].join('; ');
    throw new AuthError(
      'ERR_AUTH_TOKEN_RESPONSE',
      `token endpoint ${tokenEndpoint} returned an unusable token response: ${problems}`,
      {
        fix: 'the EHR authorization server answered outside the SMART Backend Services spec; report it to the EHR team',
        endpointStatus: response.status,
      },
    );
  }
  const granted = parsed.data.scope?.split(/\s+/).filter((scope) => scope.length > 0);
  return {
    accessToken: parsed.data.access_token,
    tokenType: parsed.data.token_type ?? 'bearer',
    expiresInS: parsed.data.expires_in,
    grantedScopes: granted ?? [...options.scopes],
    scopeReturned: granted !== undefined,
    ...(serverDate === undefined ? {} : { serverDate }),
  };
}

function hasAccessToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'access_token' in body;
}

function parseDateHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** RFC 6750 section 3: some servers put the OAuth error only in `WWW-Authenticate`. */
function parseWwwAuthenticate(
  header: string | null,
): { error: string; error_description?: string } | undefined {
  if (header === null) return undefined;
  const error = /error="([^"]+)"/.exec(header)?.[1];
  if (error === undefined) return undefined;
  const description = /error_description="([^"]*)"/.exec(header)?.[1];
  return description === undefined ? { error } : { error, error_description: description };
}

const TRANSIENT_FIX =
  'the EHR token endpoint is failing or throttling; renewal is retried with backoff — if it persists, check ' +
  'the EHR status page or ask the EHR team';

interface ErrorContext {
  options: TokenRequestOptions;
  response: Response;
  bodyText: string;
  oauth: { error: string; error_description?: string } | undefined;
  skewMs: number | undefined;
  nowMs: number;
}

function errorResponse(context: ErrorContext): AuthError {
  const { options, response, bodyText, oauth } = context;
  const { client } = options;
  const status = response.status;
  const oauthError = oauth?.error;
  const scopeList = options.scopes.join(' ');
  const clientRef = `client id ${client.clientId}`;
  const keyRef = client.method === 'private_key_jwt' && client.kid !== undefined ? `, key ${client.kid}` : '';
  const keyAdvice =
    client.method === 'private_key_jwt'
      ? 'the EHR does not recognise this client id or its key: check the client id and that the EHR has our ' +
        'JWK Set URL / public key registered for it'
      : 'the EHR does not recognise this client id or secret: check the client id and secret (secrets expire ' +
        'or are rotated in the EHR system account console)';

  let code: AuthErrorCode;
  let fix: string;
  switch (oauthError) {
    case 'invalid_client':
      code = 'ERR_AUTH_CLIENT_REJECTED';
      fix = `${keyAdvice} (${clientRef}${keyRef})`;
      break;
    case 'invalid_grant':
      code = 'ERR_AUTH_GRANT_REJECTED';
      fix =
        client.method === 'private_key_jwt'
          ? "the EHR rejected the signed assertion: check this host's clock (NTP), that the key is registered " +
            'and active in the EHR, and that the token URL the EHR expects as aud is the discovered one'
          : 'the EHR rejected the client_credentials grant for this client: ask the EHR team to enable ' +
            `backend (system) access for ${clientRef}`;
      break;
    case 'unsupported_grant_type':
      code = 'ERR_AUTH_GRANT_REJECTED';
      fix =
        'the EHR does not accept grant_type=client_credentials for this client: ask the EHR team to register ' +
        `${clientRef} as a backend services (system) app`;
      break;
    case 'invalid_scope':
      code = 'ERR_AUTH_SCOPE_REJECTED';
      fix =
        `ask the EHR team to grant ${clientRef} the scopes "${scopeList}", or stop requesting any the EHR ` +
        'does not offer (compare with scopes_supported; v2-only servers drop v1 scopes)';
      break;
    case 'unauthorized_client':
      if (/grant|client_credentials/i.test(oauth?.error_description ?? '')) {
        code = 'ERR_AUTH_CLIENT_REJECTED';
        fix = `ask the EHR team to enable the client_credentials grant (backend / system access) for ${clientRef}`;
      } else {
        // Cerner answers unauthorized_client when a requested scope was never registered for the
        // system account (DESIGN.md section 5, "missing scope").
        code = 'ERR_AUTH_SCOPE_REJECTED';
        fix =
          `ask the EHR team to grant ${clientRef} the scopes "${scopeList}" (Cerner answers ` +
          'unauthorized_client when a requested scope was never registered for the system account)';
      }
      break;
    case 'server_error':
    case 'temporarily_unavailable':
      // RFC 6749 section 4.1.2.1 codes some token endpoints also use
      code = 'ERR_AUTH_TOKEN_ENDPOINT';
      fix = TRANSIENT_FIX;
      break;
    case undefined:
      if (status === 401 || status === 403) {
        code = 'ERR_AUTH_CLIENT_REJECTED';
        fix = `${keyAdvice} (${clientRef}${keyRef})`;
      } else {
        code = 'ERR_AUTH_TOKEN_ENDPOINT';
        fix =
          status >= 500 || status === 429
            ? TRANSIENT_FIX
            : 'the token endpoint answered outside RFC 6749; check that the discovered token_endpoint is right';
      }
      break;
    default:
      code = 'ERR_AUTH_TOKEN_ENDPOINT';
      fix =
        status >= 500
          ? TRANSIENT_FIX
          : `the EHR rejected the token request with "${oauthError}": quote the description to the EHR team ` +
            `for ${clientRef}`;
  }

  const skew = context.skewMs;
  if (skew !== undefined && Math.abs(skew) > CLOCK_SKEW_WARNING_MS && code !== 'ERR_AUTH_TOKEN_ENDPOINT') {
    const seconds = Math.round(Math.abs(skew) / 1000);
    fix += `; note this host's clock is ${seconds} s ${skew > 0 ? 'behind' : 'ahead of'} the EHR's — fix NTP first`;
  }

  const html = looksLikeHtml(response, bodyText);
  const title = html ? htmlTitle(bodyText) : undefined;
  const said =
    oauthError === undefined
      ? html
        ? ` with an HTML page${title ? ` ("${title}")` : ''}`
        : ''
      : `: ${oauthError}${oauth?.error_description ? ` — ${oauth.error_description}` : ''}`;
  return new AuthError(code, `token endpoint ${options.tokenEndpoint} answered HTTP ${status}${said}`, {
    fix,
    endpointStatus: status,
    ...(oauthError === undefined ? {} : { oauthError }),
    ...(oauth?.error_description === undefined
      ? title === undefined
        ? {}
        : { description: title }
      : { description: oauth.error_description }),
    ...retryAfter(response, context.nowMs),
  });
}

function retryAfter(response: Response, nowMs: number): { retryAfterMs?: number } {
  const ms = parseRetryAfterMs(response.headers.get('retry-after'), nowMs);
  return ms === undefined ? {} : { retryAfterMs: ms };
}
