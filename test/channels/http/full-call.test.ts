// A full call through the plain HTTP channel of a running gateway (startGateway with a config
// file) against the sandbox EHR (issue 6, "Done when").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
});
