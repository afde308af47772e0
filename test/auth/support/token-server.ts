// A small but real SMART Backend Services authorization server for the auth client's tests. It
// serves a SMART configuration under a FHIR base and a token endpoint that checks a client
// assertion the way an EHR does (SMART App Launch 2.0.0, "Backend Services", "Signature
// verification"): signature through the JWK Set, aud = token URL, iss = sub = client id, exp no
// more than five minutes ahead, jti never seen before. It shares the test's frozen clock.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  type ProtectedHeaderParameters,
} from 'jose';
import { readVendorFixture } from '../../support/fixtures.ts';
import { listen, sendJson } from './http-server.ts';

export const FHIR_PATH = '/r4/tenant-a';
export const TOKEN_PATH = '/tenants/tenant-a/protocols/oauth2/profiles/smart-v1/token';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ScriptedResponse {
  status: number;
  body: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface TokenServerOptions {
  clientId: string;
  now: () => number;
  /** The JWK Set the EHR has for our client (read at each request, as after a re-fetch). */
  jwks?: () => Promise<JSONWebKeySet>;
  clientSecret?: string;
  expiresInS?: number;
  /** The SMART configuration document; defaults to Cerner's R4_WELL_KNOWN with our token URL. */
  smartConfiguration?: (tokenUrl: string) => unknown;
  /** Granted scope string for a requested one; default echoes the request. */
  grant?: (requested: string) => string | undefined;
}

export interface ReceivedAssertion {
  header: ProtectedHeaderParameters;
  payload: JWTPayload;
  raw: string;
}

export interface TokenServer {
  baseUrl: string;
  tokenUrl: string;
  /** Token endpoint hits. */
  readonly tokenRequests: number;
  readonly discoveryRequests: number;
  assertions: ReceivedAssertion[];
  /** Why assertions or secrets were refused, for diagnosing a failing test. */
  rejections: string[];
  issuedTokens: string[];
  /** Answers for the next token requests, in order, instead of verifying and issuing. */
  script: ScriptedResponse[];
  /** While set, token responses wait for it to resolve. */
  gate: Promise<void> | undefined;
  close: () => Promise<void>;
}

function decodeBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 section 2.3.1: each part is application/x-www-form-urlencoded
  const unform = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { id: unform(decoded.slice(0, colon)), secret: unform(decoded.slice(colon + 1)) };
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const seenJti = new Set<string>();
  let tokenRequests = 0;
  let discoveryRequests = 0;
  let origin = '';
  const state: Pick<TokenServer, 'assertions' | 'rejections' | 'issuedTokens' | 'script' | 'gate'> = {
    assertions: [],
    rejections: [],
    issuedTokens: [],
    script: [],
    gate: undefined,
  };
  const tokenUrl = () => `${origin}${TOKEN_PATH}`;

  function reject(res: ServerResponse, error: string, description: string, status = 400) {
    state.rejections.push(`${error}: ${description}`);
    sendJson(res, status, { error, error_description: description });
  }

  const server = await listen(async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'GET' && path === `${FHIR_PATH}/.well-known/smart-configuration`) {
      discoveryRequests += 1;
      const doc = options.smartConfiguration?.(tokenUrl()) ?? {
        ...readVendorFixture<Record<string, unknown>>('cerner/R4_WELL_KNOWN.json'),
        token_endpoint: tokenUrl(),
      };
      sendJson(res, 200, doc);
      return;
    }
    if (req.method !== 'POST' || path !== TOKEN_PATH) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    tokenRequests += 1;
    if (state.gate !== undefined) await state.gate;
    const scripted = state.script.shift();
    if (scripted !== undefined) {
      const isText = typeof scripted.body === 'string';
      res.writeHead(scripted.status, {
        'content-type': isText ? 'text/html; charset=utf-8' : 'application/json',
        ...scripted.headers,
      });
      res.end(isText ? scripted.body : JSON.stringify(scripted.body));
      return;
    }
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      reject(res, 'invalid_request', 'token requests are form-encoded');
      return;
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') {
      reject(res, 'unsupported_grant_type', 'only client_credentials');
      return;
    }
    const basic = decodeBasic(req.headers.authorization);
    if (basic !== undefined) {
      if (basic.id !== options.clientId || basic.secret !== options.clientSecret) {
        reject(res, 'invalid_client', 'unknown client or wrong secret', 401);
        return;
      }
    } else {
      const assertion = form.get('client_assertion');
      if (
        form.get('client_assertion_type') !== JWT_BEARER ||
        assertion === null ||
        options.jwks === undefined
      ) {
        reject(res, 'invalid_client', 'client authentication missing', 401);
        return;
      }
      try {
        const jwks = createLocalJWKSet(await options.jwks());
        const { payload } = await jwtVerify(assertion, jwks, {
          issuer: options.clientId,
          subject: options.clientId,
          audience: tokenUrl(),
          algorithms: ['RS384', 'ES384'],
          typ: 'JWT',
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate: new Date(options.now()),
        });
        const nowS = Math.floor(options.now() / 1000);
        if ((payload.exp as number) - nowS > 300) throw new Error('exp more than 5 minutes ahead');
        const jti = payload.jti as string;
        if (seenJti.has(jti)) throw new Error(`jti ${jti} replayed`);
        seenJti.add(jti);
        state.assertions.push({ header: decodeProtectedHeader(assertion), payload, raw: assertion });
      } catch (error) {
        reject(res, 'invalid_client', error instanceof Error ? error.message : String(error));
        return;
      }
    }
    const requested = form.get('scope') ?? '';
    const granted = options.grant === undefined ? requested : options.grant(requested);
    const accessToken = `at-${tokenRequests}-${randomUUID()}`;
    state.issuedTokens.push(accessToken);
    sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: options.expiresInS ?? 570,
      ...(granted === undefined ? {} : { scope: granted }),
    });
  });
  origin = server.origin;

  return {
    baseUrl: `${origin}${FHIR_PATH}`,
    tokenUrl: tokenUrl(),
    get tokenRequests() {
      return tokenRequests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    get assertions() {
      return state.assertions;
    },
    get rejections() {
      return state.rejections;
    },
    get issuedTokens() {
      return state.issuedTokens;
    },
    get script() {
      return state.script;
    },
    set script(value) {
      state.script = value;
    },
    get gate() {
      return state.gate;
    },
    set gate(value) {
      state.gate = value;
    },
    close: server.close,
  };
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
