// Runs purgeExpired on a timer inside the gateway. The first run waits a little after start-up
// so it does not compete with it; a run never overlaps the previous one; a failed run is
// reported and the next one tries again. With several gateways on one PostgreSQL database each
// runs the job, and their purges take turns (purge-expired.ts), the later ones finding nothing.
import { EhrgateError } from '../../errors.ts';
import type { Store } from '../../store/index.ts';
import { type PurgeReport, purgeExpired } from './purge-expired.ts';
import type { RetentionTenant } from './retention-policy.ts';

export const DEFAULT_RETENTION_INTERVAL_MS = 60 * 60 * 1_000;
export const DEFAULT_RETENTION_FIRST_RUN_DELAY_MS = 60 * 1_000;

export type RetentionJobOptions = {
  store: Pick<Store, 'dialect' | 'withTransaction'>;
  tenants: readonly RetentionTenant[];
  /** Between the end of one run and the start of the next; default one hour. */
  intervalMs?: number;
  /** Before the first run; default one minute. */
  firstRunDelayMs?: number;
  now?: () => number;
  /** Each finished run's counts (never PHI: table names and numbers). */
  onPurged?: (report: PurgeReport) => void;
  onError?: (error: unknown) => void;
};

export interface RetentionJob {
  /** Runs a purge now (after the one in progress, if any). */
  runNow(): Promise<PurgeReport>;
  /** Stops the timer and resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const intervalMs = options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
  const firstRunDelayMs = options.firstRunDelayMs ?? DEFAULT_RETENTION_FIRST_RUN_DELAY_MS;
  for (const [name, value] of [
    ['intervalMs', intervalMs],
    ['firstRunDelayMs', firstRunDelayMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || (name === 'intervalMs' && value === 0)) {
      throw new EhrgateError('ERR_CONFIG_INVALID', `retention job: ${name} must be a positive integer`);
    }
  }
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<PurgeReport> = Promise.resolve({ dryRun: false, at: 0, tenants: [] });

  const run = (): Promise<PurgeReport> => {
    running = running
      .catch(() => undefined)
      .then(() => purgeExpired({ store: options.store, tenants: options.tenants, now: now() }));
    return running;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      run()
        .then((report) => options.onPurged?.(report))
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => schedule(intervalMs));
    }, delayMs);
    // The job alone never keeps the process alive.
    timer.unref();
  };
  schedule(firstRunDelayMs);

  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running.catch(() => undefined);
    },
  };
}
