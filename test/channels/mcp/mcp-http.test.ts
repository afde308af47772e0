// MCP over streamable HTTP at /mcp, driven by the SDK's own client
// (StreamableHTTPClientTransport), against the real router over the sandbox EHR.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  BODY_LIMIT_BYTES,
  bearer,
  type ChannelHarness,
  KEYS,
  OTHER_TENANT,
  SLOT_ARGS,
  startChannelHarness,
  verify,
} from '../http/support.ts';
import { INITIALIZE } from './initialize.ts';

let h: ChannelHarness;
const clients: Client[] = [];

before(async () => {
  h = await startChannelHarness();
});
after(async () => {
  for (const client of clients) await client.close();
  await h.close();
});

async function connect(headers: Record<string, string> = bearer(KEYS.mcp)): Promise<{
  client: Client;
  transport: StreamableHTTPClientTransport;
}> {
  const client = new Client({ name: 'ehrgate-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${h.url}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function texts(result: CallToolResult): string[] {
  return result.content.map((block) => (block.type === 'text' ? block.text : `<${block.type}>`));
}

async function rpc(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${h.url}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body,
  });
}

type RpcError = { jsonrpc: string; id: unknown; error: { code: number; message: string } };

/** A raw session: initialize, then the initialized notification; the headers of its requests. */
async function openRawSession(): Promise<Record<string, string>> {
  const opened = await rpc(INITIALIZE, bearer(KEYS.mcp));
  assert.equal(opened.status, 200);
  const headers = {
    ...bearer(KEYS.mcp),
    'mcp-session-id': opened.headers.get('mcp-session-id') ?? '',
    'mcp-protocol-version': '2025-06-18',
  };
  await rpc(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), headers);
  return headers;
}

