// `ehrgate tools --format openai`: the tenant's catalog in each OpenAI API's documented tool shape,
// ready to paste into a request's `tools` (Chat Completions, Responses) or a Realtime session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../support/cli.ts';
import { GATEWAY_ENV, type GatewayFixture, startGatewayFixture } from '../http/gateway-support.ts';

let fixture: GatewayFixture;

before(async () => {
  fixture = await startGatewayFixture();
});
after(() => fixture.close());

async function tools(args: string[]): Promise<unknown> {
  const result = await runCli(['tools', '--config', fixture.configPath, ...args], { env: GATEWAY_ENV });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('ehrgate tools', () => {
  it('prints Chat Completions tools as {type, function: {name, description, parameters}}', async () => {
    const chat = (await tools(['--format', 'openai', '--api', 'chat'])) as {
      type: string;
      function: { name: string; description: string; parameters: { type: string } };
    }[];
    assert.ok(chat.some((tool) => tool.function.name === 'book_appointment'));
    for (const tool of chat) {
      assert.equal(tool.type, 'function');
      assert.equal(tool.function.parameters.type, 'object');
      assert.ok(tool.function.description.length > 20);
    }
  });

  it('prints all three APIs at once without --api, Responses and Realtime flat', async () => {
    const all = (await tools([])) as Record<string, { type: string; name?: string; parameters?: unknown }[]>;
    assert.deepEqual(Object.keys(all).sort(), ['chat', 'realtime', 'responses']);
    for (const api of ['responses', 'realtime'] as const) {
      for (const tool of all[api]!) {
        assert.equal(tool.type, 'function');
        assert.equal(typeof tool.name, 'string');
        assert.ok(tool.parameters);
      }
    }
    assert.deepEqual(
      all.responses!.map((tool) => tool.name),
      all.realtime!.map((tool) => tool.name),
    );
  });

  it('refuses an unknown tenant with exit code 2 naming the tenants there are', async () => {
    const result = await runCli(['tools', '--config', fixture.configPath, '--tenant', 'nowhere'], {
      env: GATEWAY_ENV,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no tenant "nowhere" \(have valley\)/);
  });
});
