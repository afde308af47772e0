// Remembers the `jti` of every accepted client assertion until the assertion expires, so the
// same assertion cannot be used twice (RFC 7523 section 3, item 7; SMART Backend Services:
// "jti ... SHALL be used to prevent replay"; Epic: a jti may not be reused while the JWT is valid).

import type { SandboxClock } from './clock.ts';

const SWEEP_THRESHOLD = 1_024;

export class JtiReplayCache {
  readonly #clock: SandboxClock;
  readonly #seen = new Map<string, number>();

  constructor(options: { readonly clock: SandboxClock }) {
    this.#clock = options.clock;
  }

  /**
   * Records `jti` for `clientId` until `keepUntilMs`. Returns false when the pair was already
   * recorded and has not yet lapsed: the assertion is a replay.
   */
  claim(clientId: string, jti: string, keepUntilMs: number): boolean {
    const nowMs = this.#clock.now();
    if (this.#seen.size >= SWEEP_THRESHOLD) this.#sweep(nowMs);
    const key = JSON.stringify([clientId, jti]);
    const until = this.#seen.get(key);
    if (until !== undefined && until > nowMs) return false;
    this.#seen.set(key, keepUntilMs);
    return true;
  }

  #sweep(nowMs: number): void {
    for (const [key, until] of this.#seen) {
      if (until <= nowMs) this.#seen.delete(key);
    }
  }
}
