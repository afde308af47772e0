import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesTimeOfDay, timeOfDayOf } from './time-of-day.ts';

describe('time of day in a zone', () => {
  it('classifies one instant differently by zone', () => {
    // 16:30 UTC is 11:30 in New York (EST) and 10:30 in Chicago in winter; 17:30 UTC is 12:30 / 11:30.
    assert.equal(timeOfDayOf(new Date('2030-01-15T17:30:00Z'), 'America/New_York'), 'afternoon');
    assert.equal(timeOfDayOf(new Date('2030-01-15T17:30:00Z'), 'America/Chicago'), 'morning');
  });

  it('follows daylight saving time: 16:30 UTC is morning in New York in January, afternoon in July', () => {
    assert.equal(timeOfDayOf(new Date('2030-01-15T16:30:00Z'), 'America/New_York'), 'morning');
    assert.equal(timeOfDayOf(new Date('2030-07-15T16:30:00Z'), 'America/New_York'), 'afternoon');
  });

  it('puts 12:00 in the afternoon and 17:00 in the evening (adapter.ts boundaries)', () => {
    assert.equal(timeOfDayOf(new Date('2030-01-15T17:00:00Z'), 'America/New_York'), 'afternoon');
    assert.equal(timeOfDayOf(new Date('2030-01-15T22:00:00Z'), 'America/New_York'), 'evening');
    assert.equal(timeOfDayOf(new Date('2030-01-15T16:59:00Z'), 'America/New_York'), 'morning');
  });

  it('matches everything when no time of day is asked and nothing for an unreadable start', () => {
    assert.equal(matchesTimeOfDay('2030-01-15T03:00:00Z', undefined, 'UTC'), true);
    assert.equal(matchesTimeOfDay('not a date', 'morning', 'UTC'), false);
  });
});
