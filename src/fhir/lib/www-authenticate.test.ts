import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearerChallenge, parseWwwAuthenticate } from './www-authenticate.ts';

test('reads the error and scope of an Epic-style insufficient_scope challenge', () => {
  // DESIGN.md section 5: Epic answers a missing scope with this header, sometimes on an empty 403.
  assert.deepEqual(bearerChallenge('Bearer error="insufficient_scope", scope="system/Appointment.write"'), {
    error: 'insufficient_scope',
    scope: 'system/Appointment.write',
  });
});

test('reads quoted values with escapes and unquoted tokens', () => {
  assert.deepEqual(
    bearerChallenge('Bearer realm="ehr \\"prod\\"",error=invalid_token, error_description="expired"'),
    {
      realm: 'ehr "prod"',
      error: 'invalid_token',
      error_description: 'expired',
    },
  );
});

test('finds the Bearer challenge among several, whatever their order', () => {
  const challenges = parseWwwAuthenticate(
    'Basic realm="x", Bearer error="invalid_token", Negotiate abc123==',
  );
  assert.deepEqual(
    challenges.map((c) => c.scheme),
    ['Basic', 'Bearer', 'Negotiate'],
  );
  assert.equal(bearerChallenge('Basic realm="x", bearer error="invalid_token"')?.error, 'invalid_token');
});

test('returns nothing for an absent header or one without a Bearer challenge', () => {
  assert.equal(bearerChallenge(null), undefined);
  assert.equal(bearerChallenge('Basic realm="x"'), undefined);
});

test('never throws on a malformed header', () => {
  assert.doesNotThrow(() => parseWwwAuthenticate('Bearer error="unterminated, , =, "'));
  assert.equal(bearerChallenge('Bearer error="unterminated')?.error, 'unterminated');
});
