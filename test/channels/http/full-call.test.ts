// A full call through the plain HTTP channel of a running gateway (startGateway with a config
// file) against the sandbox EHR (issue 6, "Done when").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CALL_ID_RULE } from '../../../src/channels/lib/call-id.ts';
import type { RunningGateway } from '../../../src/server/start-gateway.ts';
import { GATEWAY_KEYS, type GatewayFixture, runFullCall, startGatewayFixture } from './gateway-support.ts';

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

describe('plain HTTP channel on the running gateway', () => {
  it('verifies the caller, finds slots, books, records intake and insurance, and ends the call', async () => {
    await runFullCall(fixture, fixture.caller(4), async (name, args) => {
      const response = await fetch(`${gateway.url}/v1/calls/http-full-call-1/tools/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
        body: JSON.stringify(args),
      });
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, 200, `${name}: ${JSON.stringify(body)}`);
      return body;
    });
  });

  it('checks a long call id against its own rule, and answers unknown routes in the channel error shape', async () => {
    const post = (callId: string) =>
      fetch(`${gateway.url}/v1/calls/${callId}/tools/find_slots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEYS.http}` },
        body: JSON.stringify({ visitType: 'follow-up' }),
      });
    // 128 characters is a valid call id; fastify's default limit on a path parameter is 100.
    const longest = await post(`c${'a'.repeat(127)}`);
    assert.equal(longest.status, 200, JSON.stringify(await longest.clone().json()));
    const tooLong = await post(`c${'a'.repeat(128)}`);
    assert.equal(tooLong.status, 400);
    assert.deepEqual(await tooLong.json(), {
      error: { code: 'invalid_request', message: `callId: expected ${CALL_ID_RULE}` },
    });
    const unknown = await fetch(`${gateway.url}/openai/tool-call`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(await unknown.json(), {
      error: { code: 'not_found', message: 'no route GET /openai/tool-call' },
    });
  });
});
