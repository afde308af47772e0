// Finds the identifiers in one utterance: runs every recognizer over the folded text, lets the
// stronger evidence win where two overlap, and maps the spans back onto the original text.
import { type Candidate, type Cue, cueBefore, findCues } from './lib/candidate.ts';
import type { PreparedKnown, Utterance } from './lib/context.ts';
import { foldText, toOriginal } from './lib/text.ts';
import { readNumberWords, tokenize } from './lib/words.ts';
import { recognizeAddresses } from './recognizers/address.ts';
import { recognizeDates } from './recognizers/dates.ts';
import { recognizeEmails } from './recognizers/email.ts';
import { recognizeKnownAddress, recognizeKnownNames } from './recognizers/known.ts';
import { recognizeNames } from './recognizers/names.ts';
import { recognizeNumbers } from './recognizers/numbers.ts';
import type { PhiSpan } from './types.ts';

export type DetectState = {
  known?: PreparedKnown;
  // cue carried from the previous utterance of the same call
  carriedCue?: Cue;
  now?: Date;
};

export type Detection = { spans: PhiSpan[]; carriedCue: Cue | undefined };

const PRACTITIONER = /(?:\b(?:dr|doctor|dra)\.?\s+)$/i;

// Long text is detected a sentence group at a time so cost stays linear in its length; a value
// never spans a sentence end, and a cut with no sentence end in sight falls on whitespace.
export const SEGMENT_CHARS = 1_000;

export function detectLong(input: string, state: DetectState = {}): Detection {
  if (input.length <= SEGMENT_CHARS * 2) return detect(input, state);
  const spans: PhiSpan[] = [];
  let carriedCue = state.carriedCue;
  let from = 0;
  while (from < input.length) {
    let to = Math.min(input.length, from + SEGMENT_CHARS);
    if (to < input.length) {
      const window = input.slice(to, Math.min(input.length, to + SEGMENT_CHARS));
      const boundary = window.search(/[.?!\n]\s/);
      if (boundary >= 0) to += boundary + 1;
      else {
        const space = window.search(/\s/);
        to = space >= 0 ? to + space : Math.min(input.length, to + SEGMENT_CHARS);
      }
    }
    const part = detect(input.slice(from, to), { ...state, carriedCue });
    for (const s of part.spans) spans.push({ ...s, start: s.start + from, end: s.end + from });
    carriedCue = part.carriedCue;
    from = to;
  }
  return { spans, carriedCue };
}

export function detect(input: string, state: DetectState = {}): Detection {
  const folded = foldText(input);
  const text = folded.text;
  const tokens = tokenize(text);
  const numbers = readNumberWords(tokens);
  const numberTokens = new Uint8Array(tokens.length);
  for (const [start, { next }] of numbers) numberTokens.fill(1, start, next);
  const cues = findCues(tokens);
  const u: Utterance = {
    folded,
    text,
    tokens,
    numbers,
    numberTokens,
    cues,
    carriedCue: state.carriedCue,
    known: state.known,
    lowercaseOnly: !/\p{Lu}/u.test(text),
    now: state.now ?? new Date(),
  };
  const tokenAt = (offset: number): number => {
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tokens[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const dobCue = (start: number): boolean => {
    const index = tokenAt(start);
    const cue = cueBefore(tokens, cues, index, 14);
    if (cue) return cue.cue === 'dob';
    return state.carriedCue === 'dob' && !cues.some((c) => c.endToken <= index);
  };
  const candidates: Candidate[] = [
    ...recognizeKnownNames(u),
    ...recognizeKnownAddress(u),
    ...recognizeEmails(u),
    ...recognizeNumbers(u),
    ...recognizeDates(u, dobCue),
    ...recognizeAddresses(u),
    ...recognizeNames(u),
  ].filter(
    (c) =>
      c.end > c.start &&
      !(c.type === 'NAME' && PRACTITIONER.test(text.slice(Math.max(0, c.start - 10), c.start))),
  );

  candidates.sort(
    (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const accepted: Candidate[] = [];
  for (const c of candidates) {
    const overlapping = accepted.filter((a) => c.start < a.end && a.start < c.end);
    if (overlapping.length === 0) {
      accepted.push(c);
      continue;
    }
    // a weaker span of the same type widens the stronger one ("Ms." + known "Goldberg"),
    // unless the widened span would run into a span of another type
    if (overlapping.every((a) => a.type === c.type)) {
      const start = Math.min(c.start, ...overlapping.map((a) => a.start));
      const end = Math.max(c.end, ...overlapping.map((a) => a.end));
      if (accepted.some((a) => !overlapping.includes(a) && a.start < end && start < a.end)) continue;
      const keep = overlapping[0];
      keep.start = start;
      keep.end = end;
      for (const a of overlapping.slice(1)) accepted.splice(accepted.indexOf(a), 1);
    }
  }
  accepted.sort((a, b) => a.start - b.start);
  const spans: PhiSpan[] = accepted.map((c) => {
    const [start, end] = toOriginal(folded, c.start, c.end);
    return { type: c.type, start, end, source: c.source };
  });
  return { spans, carriedCue: nextCue(u, accepted) };
}

// A cue at the very end of an utterance ("my name", "birthday is") applies to the next one; so
// does a short utterance that was itself a birth date or a name ("the fifth of November" /
// "nineteen sixty").
function nextCue(u: Utterance, accepted: Candidate[]): Cue | undefined {
  const last = u.cues.at(-1);
  const wordsAfter = last ? u.tokens.slice(last.endToken).filter((t) => t.kind === 'word').length : 99;
  if (last && wordsAfter <= 1 && accepted.every((c) => c.end <= u.tokens[last.tokenIndex].start))
    return last.cue;
  if (u.tokens.filter((t) => t.kind !== 'punct').length <= 8) {
    if (accepted.some((c) => c.type === 'DOB')) return 'dob';
  }
  return undefined;
}
