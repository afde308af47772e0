// Test harness for the sandbox authorization server: a real fastify app on 127.0.0.1:0 with the
// token endpoints of all three personalities, a probe route that runs the authorization hook, a
// second server hosting JWK Set URLs, and helpers that sign client assertions with keys
// generated at test time (never written to disk).

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import {
  CLIENT_ASSERTION_TYPE,
  createSandboxAuth,
  type SandboxAuth,
  type SandboxAuthOptions,
} from '../../src/sandbox/auth/index.ts';
import type { Interaction } from '../../src/sandbox/auth/scopes.ts';

export const EPIC_TOKEN_PATH = '/oauth2/token';
export const CERNER_TOKEN_PATH = '/tenants/:tenant/protocols/oauth2/profiles/smart-v1/token';
export const R4_TOKEN_PATH = '/auth/token';

/** A fixed instant for the server clock, so JWT times are exact (STYLE.md rule 14). */
export const T0_MS = Date.parse('2030-03-04T09:00:00.000Z');
export const T0_S = T0_MS / 1_000;

export interface SigningKey {
  readonly alg: 'RS384' | 'ES384';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function generateSigningKey(
  alg: 'RS384' | 'ES384',
  kid: string = randomUUID(),
): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, privateKey, publicJwk };
}

export interface AssertionInput {
  readonly key: SigningKey;
  readonly clientId: string;
  readonly aud: string;
  /** Seconds since the epoch; defaults to the harness clock. */
  readonly iat?: number;
  readonly exp?: number;
  readonly nbf?: number;
  readonly jti?: string;
  readonly iss?: string;
  readonly sub?: string;
  readonly header?: Record<string, unknown>;
}

export async function signAssertion(input: AssertionInput, nowSeconds: number): Promise<string> {
  const iat = input.iat ?? nowSeconds;
  const claims: Record<string, unknown> = { jti: input.jti ?? randomUUID() };
  if (input.nbf !== undefined) claims.nbf = input.nbf;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: input.key.alg, kid: input.key.kid, typ: 'JWT', ...input.header })
    .setIssuer(input.iss ?? input.clientId)
    .setSubject(input.sub ?? input.clientId)
    .setAudience(input.aud)
    .setIssuedAt(iat)
    .setExpirationTime(input.exp ?? iat + 240)
    .sign(input.key.privateKey);
}

export interface TokenResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export interface Harness {
  readonly auth: SandboxAuth;
  readonly baseUrl: string;
  readonly epicTokenUrl: string;
  readonly cernerTokenUrl: string;
  readonly r4TokenUrl: string;
  /** Moves the base clock (the control route's offset comes on top). */
  setNow(ms: number): void;
  nowSeconds(): number;
  /** POSTs a form to a token URL. */
  postForm(
    url: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<TokenResponse>;
  /** Signs an assertion at the harness clock and exchanges it at `tokenUrl`. */
  requestWithAssertion(
    tokenUrl: string,
    input: Omit<AssertionInput, 'aud'> & { aud?: string },
    form?: Record<string, string>,
  ): Promise<TokenResponse>;
  /** Calls the probe route, which runs the authorization hook for one interaction. */
  probe(
    personality: string,
    interaction: Interaction,
    path: string,
    token?: string,
    method?: 'GET' | 'POST',
  ): Promise<{ status: number; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<SandboxAuthOptions> = {}): Promise<Harness> {
  let nowMs = T0_MS;
  const auth = createSandboxAuth({
    endpoints: [
      { personality: 'epic', path: EPIC_TOKEN_PATH },
      { personality: 'cerner', path: CERNER_TOKEN_PATH },
      { personality: 'r4', path: R4_TOKEN_PATH },
    ],
    now: () => nowMs,
    ...options,
  });
  const app = Fastify();
  await app.register(auth.plugin);
  app.route<{ Params: { personality: string; interaction: Interaction; '*': string } }>({
    method: ['GET', 'POST'],
    url: '/probe/:personality/:interaction/*',
    handler: async (request, reply) => {
      const resourceType = request.params['*'].split('/')[0] || undefined;
      const result = await auth.authorize(request, {
        resourceType,
        interaction: request.params.interaction,
        personality: request.params.personality,
      });
      if (result.ok) return { ok: true };
      return reply
        .code(result.status)
        .headers(result.headers ?? {})
        .send(result.body);
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = serverUrl(app);

  const postForm: Harness['postForm'] = async (url, form, headers = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };

  return {
    auth,
    baseUrl,
    epicTokenUrl: baseUrl + EPIC_TOKEN_PATH,
    cernerTokenUrl: `${baseUrl}/tenants/ec2458f2/protocols/oauth2/profiles/smart-v1/token`,
    r4TokenUrl: baseUrl + R4_TOKEN_PATH,
    setNow(ms) {
      nowMs = ms;
    },
    nowSeconds: () => Math.floor(auth.clock.now() / 1_000),
    postForm,
    async requestWithAssertion(tokenUrl, input, form = {}) {
      const assertion = await signAssertion(
        { aud: tokenUrl, ...input },
        Math.floor(auth.clock.now() / 1_000),
      );
      return postForm(tokenUrl, {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: assertion,
        ...form,
      });
    },
    async probe(personality, interaction, path, token, method = 'GET') {
      const response = await fetch(`${baseUrl}/probe/${personality}/${interaction}/${path}`, {
        method,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    close: () => app.close(),
  };
}

/** A second server that hosts JWK Sets by path, and an HTML page where a JWK Set should be. */
export interface JwksHost {
  readonly baseUrl: string;
  /** Publishes (or replaces) the JWK Set at `/{name}.json`, returning its URL. */
  publish(name: string, keys: readonly SigningKey[]): string;
  /** A URL answering 200 with an HTML page, as a misconfigured JWK Set URL does. */
  readonly htmlUrl: string;
  fetchCount(name: string): number;
  close(): Promise<void>;
}

export async function startJwksHost(): Promise<JwksHost> {
  const sets = new Map<string, { keys: JWK[] }>();
  const fetches = new Map<string, number>();
  const app: FastifyInstance = Fastify();
  app.get<{ Params: { name: string } }>('/jwks/:name', async (request, reply) => {
    const name = request.params.name.replace(/\.json$/, '');
    fetches.set(name, (fetches.get(name) ?? 0) + 1);
    const set = sets.get(name);
    if (set === undefined) return reply.code(404).send({ error: 'not found' });
    return reply.type('application/json').send(set);
  });
  app.get('/login', async (_request, reply) =>
    reply.type('text/html').send('<!doctype html><html><body><h1>Sign in</h1></body></html>'),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = serverUrl(app);
  return {
    baseUrl,
    publish(name, keys) {
      sets.set(name, { keys: keys.map((key) => key.publicJwk) });
      return `${baseUrl}/jwks/${name}.json`;
    },
    htmlUrl: `${baseUrl}/login`,
    fetchCount: (name) => fetches.get(name) ?? 0,
    close: () => app.close(),
  };
}

export function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

function serverUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new TypeError('server is not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}
