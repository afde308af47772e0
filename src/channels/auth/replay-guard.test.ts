import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createReplayGuard } from './replay-guard.ts';

describe('createReplayGuard', () => {
  it('accepts a signature once, inside the window on either side of now', () => {
    let now = 1_000_000;
    const guard = createReplayGuard({ windowMs: 1_000, now: () => now });
    assert.equal(guard.check('a', now - 900), 'fresh');
    assert.equal(guard.check('a', now - 900), 'replayed');
    assert.equal(guard.check('b', now + 900), 'fresh');
    assert.equal(guard.check('c', now - 1_001), 'stale');
    assert.equal(guard.check('d', now + 1_001), 'stale');
    now += 2_000;
    // Past its window a seen signature is refused as stale, never accepted again.
    assert.equal(guard.check('a', 1_000_000 - 900), 'stale');
  });

  it('stays within its entry bound, dropping expired entries first', () => {
    let now = 0;
    const guard = createReplayGuard({ windowMs: 10, maxEntries: 3, now: () => now });
    for (const key of ['a', 'b', 'c']) assert.equal(guard.check(key, now), 'fresh');
    now = 20;
    assert.equal(guard.check('d', now), 'fresh');
    assert.equal(guard.size, 1);
  });
});
