import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  it('lets a burst through, then refuses with the wait until the next token', () => {
    let now = 0;
    const limiter = createRateLimiter({ limitFor: () => ({ perSecond: 2, burst: 3 }), now: () => now });
    for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('valley'), { ok: true });
    assert.deepEqual(limiter.take('valley'), { ok: false, retryAfterMs: 500 });
    now = 500;
    assert.deepEqual(limiter.take('valley'), { ok: true });
  });

  it('keeps one bucket per tenant', () => {
    const limiter = createRateLimiter({ limitFor: () => ({ perSecond: 1, burst: 1 }), now: () => 0 });
    assert.equal(limiter.take('valley').ok, true);
    assert.equal(limiter.take('valley').ok, false);
    assert.equal(limiter.take('hillside').ok, true);
  });

  it('uses the default limit for a tenant without one', () => {
    const limiter = createRateLimiter({ now: () => 0 });
    let allowed = 0;
    while (limiter.take('valley').ok) allowed++;
    assert.equal(allowed, 400);
  });
});
