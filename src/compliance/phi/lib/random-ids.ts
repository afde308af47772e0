// Uniform random integers from the operating system's CSPRNG, drawn from a buffer refilled 4,096
// values at a time: crypto.randomInt() costs a call into the crypto binding per token, which shows
// in the firewall's throughput. Rejection sampling keeps every value equally likely.
import { randomFillSync } from 'node:crypto';

const pool = new Uint32Array(4096);
let next = pool.length;

function draw(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++];
}

/** A uniform integer in [min, maxExclusive); maxExclusive - min must be below 2^32. */
export function randomIntBetween(min: number, maxExclusive: number): number {
  const range = maxExclusive - min;
  // the largest multiple of range below 2^32: values at or above it would favour small results
  const limit = 2 ** 32 - (2 ** 32 % range);
  for (;;) {
    const x = draw();
    if (x < limit) return min + (x % range);
  }
}
