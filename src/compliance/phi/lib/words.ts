// The word layer every recognizer shares: tokens with offsets, and spoken numbers read as digits
// ("june twelfth nineteen seventy five" -> "june 12th 1975", "five oh three" -> 5 0 3), because
// speech-to-text engines without number formatting emit numbers as words.
import { FNV_OFFSET, FNV_PRIME, LEX_FILLER, LEX_NUMBER_WORD, lexiconFlags } from './lexicon.ts';
import { NUMBER_WORDS, type NumberWord } from './number-words.ts';

export type Token = {
  start: number;
  end: number;
  text: string;
  lower: string;
  kind: 'word' | 'digits' | 'punct';
  // lower without a trailing "'s" ("Lopez's" -> "lopez")
  bare: string;
  // LEX_* flags of the word (lexicon.ts); 0 for digits and punctuation
  flags: number;
  // SHAPE_* bits of how the word is written
  shape: number;
};

// starts with a capital letter
export const SHAPE_UPPER_FIRST = 1;
// two or more letters, all capitals ("MRN", "XJH")
export const SHAPE_ALL_UPPER = 2;
// capitalised like a name: "Maria", "O'Brien", not "MRN"
export const SHAPE_CAPITAL = 4;
// holds a capital letter anywhere ("McDonald")
export const SHAPE_HAS_UPPER = 8;

const UPPER = /\p{Lu}/u;
const ALL_UPPER = /^\p{Lu}{2,}$/u;

const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
const SPACE = /\s/u;

// 1 letter, 2 digit, 3 space, 0 anything else; ASCII only (the rest goes through the regexes)
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_CLASS[c] = 1;
  else if (c >= 48 && c <= 57) ASCII_CLASS[c] = 2;
  else if (c === 32 || (c >= 9 && c <= 13)) ASCII_CLASS[c] = 3;
}

// one-character strings made once: punctuation is a fifth of all tokens
const ASCII_CHARS = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c] === 1;
  return LETTER_OR_MARK.test(String.fromCodePoint(text.codePointAt(i) ?? c));
}

function codePointWidth(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return 1;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

function shapeOf(text: string): number {
  let hasUpper = 0;
  for (let i = 0; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d >= 65 && d <= 90) {
      hasUpper = SHAPE_HAS_UPPER;
      break;
    }
    if (d >= 128) {
      if (UPPER.test(text)) hasUpper = SHAPE_HAS_UPPER;
      break;
    }
  }
  if (!hasUpper) return 0;
  const c = text.charCodeAt(0);
  const upperFirst =
    c < 128 ? c >= 65 && c <= 90 : UPPER.test(String.fromCodePoint(text.codePointAt(0) ?? c));
  let allUpper = text.length >= 2;
  if (allUpper) {
    for (let i = 0; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d >= 128) {
        allUpper = ALL_UPPER.test(text);
        break;
      }
      if (d < 65 || d > 90) {
        allUpper = false;
        break;
      }
    }
  }
  if (!upperFirst) return hasUpper | (allUpper ? SHAPE_ALL_UPPER : 0);
  return hasUpper | (allUpper ? SHAPE_UPPER_FIRST | SHAPE_ALL_UPPER : SHAPE_UPPER_FIRST | SHAPE_CAPITAL);
}

function word(
  text: string,
  start: number,
  end: number,
  upper: boolean,
  apostrophe: boolean,
  hash: number | undefined,
): Token {
  const t = text.slice(start, end);
  let lower = upper ? t.toLowerCase() : t;
  if (apostrophe && lower.includes('’')) lower = lower.replaceAll('’', "'");
  const bare = apostrophe && lower.endsWith("'s") ? lower.slice(0, -2) : lower;
  return {
    start,
    end,
    text: t,
    lower,
    kind: 'word',
    bare,
    flags: lexiconFlags(lower, bare, hash),
    shape: upper ? shapeOf(t) : 0,
  };
}

// One pass over the text: a word is letters (and marks) joined by inner apostrophes ("O'Brien",
// "it’s"), a number is a run of ASCII digits, anything else that is not space is one token.
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const cls = c < 128 ? ASCII_CLASS[c] : 0;
    if (cls === 3) {
      i++;
      continue;
    }
    const start = i;
    if (cls === 2) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d < 48 || d > 57) break;
        i++;
      }
      const t = text.slice(start, i);
      tokens.push({ start, end: i, text: t, lower: t, kind: 'digits', bare: t, flags: 0, shape: 0 });
      continue;
    }
    if (cls === 1 || (c >= 128 && isLetterAt(text, i))) {
      // upper: a letter that lower-casing may change (ASCII capitals, anything not ASCII)
      let upper = c < 97 || c >= 128;
      let apostrophe = false;
      // the lexicon's hash of the lower-cased word, while it is all ASCII (lexicon.ts wordHash)
      let ascii = c < 128;
      let hash = ascii ? Math.imul(FNV_OFFSET ^ (c | 32), FNV_PRIME) : 0;
      i += c >= 0xd800 ? codePointWidth(text, i) : 1;
      for (;;) {
        while (i < n) {
          const d = text.charCodeAt(i);
          if (d < 128) {
            if (ASCII_CLASS[d] !== 1) break;
            if (d < 97) upper = true;
            hash = Math.imul(hash ^ (d | 32), FNV_PRIME);
            i++;
          } else if (isLetterAt(text, i)) {
            upper = true;
            ascii = false;
            i += codePointWidth(text, i);
          } else break;
        }
        const a = text.charCodeAt(i);
        if ((a === 39 || a === 0x2019) && i + 1 < n && isLetterAt(text, i + 1)) {
          apostrophe = true;
          if (a === 0x2019) {
            upper = true;
            ascii = false;
          }
          hash = Math.imul(hash ^ a, FNV_PRIME);
          i++;
          continue;
        }
        break;
      }
      tokens.push(word(text, start, i, upper, apostrophe, ascii ? hash : undefined));
      continue;
    }
    if (c >= 128 && SPACE.test(text[i])) {
      i++;
      continue;
    }
    i += codePointWidth(text, i);
    const t = c < 128 ? ASCII_CHARS[c] : text.slice(start, i);
    const lower = c < 128 ? t : t.toLowerCase();
    tokens.push({ start, end: i, text: t, lower, kind: 'punct', bare: lower, flags: 0, shape: 0 });
  }
  return tokens;
}

