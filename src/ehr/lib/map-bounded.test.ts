import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapBounded } from './map-bounded.ts';

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const run = mapBounded([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => release.push(resolve));
      inFlight--;
      return n * 10;
    });
    while (release.length > 0 || inFlight > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      release.shift()?.();
    }
    assert.deepEqual(await run, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    assert.equal(peak, 4);
  });

  it('returns an empty list for no items and passes a failure on', async () => {
    assert.deepEqual(await mapBounded([], 4, async () => 1), []);
    await assert.rejects(
      mapBounded([1, 2], 2, async (n) => {
        if (n === 2) throw new RangeError('boom');
        return n;
      }),
      RangeError,
    );
  });
});
