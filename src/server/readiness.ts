// /readyz answers "can this process serve tool calls right now?" from a list of probes: the
// store, each tenant's EHR, and (from the auth issue on) each tenant's token state. A probe
// reports; it never throws past this module.

export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

export type ProbeStatus = 'pass' | 'warn' | 'fail';

export type ProbeResult = {
  status: ProbeStatus;
  detail?: string;
  [extra: string]: unknown;
};

export type ReadinessProbe = {
  name: string;
  check(signal: AbortSignal): Promise<ProbeResult>;
};

export type ReadinessReport = {
  ready: boolean;
  checks: Array<ProbeResult & { name: string; ms: number }>;
};

export async function runReadiness(
  probes: readonly ReadinessProbe[],
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<ReadinessReport> {
  const checks = await Promise.all(
    probes.map(async (probe) => {
      const started = performance.now();
      const signal = AbortSignal.timeout(timeoutMs);
      let result: ProbeResult;
      try {
        result = await Promise.race([probe.check(signal), rejectOnAbort(signal)]);
      } catch (error) {
        result = { status: 'fail', detail: describeFailure(error, signal) };
      }
      return { name: probe.name, ms: Math.round(performance.now() - started), ...result };
    }),
  );
  return { ready: checks.every((check) => check.status !== 'fail'), checks };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function describeFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'did not answer in time';
  return error instanceof Error ? error.message : String(error);
}