function ordinalSuffix(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

export type NumberGroup = { start: number; end: number; value: number; ordinal: boolean; digits: string };

const NONE: NumberWord = {};

// Reads a run of number words (fillers and hyphens inside allowed) into groups the way people
// say dates: "nineteen seventy five" -> 1975, "two thousand two" -> 2002, "twenty first" -> 21st,
// "oh three" -> 03. Returns groups keyed by the token index where each starts.
export type NumberGroups = ReadonlyMap<number, { group: NumberGroup; next: number }>;

// what an utterance without number words gets: nothing is built for it
const NO_GROUPS: NumberGroups = new Map();

export function readNumberWords(tokens: Token[]): NumberGroups {
  const n = tokens.length;
  // most utterances hold no number word: the lexicon flags decide before anything is built
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (tokens[i].flags & LEX_NUMBER_WORD) {
      first = i;
      break;
    }
  }
  if (first < 0) return NO_GROUPS;
  const out = new Map<number, { group: NumberGroup; next: number }>();
  const info: Array<NumberWord | undefined> = new Array(n);
  for (let i = 0; i < n; i++) {
    const flags = tokens[i].flags;
    if (flags & LEX_NUMBER_WORD) info[i] = NUMBER_WORDS.get(tokens[i].lower);
    else if (flags & LEX_FILLER) info[i] = NONE;
  }
  const num = (i: number): NumberWord | undefined => (info[i] === NONE ? undefined : info[i]);
  // skip a hyphen between two number words ("twenty-first", "sixty-one"), and fillers
  const after = (i: number): number => {
    let j = i + 1;
    while (j < n && ((tokens[j].text === '-' && num(j + 1) !== undefined) || info[j] === NONE)) j++;
    return j;
  };
  // a ones digit that can end a number ("seventy five"; not "seventy oh")
  const ones = (x: NumberWord | undefined, j: number) =>
    x?.ones !== undefined && tokens[j].lower !== 'zero' && tokens[j].lower !== 'oh';
  for (let i = first; i < n; i++) {
    const a = num(i);
    if (!a || a.big) continue;
    const w = tokens[i].lower;
    const j = after(i);
    const b = num(j);
    const k = after(j);
    const c = num(k);
    let value = 0;
    let ordinal = false;
    let last = -1;
    let digits: string | undefined;
    if ((w === 'nineteen' || w === 'twenty' || w === 'eighteen') && b !== undefined) {
      // years: nineteen|twenty + (tens [ones] | teen | oh ones | hundred)
      const century = (a.teen ?? a.tens) as number;
      if (b.tens !== undefined) {
        if (ones(c, k)) {
          value = century * 100 + b.tens + (c?.ones as number);
          last = k;
        } else {
          value = century * 100 + b.tens;
          last = j;
        }
      } else if (b.teen !== undefined && w !== 'twenty') {
        value = century * 100 + b.teen;
        last = j;
      } else if (tokens[j].lower === 'oh' && c?.ones !== undefined) {
        value = century * 100 + c.ones;
        last = k;
      } else if (b.big === 'hundred') {
        value = century * 100;
        last = j;
      }
    }
    if (last < 0 && w === 'two' && b?.big === 'thousand') {
      let m = after(j);
      if (tokens[m]?.lower === 'and' && tokens[m].kind === 'word') m = after(m);
      const d = num(m);
      if (d?.ones !== undefined && tokens[m].lower !== 'oh') {
        value = 2000 + d.ones;
        last = m;
      } else if (d?.teen !== undefined) {
        value = 2000 + d.teen;
        last = m;
      } else if (d?.tens !== undefined) {
        const e = after(m);
        const f = num(e);
        if (ones(f, e)) {
          value = 2000 + d.tens + (f?.ones as number);
          last = e;
        } else {
          value = 2000 + d.tens;
          last = m;
        }
      } else {
        value = 2000;
        last = j;
      }
    }
    if (last < 0) {
      if (a.tens !== undefined) {
        if (b?.ordinal !== undefined && b.ordinal < 10) {
          value = a.tens + b.ordinal;
          ordinal = true;
          last = j;
        } else if (ones(b, j)) {
          value = a.tens + (b?.ones as number);
          last = j;
        } else {
          value = a.tens;
          last = i;
        }
      } else if (w === 'oh' && b?.ones !== undefined && tokens[j].lower !== 'oh') {
        value = b.ones;
        last = j;
        digits = `0${b.ones}`;
      } else if (a.ordinal !== undefined) {
        value = a.ordinal;
        ordinal = true;
        last = i;
      } else if (a.teen !== undefined) {
        value = a.teen;
        last = i;
      } else if (w !== 'oh' && a.ones !== undefined) {
        value = a.ones;
        last = i;
      }
    }
    if (last < 0) continue;
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
    i = last;
  }
  return out;
}
