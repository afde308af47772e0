// The sandbox's token endpoint: the SMART Backend Services client_credentials grant
// (https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html), one route per path and
// personality, answering as the vendors do (DESIGN.md section 5).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CLIENT_ASSERTION_TYPE,
  DEFAULT_CLOCK_LEEWAY_SECONDS,
  verifyClientAssertion,
} from './client-assertion.ts';
import { parseBasicAuthorization, secretMatches } from './client-secret.ts';
import type { ClientRegistry, RegisteredClient } from './clients.ts';
import type { SandboxClock } from './clock.ts';
import { OAuthError, SandboxAuthError } from './errors.ts';
import { JtiReplayCache } from './jti-replay-cache.ts';
import { isPersonality, type Personality } from './personality.ts';
import { grantScopes } from './scopes.ts';
import type { TokenStore } from './tokens.ts';

/**
 * Access token lifetimes of the real servers: Epic backend tokens last about an hour, Cerner's
 * 570 s (DESIGN.md section 5); a plain R4 server is given Epic's hour.
 */
export const DEFAULT_TOKEN_LIFETIME_SECONDS: Readonly<Record<Personality, number>> = Object.freeze({
  epic: 3_600,
  cerner: 570,
  r4: 3_600,
});

export interface TokenEndpointRoute {
  readonly personality: Personality;
  /** Route path, fastify syntax (`/tenants/:tenant/protocols/oauth2/profiles/smart-v1/token`). */
  readonly path: string;
  /**
   * The `aud` assertions must carry. Defaults to this server's own URL for the request
   * (`protocol://host/path`), which is what a client that discovered the endpoint sends.
   */
  readonly audience?: string;
}

export interface TokenEndpointOptions {
  readonly clients: ClientRegistry;
  readonly tokens: TokenStore;
  readonly clock: SandboxClock;
  readonly endpoints: readonly TokenEndpointRoute[];
  readonly lifetimesSeconds?: Partial<Record<Personality, number>>;
  readonly clockLeewaySeconds?: number;
  /** Shared replay cache, when several plugin instances must refuse each other's jti. */
  readonly replay?: JtiReplayCache;
}

// RFC 6749 section 5.1: token responses "MUST include" these.
const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export async function tokenEndpointPlugin(
  app: FastifyInstance,
  options: TokenEndpointOptions,
): Promise<void> {
  const lifetimes = resolveLifetimes(options.lifetimesSeconds);
  const leewaySeconds = options.clockLeewaySeconds ?? DEFAULT_CLOCK_LEEWAY_SECONDS;
  if (!Number.isInteger(leewaySeconds) || leewaySeconds < 0) {
    throw new SandboxAuthError(
      'ERR_SANDBOX_AUTH_OPTIONS',
      'clockLeewaySeconds must be a non-negative integer',
    );
  }
  const replay = options.replay ?? new JtiReplayCache({ clock: options.clock });

  // Token requests are form-encoded (RFC 6749 section 4.4.2). Within this plugin's scope every
  // other body reaches the handler unparsed, so it can answer in the OAuth shape, not fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) => {
    done(null, new URLSearchParams(body as string));
  });
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    const status = (error as { statusCode?: unknown }).statusCode;
    const oauth =
      typeof status === 'number' && status >= 400 && status < 500
        ? new OAuthError('invalid_request', 'the request could not be read')
        : new OAuthError('server_error', 'the authorization server failed', { cause: error });
    return sendOAuthError(reply, oauth);
  });

  for (const endpoint of options.endpoints) {
    if (!isPersonality(endpoint.personality)) {
      throw new SandboxAuthError(
        'ERR_SANDBOX_AUTH_OPTIONS',
        `unknown personality ${String(endpoint.personality)}`,
      );
    }
    app.post(endpoint.path, async (request, reply) => {
      const params = formParams(request);
      const grantType = params.get('grant_type');
      if (grantType === null) throw new OAuthError('invalid_request', 'grant_type is required');
      if (grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'only client_credentials is supported');
      }
      const { client } = await authenticateClient(request, params, endpoint, {
        ...options,
        replay,
        leewaySeconds,
      });
      const scopeParam = params.get('scope');
      const scopes = grantScopes({
        requested: scopeParam === null ? undefined : scopeParam.split(' ').filter((scope) => scope !== ''),
        allowedScopes: client.allowedScopes,
        scopeStyle: client.scopeStyle,
        personality: endpoint.personality,
      });
      const lifetimeSeconds = client.tokenLifetimeSeconds ?? lifetimes[endpoint.personality];
      const issued = options.tokens.issue({
        clientId: client.clientId,
        personality: endpoint.personality,
        scopes,
        scopeStyle: client.scopeStyle,
        lifetimeSeconds,
      });
      return reply.headers(NO_STORE_HEADERS).send({
        access_token: issued.token,
        token_type: 'Bearer',
        expires_in: lifetimeSeconds,
        scope: scopes.join(' '),
      });
    });
  }
}

