import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpSessions, type McpSession } from './mcp-sessions.ts';

function session(id: string, tenantId: string, lastSeenMs: number): McpSession & { closed: () => boolean } {
  const server = new Server({ name: 'test', version: '0' }, { capabilities: { tools: {} } });
  let closed = false;
  server.onclose = () => {
    closed = true;
  };
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id });
  // A connected server, as the channel holds it, so close() reaches the transport.
  void server.connect(transport);
  return { id, tenantId, server, transport, lastSeenMs, closed: () => closed };
}

describe('MCP sessions', () => {
  it('answers a session only to the tenant that opened it', () => {
    const sessions = createMcpSessions({ now: () => 0 });
    sessions.add(session('s1', 'valley', 0));
    assert.ok(sessions.get('s1', 'valley'));
    assert.equal(sessions.get('s1', 'hillside'), undefined);
    assert.equal(sessions.get('nope', 'valley'), undefined);
  });

  it('closes sessions idle past the limit and keeps the ones in use', async () => {
    let now = 0;
    const sessions = createMcpSessions({ idleMs: 1_000, now: () => now });
    const idle = session('idle', 'valley', 0);
    const busy = session('busy', 'valley', 0);
    sessions.add(idle);
    sessions.add(busy);
    now = 900;
    sessions.get('busy', 'valley');
    now = 1_500;
    assert.equal(await sessions.sweep(), 1);
    assert.equal(idle.closed(), true);
    assert.equal(busy.closed(), false);
    assert.equal(sessions.get('idle', 'valley'), undefined);
    assert.equal(sessions.size, 1);
    await sessions.closeAll();
    assert.equal(busy.closed(), true);
  });

  it('caps the open sessions of one tenant without touching the others', async () => {
    const sessions = createMcpSessions({ maxPerTenant: 2, now: () => 0 });
    sessions.add(session('a1', 'valley', 0));
    assert.equal(sessions.hasRoomFor('valley'), true);
    sessions.add(session('a2', 'valley', 0));
    assert.equal(sessions.hasRoomFor('valley'), false);
    assert.equal(sessions.hasRoomFor('hillside'), true);
    await sessions.close('a1');
    assert.equal(sessions.hasRoomFor('valley'), true);
    await sessions.closeAll();
  });
});
