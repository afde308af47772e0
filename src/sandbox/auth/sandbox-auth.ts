// The sandbox authorization server assembled: one clock, client registry, token table and jti
// cache shared by the token endpoints, the control routes and the FHIR authorization hook.

import type { FastifyInstance } from 'fastify';
import { type AuthorizerOptions, createAuthorizer, type SandboxAuthorizer } from './authorize.ts';
import { ClientRegistry, type SandboxClientInput } from './clients.ts';
import { createSandboxClock, type SandboxClock } from './clock.ts';
import { type ControlRoutesOptions, controlRoutesPlugin } from './control-routes.ts';
import { JtiReplayCache } from './jti-replay-cache.ts';
import type { Personality } from './personality.ts';
import { type TokenEndpointRoute, tokenEndpointPlugin } from './token-endpoint.ts';
import { TokenStore } from './tokens.ts';

export interface SandboxAuthOptions {
  readonly endpoints: readonly TokenEndpointRoute[];
  /** Clients registered at start; more can be added through `clients` or `POST /_sandbox/clients`. */
  readonly clients?: readonly SandboxClientInput[];
  /** Base clock (default `Date.now`); the control route adds its offset on top. */
  readonly now?: () => number;
  readonly lifetimesSeconds?: Partial<Record<Personality, number>>;
  readonly clockLeewaySeconds?: number;
  readonly jwksTimeoutMs?: number;
  readonly jwksCooldownMs?: number;
  readonly controlPrefix?: ControlRoutesOptions['controlPrefix'];
  readonly epicForbiddenBody?: AuthorizerOptions['epicForbiddenBody'];
}

export interface SandboxAuth {
  readonly clock: SandboxClock;
  readonly clients: ClientRegistry;
  readonly tokens: TokenStore;
  /** Registers the token endpoints and the control routes: `app.register(auth.plugin)`. */
  readonly plugin: (app: FastifyInstance) => Promise<void>;
  /** The FHIR endpoints' authorization hook; the personality comes from the hook's context. */
  readonly authorize: SandboxAuthorizer;
}

export function createSandboxAuth(options: SandboxAuthOptions): SandboxAuth {
  const clock = createSandboxClock({ now: options.now });
  const clients = new ClientRegistry({
    clients: options.clients,
    jwksTimeoutMs: options.jwksTimeoutMs,
    jwksCooldownMs: options.jwksCooldownMs,
  });
  const tokens = new TokenStore({ clock });
  const replay = new JtiReplayCache({ clock });
  const plugin = async (app: FastifyInstance): Promise<void> => {
    await app.register(tokenEndpointPlugin, {
      clients,
      tokens,
      clock,
      replay,
      endpoints: options.endpoints,
      lifetimesSeconds: options.lifetimesSeconds,
      clockLeewaySeconds: options.clockLeewaySeconds,
    });
    await app.register(controlRoutesPlugin, { clients, tokens, clock, controlPrefix: options.controlPrefix });
  };
  const authorize = createAuthorizer({ tokens, epicForbiddenBody: options.epicForbiddenBody });
  return Object.freeze({ clock, clients, tokens, plugin, authorize });
}
