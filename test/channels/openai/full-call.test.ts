// A full call of OpenAI `function_call` items through POST /openai/tool-call on a running gateway
// against the sandbox EHR (issue 6, "Done when").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningGateway } from '../../../src/server/start-gateway.ts';
import {
  GATEWAY_KEYS,
  type GatewayFixture,
  runFullCall,
  startGatewayFixture,
} from '../http/gateway-support.ts';

let fixture: GatewayFixture;
let gateway: RunningGateway;

before(async () => {
  fixture = await startGatewayFixture();
  gateway = await fixture.startGateway();
});
after(async () => {
  await gateway?.close();
  await fixture?.close();
});

describe('OpenAI tool-call channel on the running gateway', () => {
  it('runs a full call of function_call items: verify, find slots, book, intake, insurance, end', async () => {
    let seq = 0;
    await runFullCall(fixture, fixture.caller(5), async (name, args) => {
      const callId = `call_${++seq}`;
      const response = await fetch(`${gateway.url}/openai/tool-call`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${GATEWAY_KEYS.http}`,
          'x-call-id': 'openai-full-call-1',
        },
        body: JSON.stringify({
          type: 'function_call',
          id: `fc_${seq}`,
          call_id: callId,
          name,
          arguments: JSON.stringify(args),
        }),
      });
      assert.equal(response.status, 200);
      const item = (await response.json()) as { type: string; call_id: string; output: string };
      assert.equal(item.type, 'function_call_output');
      assert.equal(item.call_id, callId);
      return JSON.parse(item.output) as Record<string, unknown>;
    });
  });
});
