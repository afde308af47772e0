// The sandbox's client registry: the apps an administrator registered with the EHR, with their
// keys and the scopes they were granted. Tests register and remove clients at runtime, so "the
// scope was never granted" is built exactly as it happens in production.

import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { SandboxAuthError } from './errors.ts';
import { PERSONALITIES } from './personality.ts';

/** How long a JWK Set URL may take to answer (the real servers fetch it while the client waits). */
export const DEFAULT_JWKS_TIMEOUT_MS = 2_000;

/**
 * How long after a fetch an assertion with an unknown `kid` may trigger another fetch of the
 * client's JWK Set URL. jose's default is 30 s; the sandbox re-fetches at once so key-rotation
 * tests need no waiting.
 */
export const DEFAULT_JWKS_COOLDOWN_MS = 0;

// Private JWK members (RFC 7518 sections 6.2.2, 6.3.2, 6.4): a registered JWK Set holds public keys.
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const jwkSchema = z
  .looseObject({ kty: z.string().min(1), kid: z.string().min(1).optional() })
  .refine((jwk) => PRIVATE_JWK_MEMBERS.every((member) => !(member in jwk)), {
    message: 'JWK Sets registered with the sandbox hold public keys only',
  });

export const sandboxClientSchema = z.strictObject({
  clientId: z.string().min(1),
  personality: z.enum(PERSONALITIES),
  auth: z
    .strictObject({
      jwks: z.strictObject({ keys: z.array(jwkSchema).min(1) }).optional(),
      jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
      secret: z.string().min(1).optional(),
    })
    .refine((auth) => auth.jwks !== undefined || auth.jwksUrl !== undefined || auth.secret !== undefined, {
      message: 'give jwks, jwksUrl or secret',
    })
    .refine((auth) => auth.jwks === undefined || auth.jwksUrl === undefined, {
      message: 'give jwks or jwksUrl, not both',
    }),
  allowedScopes: z.array(z.string().min(1)),
  scopeStyle: z.enum(['v1', 'v2', 'both']),
  /** Overrides the personality's token lifetime for this client's tokens. */
  tokenLifetimeSeconds: z.number().int().positive().optional(),
});

export type SandboxClientInput = z.input<typeof sandboxClientSchema>;
export type SandboxClient = z.output<typeof sandboxClientSchema>;

export interface RegisteredClient {
  readonly client: SandboxClient;
  /** Resolves the verification key by the assertion's `kid`; absent for secret-only clients. */
  readonly getKey: JWTVerifyGetKey | undefined;
}

export interface ClientRegistryOptions {
  readonly jwksTimeoutMs?: number;
  readonly jwksCooldownMs?: number;
  readonly clients?: readonly SandboxClientInput[];
}

export class ClientRegistry {
  readonly #clients = new Map<string, RegisteredClient>();
  readonly #jwksTimeoutMs: number;
  readonly #jwksCooldownMs: number;

  constructor(options: ClientRegistryOptions = {}) {
    this.#jwksTimeoutMs = nonNegativeInteger(
      options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
      'jwksTimeoutMs',
    );
    this.#jwksCooldownMs = nonNegativeInteger(
      options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
      'jwksCooldownMs',
    );
    for (const client of options.clients ?? []) this.register(client);
  }

  /**
   * Adds a client, replacing any client with the same id. Throws `SandboxAuthError`
   * (`ERR_SANDBOX_AUTH_CLIENT_INVALID`) when `input` is not a valid registration.
   */
  register(input: unknown): SandboxClient {
    const parsed = sandboxClientSchema.safeParse(input);
    if (!parsed.success) {
      throw new SandboxAuthError('ERR_SANDBOX_AUTH_CLIENT_INVALID', z.prettifyError(parsed.error), {
        cause: parsed.error,
      });
    }
    const client = parsed.data;
    this.#clients.set(client.clientId, { client, getKey: this.#keyResolver(client) });
    return client;
  }

  unregister(clientId: string): boolean {
    return this.#clients.delete(clientId);
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.#clients.get(clientId);
  }

  list(): SandboxClient[] {
    return [...this.#clients.values()].map((entry) => entry.client);
  }

  #keyResolver(client: SandboxClient): JWTVerifyGetKey | undefined {
    const { jwks, jwksUrl } = client.auth;
    if (jwksUrl !== undefined) {
      // createRemoteJWKSet picks the key by `kid` and re-fetches the set when the kid is unknown,
      // as Epic does for backend apps registered with a JWK Set URL (DESIGN.md section 5).
      return createRemoteJWKSet(new URL(jwksUrl), {
        timeoutDuration: this.#jwksTimeoutMs,
        cooldownDuration: this.#jwksCooldownMs,
      });
    }
    if (jwks !== undefined) {
      try {
        return createLocalJWKSet(jwks as JSONWebKeySet);
      } catch (cause) {
        throw new SandboxAuthError('ERR_SANDBOX_AUTH_CLIENT_INVALID', 'auth.jwks is not a JWK Set', {
          cause,
        });
      }
    }
    return undefined;
  }
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new SandboxAuthError('ERR_SANDBOX_AUTH_OPTIONS', `${name} must be a non-negative integer`);
  }
  return value;
}
