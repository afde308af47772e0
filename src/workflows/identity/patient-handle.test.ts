import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signPatientHandle, verifyPatientHandle } from './patient-handle.ts';

const KEY = { secret: 'handle-secret-0123456789abcdef-0123456789', tenantId: 'valley', callId: 'call-1' };
const NOW = 1_900_000_000_000;

test('a handle verifies in its own tenant and call and carries the EHR patient id', () => {
  const handle = signPatientHandle(KEY, 'patient-42', { now: NOW });
  assert.equal(verifyPatientHandle(handle, KEY, { now: NOW + 1_000 }).patientId, 'patient-42');
});

test('refuses a forged, edited, expired, other-call or other-tenant handle with the precise problem', () => {
  const handle = signPatientHandle(KEY, 'patient-42', { now: NOW, ttlMs: 60_000 });
  const [body, signature] = handle.split('.');
  const edited = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(body as string, 'base64url').toString()), d: 'patient-43' }),
  ).toString('base64url');
  const cases: [string, typeof KEY, number, string][] = [
    [`${edited}.${signature}`, KEY, NOW, 'forged'],
    [handle, { ...KEY, secret: `${KEY.secret}-other` }, NOW, 'forged'],
    [handle, KEY, NOW + 60_000, 'expired'],
    [handle, { ...KEY, callId: 'call-2' }, NOW, 'other-call'],
    [handle, { ...KEY, tenantId: 'riverside' }, NOW, 'other-tenant'],
    ['not-a-handle', KEY, NOW, 'malformed'],
  ];
  for (const [token, key, now, problem] of cases) {
    assert.throws(() => verifyPatientHandle(token, key, { now }), {
      code: 'ERR_PATIENT_HANDLE_INVALID',
      problem,
    });
  }
});

test('refuses a secret shorter than 32 bytes', () => {
  assert.throws(() => signPatientHandle({ ...KEY, secret: 'short' }, 'p', { now: NOW }), {
    code: 'ERR_CONFIG_INVALID',
  });
});
