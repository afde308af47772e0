// Set-up for the channel tests (plain HTTP, OpenAI, MCP over HTTP): the router harness of
// test/tools/support.ts (sandbox EHR over real HTTP, fhir-r4 adapter, SQLite store, scheduling
// workflow, the real ToolRouter) behind a real fastify server on 127.0.0.1:0 with the channels
// registered, and the real channel authentication (src/channels/auth) over two tenants with
// their own keys.
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ChannelAuth, createChannelAuth } from '../../../src/channels/auth/index.ts';
import { registerHttpChannel } from '../../../src/channels/http/register-http-channel.ts';
import { registerMcpChannel } from '../../../src/channels/mcp/register-mcp-channel.ts';
import { registerOpenAiChannel } from '../../../src/channels/openai/register-openai-channel.ts';
import type { TenantConfig } from '../../../src/config/types.ts';
import { OTHER_TENANT, startToolHarness, type ToolHarness, verify } from '../../tools/support.ts';

export { OTHER_TENANT, verify };

export const KEYS = {
  http: 'http-key-valley-0123456789abcdef',
  mcp: 'mcp-key-valley-0123456789abcdef',
  otherHttp: 'http-key-hillside-0123456789abcdef',
  otherMcp: 'mcp-key-hillside-0123456789abcdef',
} as const;

/** A small limit so the 413 tests need no large bodies. */
export const BODY_LIMIT_BYTES = 4 * 1024;

/** The slots the sandbox seed has on these days (test/tools/router.test.ts). */
export const SLOT_ARGS = {
  visitType: 'follow-up',
  practitioner: 'dr-alvarez',
  from: '2030-03-05',
  to: '2030-03-08',
} as const;

export type ChannelHarness = ToolHarness & {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly auth: ChannelAuth;
  /** Requests the sandbox EHR has received so far. */
  ehrRequests(): number;
  /** Booked appointments of a patient in the sandbox. */
  bookedFor(patientId: string): number;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
};

export async function startChannelHarness(): Promise<ChannelHarness> {
  const h = await startToolHarness();
  const tenants: TenantConfig[] = [
    { ...h.tenant, channels: { http: { apiKeys: [KEYS.http] }, mcp: { apiKeys: [KEYS.mcp] } } },
    {
      ...h.tenant,
      id: OTHER_TENANT,
      channels: { http: { apiKeys: [KEYS.otherHttp] }, mcp: { apiKeys: [KEYS.otherMcp] } },
    },
  ];
  const auth = createChannelAuth({ tenants, store: h.store });
  const app = Fastify({ logger: false });
  await registerHttpChannel(app, {
    router: h.router,
    auth,
    version: '0.0.0-test',
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  await registerOpenAiChannel(app, { router: h.router, auth, bodyLimitBytes: BODY_LIMIT_BYTES });
  await registerMcpChannel(app, {
    router: h.router,
    auth,
    version: '0.0.0-test',
    bodyLimitBytes: BODY_LIMIT_BYTES,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    ...h,
    app,
    url,
    auth,
    ehrRequests: () => h.sandbox.stats.snapshot().total,
    bookedFor: (patientId) =>
      [...h.sandbox.store.all('Appointment')].filter(
        (a) =>
          (a as { status?: string }).status === 'booked' &&
          (a as { participant?: { actor?: { reference?: string } }[] }).participant?.some(
            (p) => p.actor?.reference === `Patient/${patientId}`,
          ),
      ).length,
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    async close() {
      await app.close();
      await h.close();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
