import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OAuthError } from './errors.ts';
import {
  describeRequiredScope,
  grantScopes,
  parseResourceScope,
  requiredPermission,
  scopesPermit,
} from './scopes.ts';

describe('parseResourceScope', () => {
  test('reads v1 read/write/* scopes as the v2 letters SMART 2.0 equates them with', () => {
    assert.deepEqual([...(parseResourceScope('system/Patient.read')?.permissions ?? [])], ['r', 's']);
    assert.deepEqual([...(parseResourceScope('system/Patient.write')?.permissions ?? [])], ['c', 'u', 'd']);
    assert.equal(parseResourceScope('system/*.*')?.permissions.size, 5);
  });

  test('reads v2 letters only in c r u d s order and ignores non-resource or constrained scopes', () => {
    assert.equal(parseResourceScope('system/Appointment.crus')?.style, 'v2');
    assert.equal(parseResourceScope('system/Appointment.rc'), undefined);
    assert.equal(parseResourceScope('system/Appointment.'), undefined);
    assert.equal(parseResourceScope('openid'), undefined);
    assert.equal(parseResourceScope('system/Observation.rs?category=vital-signs'), undefined);
  });
});

describe('grantScopes', () => {
  const base = {
    allowedScopes: ['system/Patient.read', 'system/Appointment.crus'],
    scopeStyle: 'both',
  } as const;

  test('grants everything registered when no scope is requested', () => {
    assert.deepEqual(grantScopes({ ...base, requested: undefined, personality: 'epic' }), base.allowedScopes);
  });

  test('narrows a requested scope to the permissions the client is registered for', () => {
    const granted = grantScopes({
      ...base,
      requested: ['system/Patient.*', 'system/Appointment.cruds', 'system/Appointment.r'],
      personality: 'r4',
    });
    assert.deepEqual(granted, ['system/Patient.read', 'system/Appointment.crus', 'system/Appointment.r']);
  });

  test('covers a specific resource with a registered wildcard scope', () => {
    const granted = grantScopes({
      allowedScopes: ['system/*.read'],
      scopeStyle: 'v1',
      requested: ['system/Slot.read'],
      personality: 'epic',
    });
    assert.deepEqual(granted, ['system/Slot.read']);
  });

  test('throws invalid_scope on the Epic-like server and unauthorized_client on the Cerner-like one', () => {
    const request = { ...base, requested: ['system/Coverage.read'] };
    assert.throws(
      () => grantScopes({ ...request, personality: 'epic' }),
      (error) => error instanceof OAuthError && error.error === 'invalid_scope' && error.status === 400,
    );
    assert.throws(
      () => grantScopes({ ...request, personality: 'cerner' }),
      (error) => error instanceof OAuthError && error.error === 'unauthorized_client',
    );
  });

  test('drops v1 scopes for a v2 client only on the Cerner-like server', () => {
    const request = {
      allowedScopes: ['system/Appointment.read', 'system/Appointment.crus'],
      scopeStyle: 'v2',
      requested: ['system/Appointment.read', 'system/Appointment.crus'],
    } as const;
    assert.deepEqual(grantScopes({ ...request, personality: 'cerner' }), ['system/Appointment.crus']);
    assert.deepEqual(grantScopes({ ...request, personality: 'epic' }), request.requested);
  });
});

describe('requiredPermission and scopesPermit', () => {
  test('maps each interaction to its SMART v2 letter', () => {
    const letters = (['read', 'vread', 'search', 'create', 'update', 'patch', 'delete'] as const).map(
      (interaction) => requiredPermission({ interaction }),
    );
    assert.deepEqual(letters, ['r', 'r', 's', 'c', 'u', 'u', 'd']);
    assert.equal(requiredPermission({ interaction: 'capabilities' }), undefined);
  });

  test('maps known operations by what they do and unknown ones by HTTP method', () => {
    assert.equal(requiredPermission({ interaction: 'operation', operation: 'find', method: 'POST' }), 's');
    assert.equal(requiredPermission({ interaction: 'operation', operation: 'book', method: 'POST' }), 'c');
    assert.equal(requiredPermission({ interaction: 'operation', operation: 'match', method: 'POST' }), 's');
    assert.equal(requiredPermission({ interaction: 'operation', operation: 'custom', method: 'GET' }), 'r');
    assert.equal(requiredPermission({ interaction: 'operation', operation: 'custom', method: 'POST' }), 'c');
  });

  test('honours only system scopes, wildcards included, and needs a wildcard without a resource type', () => {
    assert.equal(scopesPermit(['system/*.read'], 'Slot', 's'), true);
    assert.equal(scopesPermit(['system/*.read'], 'Slot', 'c'), false);
    assert.equal(scopesPermit(['patient/Slot.read'], 'Slot', 'r'), false);
    assert.equal(scopesPermit(['system/Slot.rs'], undefined, 's'), false);
    assert.equal(scopesPermit(['system/*.rs'], undefined, 's'), true);
  });

  test('names the missing scope in the client style', () => {
    assert.equal(describeRequiredScope('Appointment', 'c', 'v1'), 'system/Appointment.write');
    assert.equal(describeRequiredScope('Appointment', 's', 'v2'), 'system/Appointment.s');
    assert.equal(describeRequiredScope('Slot', 'r', 'both'), 'system/Slot.r system/Slot.read');
  });
});
