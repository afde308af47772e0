// `npm run bench`: runs every bench/*.bench.ts (or the ones named on the command line) and
// prints one table of figures with units, targets from DESIGN.md section 10 and ratios.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Benchmark, type BenchRow, describeMachine, formatTable } from './lib/harness.ts';

const benchDir = import.meta.dirname;
const only = process.argv.slice(2);
const files = (await readdir(benchDir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

console.log(`ehrgate benchmarks on ${describeMachine()}\n`);
const rows: Array<BenchRow & { bench: string }> = [];
for (const file of files) {
  const bench = (await import(join(benchDir, file))).default as Benchmark;
  process.stderr.write(`running ${bench.title} ...\n`);
  const started = performance.now();
  for (const row of await bench.run()) rows.push({ ...row, bench: bench.title });
  process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
console.log(formatTable(rows));
await mkdir('test-artifacts', { recursive: true });
await writeFile(
  join('test-artifacts', 'bench.json'),
  JSON.stringify({ machine: describeMachine(), at: new Date().toISOString(), rows }, null, 2),
);