function resolveLifetimes(overrides: Partial<Record<Personality, number>> = {}): Record<Personality, number> {
  const lifetimes = { ...DEFAULT_TOKEN_LIFETIME_SECONDS, ...overrides };
  for (const [personality, seconds] of Object.entries(lifetimes)) {
    if (!Number.isInteger(seconds) || seconds <= 0) {
      throw new SandboxAuthError(
        'ERR_SANDBOX_AUTH_OPTIONS',
        `token lifetime for ${personality} must be a positive integer`,
      );
    }
  }
  return Object.freeze(lifetimes);
}

function formParams(request: FastifyRequest): URLSearchParams {
  if (!(request.body instanceof URLSearchParams)) {
    throw new OAuthError('invalid_request', `the body must be ${FORM_CONTENT_TYPE}`);
  }
  // RFC 6749 section 3.2: "Request and response parameters MUST NOT be included more than once."
  for (const name of new Set(request.body.keys())) {
    if (request.body.getAll(name).length > 1) throw new OAuthError('invalid_request', `${name} is repeated`);
  }
  return request.body;
}

interface AuthenticateOptions extends TokenEndpointOptions {
  readonly replay: JtiReplayCache;
  readonly leewaySeconds: number;
}

async function authenticateClient(
  request: FastifyRequest,
  params: URLSearchParams,
  endpoint: TokenEndpointRoute,
  options: AuthenticateOptions,
): Promise<RegisteredClient> {
  const authorization = request.headers.authorization;
  const assertion = params.get('client_assertion');
  const clientIdParam = params.get('client_id') ?? undefined;
  if (authorization !== undefined && assertion !== null) {
    // RFC 6749 section 2.3: "The client MUST NOT use more than one authentication method in each request."
    throw new OAuthError('invalid_request', 'use either client_secret_basic or client_assertion, not both');
  }
  if (authorization !== undefined) {
    return authenticateWithSecret(authorization, endpoint.personality, clientIdParam, options.clients);
  }
  if (assertion !== null) {
    if (params.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    }
    return verifyClientAssertion(assertion, {
      clients: options.clients,
      replay: options.replay,
      personality: endpoint.personality,
      audience: endpoint.audience ?? ownUrl(request),
      nowMs: options.clock.now(),
      leewaySeconds: options.leewaySeconds,
      clientIdParam,
    });
  }
  throw new OAuthError('invalid_client', 'no client authentication was sent');
}

function authenticateWithSecret(
  authorization: string,
  personality: Personality,
  clientIdParam: string | undefined,
  clients: ClientRegistry,
): RegisteredClient {
  const scheme = authorization.split(' ', 1)[0] || 'Basic';
  // Epic accepts only private_key_jwt from backend apps (DESIGN.md section 5).
  if (personality === 'epic') {
    throw new OAuthError('invalid_client', 'this server accepts only private_key_jwt client authentication', {
      authScheme: scheme,
    });
  }
  const credentials = parseBasicAuthorization(authorization);
  if (credentials === undefined) {
    throw new OAuthError('invalid_client', 'the Authorization header is not HTTP Basic credentials', {
      authScheme: 'Basic',
    });
  }
  const registered = clients.get(credentials.clientId);
  const secret = registered?.client.personality === personality ? registered.client.auth.secret : undefined;
  if (registered === undefined || secret === undefined || !secretMatches(secret, credentials.secret)) {
    throw new OAuthError('invalid_client', 'unknown client or wrong client secret', { authScheme: 'Basic' });
  }
  if (clientIdParam !== undefined && clientIdParam !== credentials.clientId) {
    throw new OAuthError('invalid_client', 'client_id does not match the Basic credentials', {
      authScheme: 'Basic',
    });
  }
  return registered;
}

function ownUrl(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0];
  return `${request.protocol}://${request.host}${path}`;
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  return reply
    .code(error.status)
    .headers({ ...NO_STORE_HEADERS, ...error.headers })
    .send(error.toJSON());
}
