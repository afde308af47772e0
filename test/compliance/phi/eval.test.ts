// The labelled corpus (test/data/phi-corpus.jsonl) and the targets of issue 7 item 2.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CORPUS_PATH, readCorpus } from '../../../src/compliance/phi/eval.ts';
import { PHI_TYPES } from '../../../src/compliance/phi/index.ts';
import { scoreCorpus } from '../../../src/compliance/phi/lib/score.ts';

const HOLDOUT_PATH = resolve(import.meta.dirname, '../../data/phi-holdout.jsonl');

describe('PHI evaluation corpus', () => {
  const lines = readCorpus(CORPUS_PATH);

  it('holds at least 300 utterances whose labels match their offsets', () => {
    let utterances = 0;
    for (const line of lines) {
      if (!('text' in line)) continue;
      utterances++;
      for (const s of line.spans) {
        assert.ok((PHI_TYPES as readonly string[]).includes(s.type), `${line.id}: ${s.type}`);
        assert.equal(line.text.slice(s.start, s.end), s.text, line.id);
      }
    }
    assert.ok(utterances >= 300, `${utterances} utterances`);
  });

  it('meets the recall and precision targets under the standard policy', () => {
    const report = scoreCorpus(lines, 'standard');
    const row = (type: string) => report.rows.find((r) => r.type === type);
    assert.ok((row('ALL')?.recall ?? 0) >= 0.99, JSON.stringify(row('ALL')));
    assert.ok((row('ALL')?.precision ?? 0) >= 0.9, JSON.stringify(row('ALL')));
    for (const type of ['NAME', 'DOB', 'PHONE', 'MEMBER_ID'])
      assert.ok((row(type)?.recall ?? 0) >= 0.99, JSON.stringify(row(type)));
  });

  it('protects every date, appointment dates included, under the strict policy', () => {
    const report = scoreCorpus(lines, 'strict');
    const all = report.rows.find((r) => r.type === 'ALL');
    assert.ok((all?.recall ?? 0) >= 0.99, JSON.stringify(all));
    assert.ok((all?.precision ?? 0) >= 0.9, JSON.stringify(all));
  });

  it('keeps its recall on the held-out utterances it was not tuned on', () => {
    // 0.943 before the firewall was rewritten for speed (issue 7); never lower than that
    const report = scoreCorpus(readCorpus(HOLDOUT_PATH), 'standard');
    const all = report.rows.find((r) => r.type === 'ALL');
    assert.ok((all?.recall ?? 0) >= 0.943, JSON.stringify(all));
    assert.ok((all?.precision ?? 0) >= 0.9, JSON.stringify(all));
  });
});
