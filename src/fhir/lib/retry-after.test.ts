import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2026-03-02T10:00:00Z');

test('reads delay-seconds as milliseconds', () => {
  assert.equal(parseRetryAfter('3', NOW), 3_000);
  assert.equal(parseRetryAfter(' 0 ', NOW), 0);
});

test('reads an IMF-fixdate as the time left until it', () => {
  assert.equal(parseRetryAfter('Mon, 02 Mar 2026 10:00:07 GMT', NOW), 7_000);
});

test('reads the obsolete RFC 850 and asctime dates as GMT', () => {
  assert.equal(parseRetryAfter('Monday, 02-Mar-26 10:00:02 GMT', NOW), 2_000);
  assert.equal(parseRetryAfter('Mon Mar  2 10:00:04 2026', NOW), 4_000);
});

test('treats a date in the past as no wait', () => {
  assert.equal(parseRetryAfter('Mon, 02 Mar 2026 09:00:00 GMT', NOW), 0);
});

test('ignores an absent or unreadable header instead of guessing', () => {
  assert.equal(parseRetryAfter(null, NOW), undefined);
  assert.equal(parseRetryAfter('soon', NOW), undefined);
  assert.equal(parseRetryAfter('1.5', NOW), undefined);
  assert.equal(parseRetryAfter('-3', NOW), undefined);
});
