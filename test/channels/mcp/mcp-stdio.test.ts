// `ehrgate mcp` over stdio, driven by the SDK's own client (StdioClientTransport spawning
// `node src/cli/main.ts mcp`), against a sandbox EHR in this process: a full call, and a repeated
// booking call that books once (issue 6, "Done when").
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REPO_ROOT } from '../../support/fixtures.ts';
import {
  GATEWAY_ENV,
  type GatewayFixture,
  runFullCall,
  startGatewayFixture,
} from '../http/gateway-support.ts';
import { INITIALIZE } from './initialize.ts';

let fixture: GatewayFixture;
let client: Client;
let stderr = '';

before(async () => {
  fixture = await startGatewayFixture();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      join(REPO_ROOT, 'src/cli/main.ts'),
      'mcp',
      '--config',
      fixture.configPath,
      '--call-id',
      'stdio-call-1',
    ],
    cwd: REPO_ROOT,
    env: { ...getDefaultEnvironment(), ...GATEWAY_ENV, LOG_LEVEL: 'warn' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(transport);
});
after(async () => {
  await client?.close();
  await fixture?.close();
});

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

describe('ehrgate mcp (stdio)', () => {
  it('lists the tools of the configured tenant', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ['find_patient', 'find_slots', 'book_appointment', 'record_intake', 'end_call']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}; stderr: ${stderr}`);
    }
  });

  it('books once when the model repeats the same booking call', async () => {
    const caller = fixture.caller(7);
    const verified = await call('find_patient', { name: caller.name, birthDate: caller.birthDate });
    assert.equal((verified.structuredContent as { status: string }).status, 'verified', stderr);
    const slots = (await call('find_slots', { visitType: 'new-patient' })).structuredContent as {
      offers: { offer: string }[];
    };
    assert.ok(slots.offers[0]);
    const before = fixture.bookedFor(caller.id);
    const args = { offer: slots.offers[0].offer };
    const first = await call('book_appointment', args);
    const second = await call('book_appointment', args);
    assert.equal((first.structuredContent as { status: string }).status, 'confirmed');
    assert.deepEqual(second.structuredContent, first.structuredContent);
    assert.equal(fixture.bookedFor(caller.id) - before, 1);
  });

  it('drives a full call: verify, find slots, book, intake, insurance, end', async () => {
    // One stdio process is one call (--call-id); the earlier test's caller is replaced by this one.
    await runFullCall(fixture, fixture.caller(8), async (name, args) => {
      const result = await call(name, args);
      assert.ok(result.structuredContent, JSON.stringify(result));
      assert.equal(
        result.content[0]?.type === 'text' && result.content[0].text,
        (result.structuredContent as { say: string }).say,
      );
      return result.structuredContent as Record<string, unknown>;
    });
  });
  it('answers a line that is not JSON, or not a JSON-RPC message, with an error and serves the next line', {
    timeout: 30_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'src/cli/main.ts'), 'mcp', '--config', fixture.configPath, '--call-id', 'stdio-raw-1'],
      { cwd: REPO_ROOT, env: { ...getDefaultEnvironment(), ...GATEWAY_ENV, LOG_LEVEL: 'warn' } },
    );
    let childErr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      childErr += chunk.toString('utf8');
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const line = await lines.next();
      assert.equal(line.done, false, childErr);
      return JSON.parse(line.value as string) as {
        jsonrpc: string;
        id: unknown;
        error?: { code: number; message: string };
        result?: { tools: unknown[] };
      };
    };
    try {
      child.stdin.write('{bad json\n');
      const parse = await next();
      assert.equal(parse.jsonrpc, '2.0');
      assert.equal(parse.id, null);
      assert.equal(parse.error?.code, -32700);
      child.stdin.write('[1,2]\n');
      const invalid = await next();
      assert.equal(invalid.id, null);
      assert.equal(invalid.error?.code, -32600);
      child.stdin.write(`${INITIALIZE}\n`);
      assert.equal((await next()).id, 1);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })}\n`);
      const list = await next();
      assert.equal(list.id, 2);
      assert.ok((list.result?.tools.length ?? 0) > 0);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    }
  });
});
