import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSandboxClock } from './clock.ts';
import { JtiReplayCache } from './jti-replay-cache.ts';
import { TokenStore } from './tokens.ts';

const grant = {
  personality: 'cerner',
  scopes: ['system/Slot.rs'],
  scopeStyle: 'v2',
  lifetimeSeconds: 570,
} as const;

test('finds a token until its lifetime ends by the sandbox clock, offset included', () => {
  let nowMs = 1_000_000;
  const clock = createSandboxClock({ now: () => nowMs });
  const tokens = new TokenStore({ clock });
  const issued = tokens.issue({ ...grant, clientId: 'a' });
  assert.equal(issued.expiresAtMs, 1_000_000 + 570_000);
  nowMs += 569_999;
  assert.equal(tokens.find(issued.token)?.clientId, 'a');
  clock.setOffset(1);
  assert.equal(tokens.find(issued.token), undefined);
});

test('revokes the tokens of one client or all of them', () => {
  const tokens = new TokenStore({ clock: createSandboxClock() });
  const a = tokens.issue({ ...grant, clientId: 'a' });
  const b = tokens.issue({ ...grant, clientId: 'b' });
  assert.equal(tokens.revoke({ clientId: 'a' }), 1);
  assert.equal(tokens.find(a.token), undefined);
  assert.equal(tokens.find(b.token)?.clientId, 'b');
  assert.equal(tokens.revoke(), 1);
  assert.equal(tokens.find(b.token), undefined);
});

test('refuses a jti again until the moment its assertion lapses', () => {
  let nowMs = 0;
  const replay = new JtiReplayCache({ clock: createSandboxClock({ now: () => nowMs }) });
  assert.equal(replay.claim('client', 'jti-1', 300_000), true);
  assert.equal(replay.claim('client', 'jti-1', 300_000), false);
  assert.equal(replay.claim('other-client', 'jti-1', 300_000), true);
  nowMs = 300_000;
  assert.equal(replay.claim('client', 'jti-1', 600_000), true);
});
