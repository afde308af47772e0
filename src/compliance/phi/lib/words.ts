// The word layer every recognizer shares: tokens with offsets, and spoken numbers read as digits
// ("june twelfth nineteen seventy five" -> "june 12th 1975", "five oh three" -> 5 0 3), because
// speech-to-text engines without number formatting emit numbers as words.
import {
  digitValues,
  SPOKEN_DIGITS,
  SPOKEN_ORDINALS,
  SPOKEN_TEENS,
  SPOKEN_TENS,
} from '../../../lib/spoken-numbers.ts';

export type Token = {
  start: number;
  end: number;
  text: string;
  lower: string;
  kind: 'word' | 'digits' | 'punct';
};

const TOKEN = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\d+|\S/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    const c = t.charCodeAt(0);
    const kind = c >= 48 && c <= 57 ? 'digits' : /^[\p{L}\p{M}]/u.test(t) ? 'word' : 'punct';
    const start = m.index;
    tokens.push({ start, end: start + t.length, text: t, lower: t.toLowerCase().replace('’', "'"), kind });
  }
  return tokens;
}

// "o" alone is as often a letter as a zero; digit runs read it through SPOKEN_DIGIT instead.
export const ONES = digitValues(['o']);
export const TEENS = SPOKEN_TEENS;
export const TENS = SPOKEN_TENS;
export const ORDINALS = SPOKEN_ORDINALS;
const FILLERS = new Set(['uh', 'um', 'er', 'erm', 'uhm', 'hmm']);

export function isNumberWord(lower: string): boolean {
  return (
    lower in ONES ||
    lower in TEENS ||
    lower in TENS ||
    lower in ORDINALS ||
    lower === 'hundred' ||
    lower === 'thousand'
  );
}

function ordinalSuffix(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

export type NumberGroup = { start: number; end: number; value: number; ordinal: boolean; digits: string };

// Reads a run of number words (fillers and hyphens inside allowed) into groups the way people
// say dates: "nineteen seventy five" -> 1975, "two thousand two" -> 2002, "twenty first" -> 21st,
// "oh three" -> 03. Returns groups keyed by the token index where each starts.
export function readNumberWords(tokens: Token[]): Map<number, { group: NumberGroup; next: number }> {
  const out = new Map<number, { group: NumberGroup; next: number }>();
  const word = (i: number): string | undefined => {
    const t = tokens[i];
    return t && t.kind === 'word' ? t.lower : undefined;
  };
  // skip a hyphen between two number words ("twenty-first", "sixty-one")
  const after = (i: number): number => {
    let j = i + 1;
    while (
      tokens[j] &&
      ((tokens[j].text === '-' && isNumberWord(word(j + 1) ?? '')) || FILLERS.has(word(j) ?? ''))
    )
      j++;
    return j;
  };
  let skipUntil = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (i < skipUntil) continue;
    const w = word(i);
    if (!w || !isNumberWord(w) || w === 'hundred' || w === 'thousand') continue;
    const j = after(i);
    const w2 = word(j);
    const k = after(j);
    const w3 = word(k);
    const emit = (value: number, ordinal: boolean, last: number, digits?: string) => {
      out.set(i, {
        group: {
          start: tokens[i].start,
          end: tokens[last].end,
          value,
          ordinal,
          digits: digits ?? (ordinal ? `${value}${ordinalSuffix(value)}` : String(value)),
        },
        next: last + 1,
      });
      skipUntil = last + 1;
    };
    // years: nineteen|twenty + (tens [ones] | teen | oh ones | hundred)
    if ((w === 'nineteen' || w === 'twenty' || w === 'eighteen') && w2 !== undefined) {
      const century = TEENS[w] ?? TENS[w];
      if (w2 in TENS) {
        if (w3 !== undefined && w3 in ONES && w3 !== 'zero' && w3 !== 'oh') {
          emit(century * 100 + TENS[w2] + ONES[w3], false, k);
        } else emit(century * 100 + TENS[w2], false, j);
        continue;
      }
      if (w2 in TEENS && w !== 'twenty') {
        emit(century * 100 + TEENS[w2], false, j);
        continue;
      }
      if (w2 === 'oh' && w3 !== undefined && w3 in ONES) {
        emit(century * 100 + ONES[w3], false, k);
        continue;
      }
      if (w2 === 'hundred') {
        emit(century * 100, false, j);
        continue;
      }
    }
    if (w === 'two' && w2 === 'thousand') {
      let m = after(j);
      if (word(m) === 'and') m = after(m);
      const w4 = word(m);
      if (w4 !== undefined && w4 in ONES && w4 !== 'oh') emit(2000 + ONES[w4], false, m);
      else if (w4 !== undefined && w4 in TEENS) emit(2000 + TEENS[w4], false, m);
      else if (w4 !== undefined && w4 in TENS) {
        const n = after(m);
        const w5 = word(n);
        if (w5 !== undefined && w5 in ONES && w5 !== 'oh') emit(2000 + TENS[w4] + ONES[w5], false, n);
        else emit(2000 + TENS[w4], false, m);
      } else emit(2000, false, j);
      continue;
    }
    if (w in TENS) {
      if (w2 !== undefined && w2 in ORDINALS && ORDINALS[w2] < 10) emit(TENS[w] + ORDINALS[w2], true, j);
      else if (w2 !== undefined && w2 in ONES && w2 !== 'zero' && w2 !== 'oh')
        emit(TENS[w] + ONES[w2], false, j);
      else emit(TENS[w], false, i);
      continue;
    }
    if (w === 'oh' && w2 !== undefined && w2 in ONES && w2 !== 'oh') {
      emit(ONES[w2], false, j, `0${ONES[w2]}`);
      continue;
    }
    if (w in ORDINALS) emit(ORDINALS[w], true, i);
    else if (w in TEENS) emit(TEENS[w], false, i);
    else if (w !== 'oh' && w in ONES) emit(ONES[w], false, i);
  }
  return out;
}

