// Finds the identifiers in one utterance: runs every recognizer over the folded text, lets the
// stronger evidence win where two overlap, and maps the spans back onto the original text.
import { type Candidate, type Cue, cueBefore, findCues } from './lib/candidate.ts';
import type { PreparedKnown, Utterance } from './lib/context.ts';
import { LEX_PRACTITIONER } from './lib/lexicon.ts';
import { foldText, toOriginal } from './lib/text.ts';
import { readNumberWords, SHAPE_HAS_UPPER, type Token, tokenize } from './lib/words.ts';
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
  let flags = 0;
  let shapes = 0;
  let hasDigits = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    flags |= t.flags;
    shapes |= t.shape;
    if (t.kind === 'digits') hasDigits = true;
  }
  const numbers = readNumberWords(tokens);
  let numberTokens = NO_NUMBERS;
  if (numbers.size > 0) {
    numberTokens = new Uint8Array(tokens.length);
    for (const [start, { next }] of numbers) numberTokens.fill(1, start, next);
  }
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
    lowercaseOnly: !(shapes & SHAPE_HAS_UPPER),
    flags,
    hasDigits,
    now: state.now ?? new Date(),
  };
  const dobCue = (start: number): boolean => {
    const index = tokenAt(tokens, start);
    const cue = cueBefore(tokens, cues, index, 14);
    if (cue) return cue.cue === 'dob';
    if (state.carriedCue !== 'dob') return false;
    for (const c of cues) if (c.endToken <= index) return false;
    return true;
  };
  const found: Candidate[] = [];
  recognizeKnownNames(u, found);
  recognizeKnownAddress(u, found);
  recognizeEmails(u, found);
  recognizeNumbers(u, found);
  recognizeDates(u, dobCue, found);
  recognizeAddresses(u, found);
  recognizeNames(u, found);
  const candidates: Candidate[] = [];
  for (const c of found) {
    if (c.end <= c.start) continue;
    if (
      c.type === 'NAME' &&
      flags & LEX_PRACTITIONER &&
      PRACTITIONER.test(text.slice(Math.max(0, c.start - 10), c.start))
    )
      continue;
    candidates.push(c);
  }
  const accepted = resolveOverlaps(candidates);
  const spans: PhiSpan[] = new Array(accepted.length);
  for (let i = 0; i < accepted.length; i++) {
    const c = accepted[i];
    if (folded.origin) {
      const [start, end] = toOriginal(folded, c.start, c.end);
      spans[i] = { type: c.type, start, end, source: c.source };
    } else spans[i] = { type: c.type, start: c.start, end: c.end, source: c.source };
  }
  return { spans, carriedCue: nextCue(u, accepted) };
}

const NO_NUMBERS = new Uint8Array(0);

function tokenAt(tokens: Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// The stronger evidence wins where two candidates overlap (higher priority, then the longer
// span, then the earlier one); the result is in text order.
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  if (candidates.length <= 1) return candidates;
  candidates.sort(byStrength);
  const accepted: Candidate[] = [];
  const overlapping: Candidate[] = [];
  for (const c of candidates) {
    overlapping.length = 0;
    let sameType = true;
    for (const a of accepted) {
      if (c.start < a.end && a.start < c.end) {
        overlapping.push(a);
        if (a.type !== c.type) sameType = false;
      }
    }
    if (overlapping.length === 0) {
      accepted.push(c);
      continue;
    }
    // a weaker span of the same type widens the stronger one ("Ms." + known "Goldberg"),
    // unless the widened span would run into a span of another type
    if (!sameType) continue;
    let start = c.start;
    let end = c.end;
    for (const a of overlapping) {
      if (a.start < start) start = a.start;
      if (a.end > end) end = a.end;
    }
    let blocked = false;
    for (const a of accepted) {
      if (!overlapping.includes(a) && a.start < end && start < a.end) blocked = true;
    }
    if (blocked) continue;
    const keep = overlapping[0];
    keep.start = start;
    keep.end = end;
    for (let k = 1; k < overlapping.length; k++) accepted.splice(accepted.indexOf(overlapping[k]), 1);
  }
  accepted.sort((a, b) => a.start - b.start);
  return accepted;
}

function byStrength(a: Candidate, b: Candidate): number {
  return b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

// A cue at the very end of an utterance ("my name", "birthday is") applies to the next one; so
// does a short utterance that was itself a birth date or a name ("the fifth of November" /
// "nineteen sixty").
function nextCue(u: Utterance, accepted: Candidate[]): Cue | undefined {
  const t = u.tokens;
  const last = u.cues.at(-1);
  if (last) {
    let wordsAfter = 0;
    for (let i = last.endToken; i < t.length; i++) if (t[i].kind === 'word') wordsAfter++;
    const cueStart = t[last.tokenIndex].start;
    if (wordsAfter <= 1 && accepted.every((c) => c.end <= cueStart)) return last.cue;
  }
  let dob = false;
  for (const c of accepted) if (c.type === 'DOB') dob = true;
  if (!dob) return undefined;
  let spoken = 0;
  for (const tok of t) if (tok.kind !== 'punct') spoken++;
  return spoken <= 8 ? 'dob' : undefined;
}
