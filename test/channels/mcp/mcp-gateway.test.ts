// MCP on a running gateway: the SDK's client over streamable HTTP at /mcp, Vapi's X-Call-Id
// naming the call, driving a full call against the sandbox EHR (issue 6, "Done when").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RunningGateway } from '../../../src/server/start-gateway.ts';
import {
  GATEWAY_KEYS,
  type GatewayFixture,
  runFullCall,
  startGatewayFixture,
} from '../http/gateway-support.ts';
import { INITIALIZE } from './initialize.ts';

// A browser-based MCP inspector, allowed by the configuration file (server.mcpAllowedOrigins).
const INSPECTOR = 'http://localhost:6274';

let fixture: GatewayFixture;
let gateway: RunningGateway;
let client: Client | undefined;

before(async () => {
  fixture = await startGatewayFixture({ server: { mcpAllowedOrigins: [INSPECTOR] } });
  gateway = await fixture.startGateway();
});
after(async () => {
  await client?.close();
  await gateway?.close();
  await fixture?.close();
});

describe('MCP over streamable HTTP on the running gateway', () => {
  it('drives a full call named by X-Call-Id: verify, find slots, book, intake, insurance, end', async () => {
    client = new Client({ name: 'vapi-like', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
      requestInit: {
        headers: { authorization: `Bearer ${GATEWAY_KEYS.mcp}`, 'x-call-id': 'vapi-full-call-1' },
      },
    });
    await client.connect(transport);
    await runFullCall(fixture, fixture.caller(6), async (name, args) => {
      const result = (await client!.callTool({ name, arguments: args })) as CallToolResult;
      assert.ok(result.structuredContent, JSON.stringify(result));
      return result.structuredContent as Record<string, unknown>;
    });
    assert.ok(gateway.router.sessions.get(fixture.tenantId, 'vapi-full-call-1'));
  });

  it('serves a browser page from server.mcpAllowedOrigins and refuses any other Origin', async () => {
    const initialize = (origin: string) =>
      fetch(`${gateway.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${GATEWAY_KEYS.mcp}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          origin,
        },
        body: INITIALIZE,
      });
    const allowed = await initialize(INSPECTOR);
    assert.equal(allowed.status, 200, await allowed.clone().text());
    await allowed.body?.cancel();
    const refused = await initialize('http://localhost:6275');
    assert.equal(refused.status, 403);
    assert.equal(
      ((await refused.json()) as { error: { data: { code: string } } }).error.data.code,
      'origin_not_allowed',
    );
  });
});