// Digit words and digits as one stream of digits, for phone numbers, member ids and SSNs read
// out one digit at a time ("five oh three, five five five, oh one double four").
export type DigitRun = { start: number; end: number; digits: string; tokenStart: number; tokenEnd: number };

const SPOKEN_DIGIT = SPOKEN_DIGITS;
const RUN_SEPARATORS = new Set(['-', '.', ',', '(', ')', '/']);

export function digitRuns(tokens: Token[]): DigitRun[] {
  const runs: DigitRun[] = [];
  let i = 0;
  while (i < tokens.length) {
    let digits = '';
    let j = i;
    let lastDigitToken = -1;
    while (j < tokens.length) {
      const t = tokens[j];
      if (t.kind === 'digits') {
        digits += t.text;
        lastDigitToken = j;
        j++;
      } else if (t.kind === 'word' && t.lower in SPOKEN_DIGIT && (t.lower !== 'o' || digits !== '')) {
        // "oh"/"o" only count once a run has started, so "oh, okay" starts no number
        if ((t.lower === 'oh' || t.lower === 'o') && digits === '' && !nextIsDigit(tokens, j)) break;
        digits += SPOKEN_DIGIT[t.lower];
        lastDigitToken = j;
        j++;
      } else if (t.kind === 'word' && (t.lower === 'double' || t.lower === 'triple')) {
        const n = tokens[j + 1];
        if (!n || !(n.lower in SPOKEN_DIGIT || /^\d$/.test(n.text))) break;
        const d = SPOKEN_DIGIT[n.lower] ?? n.text;
        digits += d.repeat(t.lower === 'double' ? 2 : 3);
        lastDigitToken = j + 1;
        j += 2;
      } else if (t.kind === 'punct' && RUN_SEPARATORS.has(t.text) && digits !== '') {
        j++;
      } else if (t.kind === 'punct' && t.text === '+' && digits === '') {
        j++;
      } else break;
    }
    if (lastDigitToken >= 0) {
      const first = tokens[i].text === '+' || tokens[i].text === '(' ? i : i;
      runs.push({
        start: tokens[first].start,
        end: tokens[lastDigitToken].end,
        digits,
        tokenStart: first,
        tokenEnd: lastDigitToken + 1,
      });
      i = lastDigitToken + 1;
    } else i = Math.max(j, i + 1);
  }
  return runs;
}

function nextIsDigit(tokens: Token[], j: number): boolean {
  const n = tokens[j + 1];
  return n !== undefined && (n.kind === 'digits' || (n.kind === 'word' && n.lower in SPOKEN_DIGIT));
}
