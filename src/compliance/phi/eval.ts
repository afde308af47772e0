// `npm run eval:phi [-- --policy strict|standard] [--verbose]`: recall, precision and F2 per
// identifier type on the labelled corpus test/data/phi-corpus.jsonl (issue 7 item 2).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CorpusLine, scoreCorpus } from './lib/score.ts';
import type { PhiPolicy } from './types.ts';

export const CORPUS_PATH = resolve(import.meta.dirname, '../../../test/data/phi-corpus.jsonl');

export function readCorpus(path = CORPUS_PATH): CorpusLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as CorpusLine);
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      policy: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      corpus: { type: 'string' },
    },
  });
  const lines = readCorpus(values.corpus ?? CORPUS_PATH);
  const policies: PhiPolicy[] = values.policy ? [values.policy as PhiPolicy] : ['standard', 'strict'];
  for (const policy of policies) {
    const report = scoreCorpus(lines, policy);
    console.log(`\npolicy ${policy}: ${report.utterances} utterances`);
    console.log('type        labelled  found  recall  protected  correct  precision  F2');
    for (const r of report.rows) {
      console.log(
        `${r.type.padEnd(10)}  ${String(r.labelled).padStart(8)}  ${String(r.found).padStart(5)}  ${r.recall.toFixed(3).padStart(6)}  ${String(r.protected).padStart(9)}  ${String(r.correct).padStart(7)}  ${r.precision.toFixed(3).padStart(9)}  ${r.f2.toFixed(3)}`,
      );
    }
    if (values.verbose) {
      for (const m of report.misses) console.log(`MISS ${m.id} ${m.type} "${m.text}" -> ${m.protectedText}`);
      for (const m of report.falsePositives)
        console.log(`FP   ${m.id} ${m.type} "${m.text}" -> ${m.protectedText}`);
    }
  }
}
