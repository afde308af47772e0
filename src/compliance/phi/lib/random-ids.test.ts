import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomIntBetween } from './random-ids.ts';

describe('random token ids', () => {
  it('draws every value of the range and nothing outside it', () => {
    const seen = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const n = randomIntBetween(1, 11);
      assert.ok(Number.isInteger(n) && n >= 1 && n < 11, String(n));
      seen[n - 1]++;
    }
    // each value about 2,000 times; a biased draw would starve or flood some of them
    for (const count of seen) assert.ok(count > 1_600 && count < 2_400, seen.join(','));
  });

  it('covers a range of a million, as token numbers need', () => {
    const values = new Set<number>();
    for (let i = 0; i < 1_000; i++) values.add(randomIntBetween(1, 1_000_000));
    assert.ok(values.size > 990, `${values.size} distinct`);
    assert.ok([...values].every((v) => v >= 1 && v < 1_000_000));
  });
});
