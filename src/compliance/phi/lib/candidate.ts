import type { PhiType } from '../types.ts';
import { CUE_WORDS, type Cue } from './cue-words.ts';
import { LEX_CUE_START } from './lexicon.ts';
import type { Token } from './words.ts';

export type { Cue };

// A span a recognizer proposes, in folded-text offsets. Higher priority wins an overlap.
export type Candidate = {
  type: PhiType;
  start: number;
  end: number;
  priority: number;
  source: 'known' | 'recognizer' | 'dictionary';
};

export const PRIORITY = {
  known: 100,
  SSN: 90,
  EMAIL: 85,
  MEMBER_ID: 80,
  MRN: 80,
  PHONE: 70,
  DOB: 60,
  ADDRESS: 50,
  DATE: 45,
  NAME: 30,
} as const;

const CUES_BY_FIRST = new Map<string, Array<[string[], Cue]>>();
for (const entry of CUE_WORDS) {
  const list = CUES_BY_FIRST.get(entry[0][0]) ?? [];
  list.push(entry);
  CUES_BY_FIRST.set(entry[0][0], list);
}
for (const list of CUES_BY_FIRST.values()) list.sort((a, b) => b[0].length - a[0].length);

export type CueHit = { cue: Cue; tokenIndex: number; endToken: number };

// Every cue in the utterance, in token order. A later, longer cue ("medical record number")
// is matched before its prefix ("medical").
export function findCues(tokens: Token[]): CueHit[] {
  const hits: CueHit[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (!(tokens[i].flags & LEX_CUE_START)) continue;
    const list = CUES_BY_FIRST.get(tokens[i].lower);
    if (!list) continue;
    for (const [words, cue] of list) {
      let ok = true;
      for (let k = 1; k < words.length; k++) {
        if (tokens[i + k]?.lower !== words[k]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        // "medical record number is": the "number is" belongs to the cue before it
        const prior = hits.at(-1);
        if (words[0] === 'number' && prior && prior.endToken === i) {
          prior.endToken = i + words.length;
          i += words.length - 1;
          break;
        }
        hits.push({ cue, tokenIndex: i, endToken: i + words.length });
        i += words.length - 1;
        break;
      }
    }
  }
  return hits;
}

// The closest cue before token `index` in the same sentence, no further than `maxTokens` back.
export function cueBefore(
  tokens: Token[],
  cues: CueHit[],
  index: number,
  maxTokens = 10,
): CueHit | undefined {
  let best: CueHit | undefined;
  for (const hit of cues) {
    if (hit.endToken > index || index - hit.endToken > maxTokens) continue;
    let crosses = false;
    for (let k = hit.endToken; k < index; k++) {
      const t = tokens[k].text;
      if (t === '.' || t === '?' || t === '!' || t === ';') crosses = true;
    }
    if (!crosses && (!best || hit.endToken > best.endToken)) best = hit;
  }
  return best;
}
