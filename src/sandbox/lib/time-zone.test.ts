import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addDays, formatLocalDate, toInstant, toLocalDateTime, weekday } from './time-zone.ts';

test('turns clinic wall-clock time into the instant of that zone on both sides of a DST change', () => {
  // US daylight time began Sunday 9 March 2025 at 02:00 local.
  assert.equal(
    toInstant({ year: 2025, month: 3, day: 7, hour: 9, minute: 0 }, 'America/New_York').toISOString(),
    '2025-03-07T14:00:00.000Z',
  );
  assert.equal(
    toInstant({ year: 2025, month: 3, day: 10, hour: 9, minute: 0 }, 'America/New_York').toISOString(),
    '2025-03-10T13:00:00.000Z',
  );
  assert.equal(
    toInstant({ year: 2025, month: 11, day: 3, hour: 16, minute: 40 }, 'America/Chicago').toISOString(),
    '2025-11-03T22:40:00.000Z',
  );
});

test('reads an instant back as wall-clock time in a zone', () => {
  const local = toLocalDateTime(new Date('2025-03-10T13:00:00Z'), 'America/New_York');
  assert.deepEqual(local, { year: 2025, month: 3, day: 10, hour: 9, minute: 0, second: 0 });
  assert.equal(toLocalDateTime(new Date('2025-03-10T03:30:00Z'), 'America/Chicago').day, 9);
});

test('adds days across month ends and names weekdays', () => {
  assert.equal(formatLocalDate(addDays({ year: 2025, month: 2, day: 27 }, 3)), '2025-03-02');
  assert.equal(weekday({ year: 2025, month: 3, day: 8 }), 6);
  assert.equal(weekday({ year: 2025, month: 3, day: 10 }), 1);
});
