import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePhone, normalizePostalCode, phoneMatches } from './phone.ts';

test('normalises written and spoken US numbers to E.164', () => {
  for (const said of [
    '865-555-0150',
    '(865) 555-0150',
    '+1 865 555 0150',
    '8655550150',
    'eight six five five five five oh one five oh',
  ]) {
    assert.equal(normalizePhone(said), '+18655550150', said);
  }
  assert.equal(normalizePhone('123'), undefined);
  assert.equal(normalizePhone(''), undefined);
});

test('compares a caller number with the phones an EHR stores in any format', () => {
  assert.ok(phoneMatches('+18655550150', ['home: nothing', '865.555.0150']));
  assert.ok(!phoneMatches('+18655550150', ['615-555-0150']));
});

test('reads five-digit ZIP codes, ZIP+4 and spoken digits', () => {
  assert.equal(normalizePostalCode('37902-1234'), '37902');
  assert.equal(normalizePostalCode('three seven nine oh two'), '37902');
  assert.equal(normalizePostalCode('3790'), undefined);
});