describe('MCP over streamable HTTP', () => {
  it("lists the tenant's tools with object JSON Schemas for input and output", async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((tool) => tool.name).sort(),
      h.router
        .list(h.tenant.id)
        .map((tool) => tool.name)
        .sort(),
    );
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.equal(tool.outputSchema?.type, 'object', tool.name);
      assert.equal('$schema' in tool.inputSchema, false, tool.name);
      assert.ok((tool.description ?? '').length > 20, tool.name);
    }
  });

  it('drives a call in the MCP session: structuredContent plus the say as text, and a repeated call books once', async () => {
    const { client, transport } = await connect();
    const found = (await client.callTool({ name: 'find_slots', arguments: SLOT_ARGS })) as CallToolResult;
    assert.equal(found.isError, false);
    const slots = found.structuredContent as { status: string; say: string; offers: { offer: string }[] };
    assert.equal(slots.status, 'found');
    assert.equal(texts(found)[0], slots.say);
    assert.deepEqual(JSON.parse(texts(found)[1]!), slots);
    assert.ok(slots.offers[0]);

    // Without X-Call-Id the MCP session names the call.
    const callId = transport.sessionId;
    assert.ok(callId);
    const patientId = h.patientId(8);
    await verify(h.router, h.tenant.id, callId, patientId);
    const before = h.bookedFor(patientId);
    const book = { name: 'book_appointment', arguments: { offer: slots.offers[0].offer } };
    const first = (await client.callTool(book)) as CallToolResult;
    assert.equal(first.isError, false);
    assert.equal((first.structuredContent as { status: string }).status, 'confirmed');
    assert.match(texts(first)[0]!, /^You're booked for /);
    // The model calls the same tool again (barge-in, a retry): the first outcome, one booking.
    const second = (await client.callTool(book)) as CallToolResult;
    assert.deepEqual(second.structuredContent, first.structuredContent);
    assert.equal(h.bookedFor(patientId) - before, 1);
  });

  it("names the call by Vapi's X-Call-Id header when present", async () => {
    const { client, transport } = await connect({ ...bearer(KEYS.mcp), 'x-call-id': 'vapi-call-0042' });
    await client.callTool({ name: 'find_slots', arguments: SLOT_ARGS });
    assert.ok(h.router.sessions.get(h.tenant.id, 'vapi-call-0042'));
    assert.equal(h.router.sessions.get(h.tenant.id, transport.sessionId!), undefined);
  });

  it('answers a failed outcome as an isError result that still carries the outcome and its say', async () => {
    const { client, transport } = await connect();
    await verify(h.router, h.tenant.id, transport.sessionId!, h.patientId(9));
    const result = (await client.callTool({
      name: 'book_appointment',
      arguments: { offer: 'not-an-offer' },
    })) as CallToolResult;
    assert.equal(result.isError, true);
    const outcome = result.structuredContent as { status: string; say: string };
    assert.equal(outcome.status, 'failed');
    assert.equal(texts(result)[0], outcome.say);
  });

  it('answers an unknown tool with a JSON-RPC invalid-params error, and bad arguments as an isError result, with no EHR traffic', async () => {
    const { client } = await connect();
    const before = h.ehrRequests();
    await assert.rejects(
      client.callTool({ name: 'find_slot', arguments: SLOT_ARGS }),
      (error: unknown) => error instanceof McpError && error.code === ErrorCode.InvalidParams,
    );
    const wrongType = (await client.callTool({
      name: 'find_slots',
      arguments: { ...SLOT_ARGS, visitType: 7 },
    })) as CallToolResult;
    assert.equal(wrongType.isError, true);
    assert.match(texts(wrongType)[0]!, /^invalid_arguments: .*visitType/);
    const missing = (await client.callTool({ name: 'book_appointment', arguments: {} })) as CallToolResult;
    assert.equal(missing.isError, true);
    assert.match(texts(missing)[0]!, /^invalid_arguments: .*offer/);
    assert.equal(h.ehrRequests(), before);
  });

  it('puts the bare message of a protocol error on the wire, which the client prefixes once', async () => {
    const headers = await openRawSession();
    const raw = await rpc(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'nope', arguments: {} },
      }),
      headers,
    );
    const body = (await raw.json()) as RpcError;
    assert.equal(body.error.code, ErrorCode.InvalidParams);
    assert.match(body.error.message, /^unknown tool "nope"/);

    const { client } = await connect();
    await assert.rejects(client.callTool({ name: 'nope', arguments: {} }), (error: unknown) => {
      assert.ok(error instanceof McpError);
      assert.match(error.message, /^MCP error -32602: unknown tool "nope"/);
      return true;
    });
  });

  it('answers a malformed tools/call with invalid params naming the field, in one line, and serves on', async () => {
    const headers = await openRawSession();
    const cases = [
      [{ arguments: SLOT_ARGS }, 'params.name: required'],
      [{ name: 7, arguments: SLOT_ARGS }, 'params.name: expected string'],
      [{ name: 'find_slots', arguments: 'visitType=follow-up' }, 'params.arguments: expected object'],
    ] as const;
    let id = 10;
    for (const [params, expected] of cases) {
      const raw = await rpc(
        JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params }),
        headers,
      );
      const body = (await raw.json()) as RpcError;
      assert.equal(body.id, id);
      assert.equal(body.error.code, ErrorCode.InvalidParams, body.error.message);
      assert.equal(body.error.message, expected);
    }
    const list = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'tools/list' }), headers);
    assert.ok(((await list.json()) as { result: { tools: unknown[] } }).result.tools.length > 0);
  });

  it('refuses a missing or wrong key with 401 before any session exists', async () => {
    for (const headers of [{}, bearer('wrong'), bearer(KEYS.http)]) {
      await assert.rejects(connect(headers), (error: unknown) => (error as { code?: number }).code === 401);
    }
    const raw = await rpc(INITIALIZE, {});
    assert.equal(raw.status, 401);
    assert.match(raw.headers.get('www-authenticate') ?? '', /^Bearer/);
    const body = (await raw.json()) as { jsonrpc: string; error: { data: { code: string } } };
    assert.equal(body.jsonrpc, '2.0');
    assert.equal(body.error.data.code, 'unauthorized');
  });

  it("does not let another tenant's key use a session: 404 as if it did not exist", async () => {
    const { transport } = await connect();
    const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const headers = { 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-06-18' };
    const theirs = await rpc(list, { ...bearer(KEYS.otherMcp), ...headers });
    assert.equal(theirs.status, 404);
    const mine = await rpc(list, { ...bearer(KEYS.mcp), ...headers });
    assert.equal(mine.status, 200);
    assert.ok(((await mine.json()) as { result: { tools: unknown[] } }).result.tools.length > 0);
  });

  it('refuses a call id of another tenant as a protocol error and records a security event', async () => {
    const shared = 'vapi-call-shared-1';
    const { client: mine } = await connect({ ...bearer(KEYS.mcp), 'x-call-id': shared });
    await mine.callTool({ name: 'find_slots', arguments: SLOT_ARGS });
    const { client: theirs } = await connect({ ...bearer(KEYS.otherMcp), 'x-call-id': shared });
    const before = h.ehrRequests();
    await assert.rejects(
      theirs.callTool({ name: 'find_slots', arguments: SLOT_ARGS }),
      (error: unknown) => error instanceof McpError && error.code === ErrorCode.InvalidRequest,
    );
    assert.equal(h.ehrRequests(), before);
    const audit = await h.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', OTHER_TENANT)
      .where('action', '=', 'security.call_belongs_to_another_tenant')
      .where('actor', '=', 'channel:mcp')
      .execute();
    assert.equal(audit.length, 1);
  });

  it('answers malformed JSON with a JSON-RPC parse error (400) and an oversized body with 413', async () => {
    const malformed = await rpc('{"jsonrpc": "2.0", ', bearer(KEYS.mcp));
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: number } }).error.code, ErrorCode.ParseError);

    const big = await rpc(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', pad: 'x'.repeat(BODY_LIMIT_BYTES) }),
      bearer(KEYS.mcp),
    );
    assert.equal(big.status, 413);
    assert.equal(
      ((await big.json()) as { error: { data: { code: string } } }).error.data.code,
      'payload_too_large',
    );

    const noSession = await rpc(
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
      bearer(KEYS.mcp),
    );
    assert.equal(noSession.status, 400);
  });

  it('closes a session on DELETE, after which it is unknown', async () => {
    const { client, transport } = await connect();
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    const after = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }), {
      ...bearer(KEYS.mcp),
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    });
    assert.equal(after.status, 404);
    await client.close();
  });
});
