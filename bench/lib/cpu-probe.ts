// The CPU under the gateway, on its own, as a conversation's tool call meets it: the same small
// piece of work timed back to back, and again after a spell of other activity, once with the
// thread asleep and once with it spinning. On a dedicated machine the three are close. On a
// shared VM the host runs other work on the core meanwhile, and what the caches and branch
// predictors held is gone within milliseconds whether this vCPU slept or not: the work then takes
// several times as long. The gateway's conversational overhead is made of such work, so the bench
// reports the factor beside it (docs/architecture.md).
import { hash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { percentile } from './harness.ts';

export type CpuProbeOptions = {
  /** Times each way. */
  readonly samples: number;
  /** The spell of other activity before each timed run. */
  readonly idleMs: number;
};

export type CpuProbeResult = {
  /** p50 ms, the work repeated at once. */
  readonly backToBack: number;
  /** p50 ms, after `idleMs` asleep (the event loop waiting, as between a caller's turns). */
  readonly afterSleep: number;
  /** p50 ms, after `idleMs` of spinning on a few registers, the vCPU never idle. */
  readonly afterSpin: number;
};

// A lean Slot search page (20 slots, ~6.5 KB of JSON; the sandbox's are ~40 KB), made here rather
// than read from a fixture so the probe is the same on every checkout.
const PAGE = JSON.stringify({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: Array.from({ length: 20 }, (_, i) => ({
    fullUrl: `https://ehr.example/fhir/Slot/slot-${i}`,
    resource: {
      resourceType: 'Slot',
      id: `slot-${i}`,
      schedule: { reference: `Schedule/schedule-${i % 4}` },
      status: 'free',
      start: new Date(Date.UTC(2030, 2, 5, 14, 20 * i)).toISOString(),
      end: new Date(Date.UTC(2030, 2, 5, 14, 20 * i + 20)).toISOString(),
      serviceType: [{ coding: [{ system: 'http://example.org/visit-type', code: 'follow-up' }] }],
    },
  })),
});

function work(): string {
  return hash('sha256', JSON.stringify(JSON.parse(PAGE)));
}

function timed(): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

// Arithmetic on a couple of registers: no memory of its own to evict the caches with. The result
// is kept where the compiler cannot prove it unused.
let spun = 0;
function spin(ms: number): void {
  const until = performance.now() + ms;
  let x = spun;
  while (performance.now() < until) for (let i = 0; i < 10_000; i++) x = (x * 31 + i) | 0;
  spun = x;
}

export async function cpuAfterIdle(options: CpuProbeOptions): Promise<CpuProbeResult> {
  for (let i = 0; i < 1_000; i++) work();
  const backToBack: number[] = [];
  const afterSleep: number[] = [];
  const afterSpin: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    work();
    backToBack.push(timed());
    await delay(options.idleMs);
    afterSleep.push(timed());
    spin(options.idleMs);
    afterSpin.push(timed());
  }
  const p50 = (ms: number[]) => percentile(ms.sort(ascending), 50);
  return { backToBack: p50(backToBack), afterSleep: p50(afterSleep), afterSpin: p50(afterSpin) };
}

function ascending(a: number, b: number): number {
  return a - b;
}
