import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SEARCH_DAYS, searchRange } from './search-range.ts';

const NOW = Date.parse('2030-03-04T12:00:00Z'); // 7:00 in New York
const CONTEXT = { now: NOW, timeZone: 'America/New_York', todayStarts: Date.parse('2030-03-04T05:00:00Z') };

describe('search range', () => {
  it('reads calendar dates as the clinic days, the end date inclusive, across a DST change', () => {
    const range = searchRange({ from: '2030-03-08', to: '2030-03-11' }, CONTEXT);
    assert.ok(!('status' in range));
    assert.equal(range.from.toISOString(), '2030-03-08T05:00:00.000Z');
    assert.equal(range.to.toISOString(), '2030-03-12T04:00:00.000Z');
  });

  it('starts a search for today at now', () => {
    const range = searchRange({ from: '2030-03-04', to: '2030-03-04' }, CONTEXT);
    assert.ok(!('status' in range));
    assert.equal(range.from.getTime(), NOW);
  });

  it('refuses a past date, an inverted range, a range over 90 days and a vague date', () => {
    const cases: [Record<string, string>, string][] = [
      [{ from: '2030-03-01', to: '2030-03-06' }, 'from'],
      [{ from: '2030-03-10', to: '2030-03-08' }, 'to'],
      [{ from: '2030-03-05', to: new Date(NOW + (MAX_SEARCH_DAYS + 2) * 86_400_000).toISOString() }, 'to'],
      [{ from: 'next tuesday' }, 'from'],
    ];
    for (const [input, field] of cases) {
      const outcome = searchRange(input, CONTEXT);
      assert.ok('status' in outcome, JSON.stringify(input));
      assert.equal(outcome.reason, 'invalid_input');
      assert.equal(outcome.field, field, JSON.stringify(input));
    }
  });
});
