// Scores the firewall on a labelled corpus. A labelled span counts as found when every letter and
// digit of it is inside a protected span (what matters is that nothing leaks, whatever the token
// type); a protected span is correct when it overlaps a labelled span the policy protects.
import { createPhiFirewall } from '../firewall.ts';
import { type KnownValues, PHI_TYPES, type PhiPolicy, type PhiType } from '../types.ts';

export type CorpusLine =
  | { call: string; known: KnownValues }
  | {
      call: string;
      id: string;
      text: string;
      spans: Array<{ type: PhiType; start: number; end: number; text: string }>;
    };

export type TypeScore = {
  type: PhiType | 'ALL';
  labelled: number;
  found: number;
  protected: number;
  correct: number;
  recall: number;
  precision: number;
  f2: number;
};
export type Miss = { id: string; type: PhiType; text: string; protectedText: string };
export type ScoreReport = {
  policy: PhiPolicy;
  utterances: number;
  rows: TypeScore[];
  misses: Miss[];
  falsePositives: Miss[];
};

// appointment dates in the corpus are relative to this day (a Monday)
export const CORPUS_NOW = new Date('2025-06-02T15:00:00Z');

export function scoreCorpus(lines: CorpusLine[], policy: PhiPolicy): ScoreReport {
  const firewall = createPhiFirewall({ policy, now: () => CORPUS_NOW });
  const expectedTypes = new Set<PhiType>(
    policy === 'strict' ? PHI_TYPES : PHI_TYPES.filter((t) => t !== 'DATE'),
  );
  const count = new Map<PhiType, { labelled: number; found: number; protected: number; correct: number }>();
  for (const t of PHI_TYPES) count.set(t, { labelled: 0, found: 0, protected: 0, correct: 0 });
  const misses: Miss[] = [];
  const falsePositives: Miss[] = [];
  let utterances = 0;
  const calls = new Set<string>();
  for (const line of lines) {
    calls.add(line.call);
    if ('known' in line) {
      firewall.rememberKnown(line.call, line.known);
      continue;
    }
    utterances++;
    const result = firewall.protect(line.call, line.text);
    const covered = new Uint8Array(line.text.length);
    for (const s of result.spans) covered.fill(1, s.start, s.end);
    const gold = line.spans.filter((s) => expectedTypes.has(s.type));
    for (const g of gold) {
      const c = count.get(g.type);
      if (!c) continue;
      c.labelled++;
      let ok = true;
      for (let i = g.start; i < g.end; i++) if (/[\p{L}\p{N}]/u.test(line.text[i]) && !covered[i]) ok = false;
      if (ok) c.found++;
      else misses.push({ id: line.id, type: g.type, text: g.text, protectedText: result.text });
    }
    for (const s of result.spans) {
      const c = count.get(s.type);
      if (!c) continue;
      c.protected++;
      if (gold.some((g) => g.start < s.end && s.start < g.end)) c.correct++;
      else
        falsePositives.push({
          id: line.id,
          type: s.type,
          text: line.text.slice(s.start, s.end),
          protectedText: result.text,
        });
    }
  }
  for (const call of calls) firewall.endCall(call);
  const rows: TypeScore[] = [];
  const total = { labelled: 0, found: 0, protected: 0, correct: 0 };
  const row = (type: PhiType | 'ALL', c: typeof total): TypeScore => {
    const recall = c.labelled === 0 ? 1 : c.found / c.labelled;
    const precision = c.protected === 0 ? 1 : c.correct / c.protected;
    const f2 = recall + precision === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
    return { type, ...c, recall, precision, f2 };
  };
  for (const t of PHI_TYPES) {
    const c = count.get(t);
    if (!c || (c.labelled === 0 && c.protected === 0)) continue;
    rows.push(row(t, c));
    total.labelled += c.labelled;
    total.found += c.found;
    total.protected += c.protected;
    total.correct += c.correct;
  }
  rows.push(row('ALL', total));
  return { policy, utterances, rows, misses, falsePositives };
}
