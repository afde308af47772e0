// A frozen clock for JWT and token tests (STYLE.md rule 14): time moves only when a test says so.
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  /** A `sleep` that jumps the clock instead of waiting, and records what was asked. */
  sleep: (ms: number) => Promise<void>;
  sleeps: number[];
}

export const T0 = Date.parse('2026-03-02T15:00:00.000Z');

export function createTestClock(start: number = T0): TestClock {
  let current = start;
  const sleeps: number[] = [];
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      current += ms;
    },
    sleeps,
  };
}
