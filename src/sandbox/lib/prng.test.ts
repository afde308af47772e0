import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrng } from './prng.ts';

test('repeats the same sequence for the same seed and another for another seed', () => {
  const draw = (seed: number): number[] => {
    const prng = createPrng(seed);
    return Array.from({ length: 5 }, () => prng.int(0, 1_000_000));
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
});

test('stays within bounds and draws version-4-shaped UUIDs', () => {
  const prng = createPrng(1);
  for (let i = 0; i < 1_000; i++) {
    const n = prng.int(3, 5);
    assert.ok(n >= 3 && n <= 5);
  }
  assert.match(prng.uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
