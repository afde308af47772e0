import { cpus, totalmem } from 'node:os';

export type BenchRow = {
  name: string;
  value: number;
  unit: string;
  target?: string;
  note?: string;
};

export type Benchmark = {
  title: string;
  run(): Promise<BenchRow[]>;
};

export function describeMachine(): string {
  const cpu = cpus();
  return `${cpu.length} x ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export type LatencySummary = { count: number; p50: number; p99: number; mean: number; perSecond: number };

// Runs `task` `count` times with `concurrency` workers and summarises per-call latency (ms).
export async function measureLatency(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<unknown>,
): Promise<LatencySummary> {
  const samples: number[] = new Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        samples[i] = performance.now() - t0;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    count,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    mean: samples.reduce((sum, v) => sum + v, 0) / count,
    perSecond: (count / elapsedMs) * 1000,
  };
}

export function formatTable(rows: readonly (BenchRow & { bench: string })[]): string {
  const header = ['benchmark', 'measure', 'value', 'unit', 'target', 'note'];
  const body = rows.map((row) => [
    row.bench,
    row.name,
    formatNumber(row.value),
    row.unit,
    row.target ?? '',
    row.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}
