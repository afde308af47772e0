// PHI firewall speed (DESIGN.md section 10: >= 20 MB/s, < 0.2 ms per utterance): protect() over
// every utterance of the labelled corpus (test/data/phi-corpus.jsonl), with each call's known
// values remembered as in a live call, and a fresh firewall (so fresh tokens) every round.
//
// The firewall is many small functions that V8 optimises only after some hundreds of thousands of
// calls (about a second on the 2-core reference machine, longer when other work shares it):
// timing the first rounds measures the compiler, not the firewall. So the bench warms up for
// WARMUP_MS and then times whole rounds for MEASURE_MS.
import { readCorpus } from '../src/compliance/phi/eval.ts';
import { createPhiFirewall } from '../src/compliance/phi/index.ts';
import type { Benchmark } from './lib/harness.ts';
import { percentile } from './lib/harness.ts';

const WARMUP_MS = 2_000;
const MEASURE_MS = 3_000;
const LATENCY_ROUNDS = 10;

const bench: Benchmark = {
  title: 'PHI firewall (protect)',
  async run() {
    const lines = readCorpus();
    const bytes = lines.reduce((n, l) => n + ('text' in l ? Buffer.byteLength(l.text) : 0), 0);
    // one shape for every step, so the loop below costs the same whatever the line is
    const steps = lines.map((l) =>
      'known' in l
        ? { call: l.call, known: l.known, text: undefined }
        : { call: l.call, known: undefined, text: l.text },
    );
    const calls = [...new Set(lines.map((l) => l.call))];
    const runOnce = (samples?: number[]) => {
      const firewall = createPhiFirewall();
      for (const step of steps) {
        if (step.text === undefined) {
          if (step.known) firewall.rememberKnown(step.call, step.known);
          continue;
        }
        if (!samples) {
          firewall.protect(step.call, step.text);
          continue;
        }
        const t0 = performance.now();
        firewall.protect(step.call, step.text);
        samples.push(performance.now() - t0);
      }
      for (const call of calls) firewall.endCall(call);
    };
    const warmupStarted = performance.now();
    while (performance.now() - warmupStarted < WARMUP_MS) runOnce();
    let rounds = 0;
    const started = performance.now();
    do {
      runOnce();
      rounds++;
    } while (performance.now() - started < MEASURE_MS);
    const seconds = (performance.now() - started) / 1000;
    const samples: number[] = [];
    for (let i = 0; i < LATENCY_ROUNDS; i++) runOnce(samples);
    samples.sort((a, b) => a - b);
    return [
      {
        name: 'throughput on the corpus text',
        value: (bytes * rounds) / seconds / 1e6,
        unit: 'MB/s',
        target: '>= 20',
        note: `${rounds} rounds in ${seconds.toFixed(1)} s after ${WARMUP_MS / 1000} s warm-up`,
      },
      { name: 'per utterance p50', value: percentile(samples, 50), unit: 'ms', target: '< 0.2' },
      { name: 'per utterance p99', value: percentile(samples, 99), unit: 'ms', target: '< 0.2' },
      {
        name: 'corpus',
        value: samples.length / LATENCY_ROUNDS,
        unit: 'utterances',
        note: `${bytes} bytes`,
      },
    ];
  },
};

export default bench;
