import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TenantConfig } from '../../config/types.ts';
import { buildCredentialIndex } from './credential-index.ts';
import { createReplayGuard } from './replay-guard.ts';
import { type AuthRequest, resolveTenant } from './resolve-tenant.ts';
import { signRetellRequest } from './retell-signature.ts';
import { signVapiRequest } from './vapi-signature.ts';

const NOW = Date.UTC(2030, 2, 4, 12);

function tenant(id: string, channels: TenantConfig['channels']): TenantConfig {
  return { id, channels } as unknown as TenantConfig;
}

const TENANTS = [
  tenant('valley', {
    vapi: { secret: 'valley-vapi-secret' },
    retell: { apiKey: 'valley-retell-key' },
    http: { apiKeys: ['valley-http-key'] },
    mcp: { apiKeys: ['valley-mcp-key'] },
  }),
  tenant('hillside', {
    vapi: { secret: 'hillside-vapi-secret' },
    retell: { apiKey: 'hillside-retell-key' },
    http: { apiKeys: ['hillside-http-key'] },
  }),
];

function resolver(now = () => NOW) {
  const context = {
    credentials: buildCredentialIndex(TENANTS),
    replayGuard: createReplayGuard({ now }),
  };
  return (request: AuthRequest) => resolveTenant(context, request);
}

const body = JSON.stringify({ message: { type: 'tool-calls', timestamp: NOW, call: { id: 'c1' } } });

