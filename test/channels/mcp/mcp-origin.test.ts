// The Origin check of /mcp (MCP 2025-11-25, basic/transports, Streamable HTTP "Security Warning":
// a server MUST validate Origin and answer 403 to an invalid one, against DNS rebinding). Voice
// platforms call server to server and send no Origin; a browser page always does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerMcpChannel } from '../../../src/channels/mcp/register-mcp-channel.ts';
import { bearer, type ChannelHarness, KEYS, startChannelHarness } from '../http/support.ts';
import { INITIALIZE } from './initialize.ts';

const ALLOWED = 'https://console.example-voice.test';

let h: ChannelHarness;
let listed: FastifyInstance;
let listedUrl: string;

before(async () => {
  h = await startChannelHarness();
  listed = Fastify({ logger: false });
  await registerMcpChannel(listed, { router: h.router, auth: h.auth, allowedOrigins: [`${ALLOWED}/`] });
  listedUrl = await listed.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await listed?.close();
  await h?.close();
});

async function initialize(base: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: INITIALIZE,
  });
}

type Refusal = {
  jsonrpc: string;
  id: unknown;
  error: { code: number; message: string; data: { code: string } };
};

async function assertForbidden(response: Response, origin: string): Promise<void> {
  assert.equal(response.status, 403);
  const body = (await response.json()) as Refusal;
  assert.equal(body.jsonrpc, '2.0');
  assert.equal(body.id, null);
  assert.equal(body.error.data.code, 'origin_not_allowed');
  assert.ok(body.error.message.includes(origin), body.error.message);
}

describe('MCP over streamable HTTP: Origin', () => {
  it('serves a server-to-server request that sends no Origin', async () => {
    const response = await initialize(h.url, bearer(KEYS.mcp));
    assert.equal(response.status, 200);
    assert.ok(response.headers.get('mcp-session-id'));
  });

  it('refuses an Origin naming the host it was sent to, as a DNS-rebound page would send', async () => {
    // Under DNS rebinding the browser's Origin and the Host header both name the attacker's
    // domain, so "same as Host" proves nothing: only a listed Origin is served.
    await assertForbidden(await initialize(h.url, { ...bearer(KEYS.mcp), origin: h.url }), h.url);
  });

  it('refuses a foreign or opaque Origin with 403 before the credential is even looked at', async () => {
    for (const origin of ['http://attacker.test', 'null', 'http://127.0.0.1:1', 'not a url']) {
      await assertForbidden(await initialize(h.url, { ...bearer(KEYS.mcp), origin }), origin);
    }
    // No key at all: the Origin refusal comes first (a 401 would confirm the endpoint exists).
    await assertForbidden(
      await initialize(h.url, { origin: 'http://attacker.test' }),
      'http://attacker.test',
    );
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${h.url}/mcp`, {
        method,
        headers: { ...bearer(KEYS.mcp), origin: 'http://attacker.test' },
      });
      await assertForbidden(response, 'http://attacker.test');
    }
  });

  it('serves an Origin from the allowlist the channel was registered with, and only those', async () => {
    assert.equal((await initialize(listedUrl, { ...bearer(KEYS.mcp), origin: ALLOWED })).status, 200);
    await assertForbidden(
      await initialize(listedUrl, { ...bearer(KEYS.mcp), origin: 'https://other.example-voice.test' }),
      'https://other.example-voice.test',
    );
    await assertForbidden(await initialize(h.url, { ...bearer(KEYS.mcp), origin: ALLOWED }), ALLOWED);
  });

  it('refuses an allowlist entry that is not an origin when the channel is registered', async () => {
    const app = Fastify({ logger: false });
    await assert.rejects(
      registerMcpChannel(app, { router: h.router, auth: h.auth, allowedOrigins: ['*.example.test'] }),
      (error: unknown) => (error as { code?: string }).code === 'ERR_CONFIG_INVALID',
    );
    await app.close();
  });
});
