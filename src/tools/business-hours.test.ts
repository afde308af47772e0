import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOpen } from './business-hours.ts';

const WEEKDAYS_9_TO_5 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, open: '09:00', close: '17:00' };
const hours = { ...WEEKDAYS_9_TO_5, days: [...WEEKDAYS_9_TO_5.days] };

describe('isOpen', () => {
  it('reads the clock in the tenant time zone, not UTC', () => {
    // Monday 2030-03-04 14:30 UTC is 09:30 in New York (EST) and 08:30 in Chicago (CST).
    const at = Date.parse('2030-03-04T14:30:00Z');
    assert.equal(isOpen(hours, at, 'America/New_York'), true);
    assert.equal(isOpen(hours, at, 'America/Chicago'), false);
  });

  it('treats the closing minute as closed and weekends as closed', () => {
    assert.equal(isOpen(hours, Date.parse('2030-03-04T21:59:00Z'), 'America/New_York'), true);
    assert.equal(isOpen(hours, Date.parse('2030-03-04T22:00:00Z'), 'America/New_York'), false);
    assert.equal(isOpen(hours, Date.parse('2030-03-09T15:00:00Z'), 'America/New_York'), false);
  });

  it('follows daylight saving time', () => {
    // Monday 2030-03-11, after the switch to EDT (UTC-4): 13:30 UTC is 09:30 in New York.
    assert.equal(isOpen(hours, Date.parse('2030-03-11T13:30:00Z'), 'America/New_York'), true);
  });

  it('is always open for a route without hours', () => {
    assert.equal(isOpen(undefined, Date.parse('2030-03-09T03:00:00Z'), 'America/New_York'), true);
  });
});
