import { createHash, timingSafeEqual } from 'node:crypto';

// Compares two secrets in time independent of where they differ. Both sides are hashed first so
// inputs of different lengths compare in constant time too (timingSafeEqual throws on unequal
// lengths, and an early length check would leak the secret's length).
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

export function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
