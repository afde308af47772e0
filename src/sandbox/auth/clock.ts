// The authorization server's notion of "now". Tests skew it through `POST /_sandbox/clock` to
// reproduce a client whose clock disagrees with the EHR's, or to move time forward past a token's
// expiry without sleeping (STYLE.md rule 10).

import { SandboxAuthError } from './errors.ts';
export interface SandboxClock {
  /** Milliseconds since the epoch, as the sandbox sees it (base clock plus offset). */
  now(): number;
  /** Current skew applied on top of the base clock, in milliseconds. */
  readonly offsetMs: number;
  setOffset(offsetMs: number): void;
}

export interface SandboxClockOptions {
  /** Base clock; defaults to `Date.now`. */
  readonly now?: () => number;
  readonly offsetMs?: number;
}

export function createSandboxClock(options: SandboxClockOptions = {}): SandboxClock {
  const base = options.now ?? Date.now;
  let offsetMs = checkedOffset(options.offsetMs ?? 0);
  return {
    now: () => base() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    setOffset(next: number) {
      offsetMs = checkedOffset(next);
    },
  };
}

function checkedOffset(value: number): number {
  if (!Number.isFinite(value)) {
    throw new SandboxAuthError(
      'ERR_SANDBOX_AUTH_OPTIONS',
      'clock offset must be a finite number of milliseconds',
    );
  }
  return Math.trunc(value);
}
