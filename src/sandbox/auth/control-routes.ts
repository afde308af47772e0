// Control routes a test or the fault campaign uses to change the authorization server while it
// runs: register and remove clients, revoke tokens (the "token revocation" fault, DESIGN.md
// section 8), skew the server's clock.

import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ClientRegistry } from './clients.ts';
import type { SandboxClock } from './clock.ts';
import { SandboxAuthError } from './errors.ts';
import type { TokenStore } from './tokens.ts';

export const DEFAULT_CONTROL_PREFIX = '/_sandbox';

export interface ControlRoutesOptions {
  readonly clients: ClientRegistry;
  readonly tokens: TokenStore;
  readonly clock: SandboxClock;
  /** Path prefix of the control routes; `/_sandbox` unless given. */
  readonly controlPrefix?: string;
}

const revokeSchema = z.strictObject({ clientId: z.string().min(1).optional() }).optional();
const clockSchema = z.strictObject({ offsetMs: z.number().int() });

export async function controlRoutesPlugin(
  app: FastifyInstance,
  options: ControlRoutesOptions,
): Promise<void> {
  const { clients, tokens, clock } = options;
  const prefix = options.controlPrefix ?? DEFAULT_CONTROL_PREFIX;

  // Re-registering replaces the client. Tokens already issued keep the scopes they were granted
  // until they expire, as on the real servers; revoke them explicitly to force a new grant.
  app.post(`${prefix}/clients`, async (request, reply) => {
    const existing = clientIdOf(request.body);
    const replacing = existing !== undefined && clients.get(existing) !== undefined;
    try {
      const client = clients.register(request.body);
      return reply.code(replacing ? 200 : 201).send({ clientId: client.clientId });
    } catch (error) {
      if (error instanceof SandboxAuthError) return badRequest(reply, error.message);
      throw error;
    }
  });

  app.get(`${prefix}/clients`, async () => ({
    clients: clients.list().map(({ clientId, personality, allowedScopes, scopeStyle }) => ({
      clientId,
      personality,
      allowedScopes,
      scopeStyle,
    })),
  }));

  app.delete<{ Params: { id: string } }>(`${prefix}/clients/:id`, async (request, reply) => {
    if (!clients.unregister(request.params.id)) return reply.code(404).send({ error: 'not_found' });
    tokens.revoke({ clientId: request.params.id });
    return reply.code(204).send();
  });

  app.post(`${prefix}/tokens/revoke`, async (request, reply) => {
    const parsed = revokeSchema.safeParse(request.body ?? undefined);
    if (!parsed.success) return badRequest(reply, z.prettifyError(parsed.error));
    return { revoked: tokens.revoke(parsed.data ?? {}) };
  });

  app.get(`${prefix}/clock`, async () => clockState(clock));

  app.post(`${prefix}/clock`, async (request, reply) => {
    const parsed = clockSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, z.prettifyError(parsed.error));
    clock.setOffset(parsed.data.offsetMs);
    return clockState(clock);
  });
}

function clientIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('clientId' in body)) return undefined;
  return typeof body.clientId === 'string' ? body.clientId : undefined;
}

function clockState(clock: SandboxClock): { offsetMs: number; now: string } {
  return { offsetMs: clock.offsetMs, now: new Date(clock.now()).toISOString() };
}

function badRequest(reply: FastifyReply, description: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid_request', error_description: description });
}