describe('resolveTenant', () => {
  it('maps a bearer API key to its tenant on its own channel only', () => {
    const resolve = resolver();
    const http = resolve({ channel: 'http', headers: { authorization: 'Bearer valley-http-key' } });
    assert.deepEqual(http, { ok: true, tenantId: 'valley', channel: 'http', method: 'api-key' });
    const openai = resolve({ channel: 'openai', headers: { authorization: 'bearer hillside-http-key' } });
    assert.equal(openai.ok && openai.tenantId, 'hillside');
    const wrongChannel = resolve({ channel: 'mcp', headers: { authorization: 'Bearer valley-http-key' } });
    assert.equal(!wrongChannel.ok && wrongChannel.code, 'invalid_credential');
  });

  it('refuses a missing, malformed or unknown API key with distinct codes', () => {
    const resolve = resolver();
    const missing = resolve({ channel: 'http', headers: {} });
    assert.equal(!missing.ok && missing.code, 'missing_credential');
    const basic = resolve({ channel: 'http', headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(!basic.ok && basic.code, 'invalid_credential');
    const unknown = resolve({ channel: 'mcp', headers: { authorization: 'Bearer nobody' } });
    assert.equal(!unknown.ok && unknown.code, 'invalid_credential');
    assert.equal(!unknown.ok && unknown.status, 401);
  });

  it('accepts the Vapi secret as a bearer token, as X-Vapi-Secret and verbatim in X-Vapi-Signature', () => {
    const resolve = resolver();
    for (const headers of [
      { authorization: 'Bearer hillside-vapi-secret' },
      { 'x-vapi-secret': 'hillside-vapi-secret' },
      { 'x-vapi-signature': 'hillside-vapi-secret' },
    ]) {
      const result = resolve({ channel: 'vapi', headers, rawBody: body });
      assert.equal(result.ok && result.tenantId, 'hillside', JSON.stringify(headers));
    }
  });

  it('finds the tenant whose secret signed a Vapi HMAC over timestamp.body, and refuses its replay', () => {
    const resolve = resolver();
    const timestamp = String(NOW);
    const headers = {
      'x-vapi-signature': signVapiRequest(body, 'valley-vapi-secret', timestamp),
      'x-timestamp': timestamp,
    };
    assert.deepEqual(resolve({ channel: 'vapi', headers, rawBody: body }), {
      ok: true,
      tenantId: 'valley',
      channel: 'vapi',
      method: 'vapi-hmac',
    });
    const again = resolve({ channel: 'vapi', headers, rawBody: body });
    assert.equal(!again.ok && again.code, 'replayed_request');
    assert.equal(!again.ok && again.tenantId, 'valley');
  });

  it("verifies a Vapi HMAC in x-signature, the HMAC credential's default header, with the same replay key", () => {
    const resolve = resolver();
    const timestamp = String(NOW);
    const signature = signVapiRequest(body, 'hillside-vapi-secret', timestamp);
    const first = resolve({
      channel: 'vapi',
      headers: { 'x-signature': signature, 'x-timestamp': timestamp },
      rawBody: body,
    });
    assert.deepEqual(first, { ok: true, tenantId: 'hillside', channel: 'vapi', method: 'vapi-hmac' });
    const moved = resolve({
      channel: 'vapi',
      headers: { 'x-vapi-signature': signature, 'x-timestamp': timestamp },
      rawBody: body,
    });
    assert.equal(!moved.ok && moved.code, 'replayed_request');
    // Only an HMAC is looked for in x-signature, never the plain secret.
    const plain = resolve({
      channel: 'vapi',
      headers: { 'x-signature': 'hillside-vapi-secret' },
      rawBody: body,
    });
    assert.equal(!plain.ok && plain.code, 'bad_signature');
    const missing = resolve({ channel: 'vapi', headers: {}, rawBody: body });
    assert.equal(!missing.ok && missing.code, 'missing_credential');
    assert.match(!missing.ok ? missing.message : '', /X-Signature/);
  });

  it('dates a body-only Vapi HMAC by message.timestamp and refuses it outside the window', () => {
    const signature = signVapiRequest(body, 'valley-vapi-secret');
    const fresh = resolver()({
      channel: 'vapi',
      headers: { 'x-vapi-signature': `sha256=${signature}` },
      rawBody: body,
    });
    assert.equal(fresh.ok && fresh.method, 'vapi-hmac');
    const late = resolver(() => NOW + 10 * 60_000)({
      channel: 'vapi',
      headers: { 'x-vapi-signature': signature },
      rawBody: body,
    });
    assert.equal(!late.ok && late.code, 'stale_signature');
  });

  it('refuses a Vapi HMAC over a tampered body as a bad signature', () => {
    const timestamp = String(NOW);
    const headers = {
      'x-vapi-signature': signVapiRequest(body, 'valley-vapi-secret', timestamp),
      'x-timestamp': timestamp,
    };
    const result = resolver()({ channel: 'vapi', headers, rawBody: body.replace('c1', 'c2') });
    assert.equal(!result.ok && result.code, 'bad_signature');
    assert.equal(!result.ok && result.tenantId, undefined);
  });

  it("verifies Retell's v=<ms>,d=<hex> signature over body + timestamp and refuses a replay", () => {
    const resolve = resolver();
    const retellBody = JSON.stringify({ name: 'find_slots', call: { call_id: 'r1' }, args: {} });
    const headers = {
      'x-retell-signature': signRetellRequest(retellBody, 'hillside-retell-key', NOW - 1_000),
    };
    const first = resolve({ channel: 'retell', headers, rawBody: retellBody });
    assert.deepEqual(first, {
      ok: true,
      tenantId: 'hillside',
      channel: 'retell',
      method: 'retell-signature',
    });
    const replay = resolve({ channel: 'retell', headers, rawBody: retellBody });
    assert.equal(!replay.ok && replay.code, 'replayed_request');
    // A retry signed afresh is a new request.
    const resigned = { 'x-retell-signature': signRetellRequest(retellBody, 'hillside-retell-key', NOW) };
    assert.equal(resolve({ channel: 'retell', headers: resigned, rawBody: retellBody }).ok, true);
  });

  it('refuses Retell requests that are unsigned, malformed, signed with another key or too old', () => {
    const resolve = resolver();
    const retellBody = '{"args":{}}';
    const cases: [Record<string, string>, string][] = [
      [{}, 'missing_credential'],
      [{ 'x-retell-signature': 'deadbeef' }, 'bad_signature'],
      [{ 'x-retell-signature': signRetellRequest(retellBody, 'not-a-tenant-key', NOW) }, 'bad_signature'],
      [
        { 'x-retell-signature': signRetellRequest(retellBody, 'valley-retell-key', NOW - 6 * 60_000) },
        'stale_signature',
      ],
    ];
    for (const [headers, code] of cases) {
      const result = resolve({ channel: 'retell', headers, rawBody: retellBody });
      assert.equal(!result.ok && result.code, code, JSON.stringify(headers));
    }
  });

  it('refuses a replay whose signature was re-encoded or re-padded', () => {
    const resolve = resolver();
    const timestamp = String(NOW);
    const mac = signVapiRequest(body, 'valley-vapi-secret', timestamp);
    const vapi = (signature: string) =>
      resolve({
        channel: 'vapi',
        headers: { 'x-vapi-signature': signature, 'x-timestamp': timestamp },
        rawBody: body,
      });
    assert.equal(vapi(mac).ok, true);
    for (const variant of [`sha256=${mac}`, mac.toUpperCase(), Buffer.from(mac, 'hex').toString('base64')]) {
      const result = vapi(variant);
      assert.equal(!result.ok && result.code, 'replayed_request', variant);
    }
    const retellBody = '{"args":{}}';
    const header = signRetellRequest(retellBody, 'valley-retell-key', NOW);
    assert.equal(
      resolve({ channel: 'retell', headers: { 'x-retell-signature': header }, rawBody: retellBody }).ok,
      true,
    );
    const padded = header.replace('v=', 'v=000');
    const replay = resolve({
      channel: 'retell',
      headers: { 'x-retell-signature': padded },
      rawBody: retellBody,
    });
    assert.equal(!replay.ok && replay.code, 'replayed_request');
  });

  it('signs exactly as the Retell SDK does for the same key, body and time', () => {
    // RetellAI/retell-typescript-sdk src/lib/webhook_auth.ts:
    //   `v=${timestamp},d=${createHmac('sha256', secret).update(input + timestamp).digest('hex')}`
    const sdk = `v=1700000000000,d=${createHmac('sha256', 'key').update('{"a":1}1700000000000').digest('hex')}`;
    assert.equal(signRetellRequest('{"a":1}', 'key', 1_700_000_000_000), sdk);
  });
});
