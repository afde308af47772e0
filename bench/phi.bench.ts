// PHI firewall speed (DESIGN.md section 10: >= 20 MB/s, < 0.2 ms per utterance): protect() over
// every utterance of the labelled corpus (test/data/phi-corpus.jsonl), with each call's known
// values remembered as in a live call.
import { readCorpus } from '../src/compliance/phi/eval.ts';
import { createPhiFirewall } from '../src/compliance/phi/index.ts';
import type { Benchmark } from './lib/harness.ts';
import { percentile } from './lib/harness.ts';

const ROUNDS = 30;

const bench: Benchmark = {
  title: 'PHI firewall (protect)',
  async run() {
    const lines = readCorpus();
    const bytes = lines.reduce((n, l) => n + ('text' in l ? Buffer.byteLength(l.text) : 0), 0);
    const runOnce = (samples?: number[]) => {
      const firewall = createPhiFirewall();
      for (const line of lines) {
        if ('known' in line) {
          firewall.rememberKnown(line.call, line.known);
          continue;
        }
        const t0 = performance.now();
        firewall.protect(line.call, line.text);
        samples?.push(performance.now() - t0);
      }
      for (const line of lines) firewall.endCall(line.call);
    };
    for (let i = 0; i < 5; i++) runOnce();
    const started = performance.now();
    for (let i = 0; i < ROUNDS; i++) runOnce();
    const seconds = (performance.now() - started) / 1000;
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) runOnce(samples);
    samples.sort((a, b) => a - b);
    return [
      {
        name: 'throughput on the corpus text',
        value: (bytes * ROUNDS) / seconds / 1e6,
        unit: 'MB/s',
        target: '>= 20',
      },
      { name: 'per utterance p50', value: percentile(samples, 50), unit: 'ms', target: '< 0.2' },
      { name: 'per utterance p99', value: percentile(samples, 99), unit: 'ms', target: '< 0.2' },
      { name: 'corpus', value: samples.length / 5, unit: 'utterances', note: `${bytes} bytes` },
    ];
  },
};

export default bench;
