// The sandbox FHIR endpoints' authorization hook: checks the bearer token and its scopes for
// each interaction and answers refusals in each vendor's shape (DESIGN.md section 5).

import type { FastifyRequest } from 'fastify';
import { isPersonality, type Personality } from './personality.ts';
import { describeRequiredScope, type Interaction, requiredPermission, scopesPermit } from './scopes.ts';
import type { AccessToken, TokenStore } from './tokens.ts';

export interface AuthorizeContext {
  readonly resourceType?: string;
  readonly interaction: Interaction;
  readonly personality: string;
}

export type AuthorizeResult =
  | { ok: true }
  | { ok: false; status: number; headers?: Record<string, string>; body: unknown };

export type SandboxAuthorizer = (request: FastifyRequest, ctx: AuthorizeContext) => Promise<AuthorizeResult>;

/** Epic sends its 403 for a missing scope sometimes with an OperationOutcome, sometimes empty. */
export type EpicForbiddenBody = 'operation-outcome' | 'empty';

export interface AuthorizerOptions {
  readonly tokens: TokenStore;
  /** Fixed personality; when absent the hook's `ctx.personality` is used (unknown names act as r4). */
  readonly personality?: Personality;
  readonly epicForbiddenBody?: EpicForbiddenBody;
}

const FHIR_JSON = 'application/fhir+json';

export function createAuthorizer(options: AuthorizerOptions): SandboxAuthorizer {
  const epicForbiddenBody = options.epicForbiddenBody ?? 'operation-outcome';
  return async (request, ctx) => {
    const personality = options.personality ?? (isPersonality(ctx.personality) ? ctx.personality : 'r4');
    const permission = requiredPermission({
      interaction: ctx.interaction,
      operation: operationName(request.url),
      method: request.method,
    });
    if (permission === undefined) return { ok: true };

    const token = liveToken(request, options.tokens, personality);
    if (token === undefined) return invalidToken();
    if (scopesPermit(token.scopes, ctx.resourceType, permission)) return { ok: true };

    const scope = describeRequiredScope(ctx.resourceType, permission, token.scopeStyle);
    const diagnostics = `insufficient_scope: the access token does not grant ${scope}`;
    // RFC 6750 section 3.1: the scope auth-param lists the scopes needed for the resource.
    const challenge = `Bearer error="insufficient_scope", scope="${scope}"`;
    if (personality === 'cerner') {
      return {
        ok: false,
        status: 403,
        headers: { 'content-type': FHIR_JSON },
        body: outcome('forbidden', diagnostics),
      };
    }
    if (personality === 'epic' && epicForbiddenBody === 'empty') {
      return { ok: false, status: 403, headers: { 'www-authenticate': challenge }, body: '' };
    }
    return {
      ok: false,
      status: 403,
      headers: { 'www-authenticate': challenge, 'content-type': FHIR_JSON },
      body: outcome('forbidden', diagnostics),
    };
  };
}

function liveToken(
  request: FastifyRequest,
  tokens: TokenStore,
  personality: Personality,
): AccessToken | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const token = tokens.find(match[1]);
  // A token is good only at the server that issued it.
  return token?.personality === personality ? token : undefined;
}

// RFC 6750 section 3.1. Sent for a missing token too, so a client always sees the same
// challenge for "get a new token".
function invalidToken(): AuthorizeResult {
  return {
    ok: false,
    status: 401,
    headers: {
      'www-authenticate':
        'Bearer error="invalid_token", error_description="the access token is missing, expired or revoked"',
      'content-type': FHIR_JSON,
    },
    // FHIR R4 IssueType `login`: the client needs to authenticate again.
    body: outcome('login', 'invalid_token: the access token is missing, expired or revoked'),
  };
}

function outcome(code: 'forbidden' | 'login', diagnostics: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, diagnostics }],
  };
}

/** `$find` in `/api/FHIR/STU3/Appointment/$find?x=y` is operation `find`. */
function operationName(url: string): string | undefined {
  const path = url.split('?', 1)[0];
  const segment = path.split('/').findLast((part) => part.startsWith('$') || part.startsWith('%24'));
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment).slice(1);
  } catch {
    return undefined;
  }
}
