// Member ids as a caller says them (issue 5 "Bad input"): "uh, it's W, two, three, four, five"
// is W2345. Normalised the way a person at the front desk would write it down: filler dropped,
// digits said as words turned into digits ("double five" is 55, "twenty three" is 23), letters
// spelled out kept ("W", "W as in William", "whiskey"), separators ("dash", spaces, commas)
// dropped. Anything else (a word that is none of these) is not guessed at: the caller is asked
// again.
import { SPOKEN_DIGITS } from '../../lib/spoken-numbers.ts';

/** Shortest and longest member id accepted after normalisation (payer cards: 6-20 in practice). */
export const MIN_MEMBER_ID_CHARS = 3;
export const MAX_MEMBER_ID_CHARS = 30;

// "o" alone is the letter O in an id ("W O 4"), never zero; "oh" still is.
const { o: _letterO, ...DIGITS } = SPOKEN_DIGITS;

const TEENS: Readonly<Record<string, string>> = {
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
};

const TENS: Readonly<Record<string, string>> = {
  twenty: '2',
  thirty: '3',
  forty: '4',
  fifty: '5',
  sixty: '6',
  seventy: '7',
  eighty: '8',
  ninety: '9',
};

const REPEATS: Readonly<Record<string, number>> = { double: 2, triple: 3 };

// ICAO/NATO spelling alphabet, as callers use it on the phone.
const NATO: Readonly<Record<string, string>> = {
  alpha: 'A',
  alfa: 'A',
  bravo: 'B',
  charlie: 'C',
  delta: 'D',
  echo: 'E',
  foxtrot: 'F',
  golf: 'G',
  hotel: 'H',
  india: 'I',
  juliet: 'J',
  juliett: 'J',
  kilo: 'K',
  lima: 'L',
  mike: 'M',
  november: 'N',
  oscar: 'O',
  papa: 'P',
  quebec: 'Q',
  romeo: 'R',
  sierra: 'S',
  tango: 'T',
  uniform: 'U',
  victor: 'V',
  whiskey: 'W',
  whisky: 'W',
  xray: 'X',
  yankee: 'Y',
  zulu: 'Z',
};

// Words that carry no character of the id. Single letters are never filler ("a" is the letter
// A). "oh" is filler before the id starts ("oh, it's..."), zero once it has.
const FILLER = new Set([
  'uh',
  'um',
  'umm',
  'uhm',
  'er',
  'erm',
  'ah',
  'hmm',
  'mm',
  'ok',
  'okay',
  'so',
  'well',
  'like',
  'yeah',
  'yes',
  'let',
  'me',
  'it',
  'its',
  "it's",
  'is',
  'it’s',
  'that',
  "that's",
  'thats',
  'my',
  'the',
  'an',
  'member',
  'id',
  'number',
  'subscriber',
  'policy',
  'card',
  'says',
  'dash',
  'hyphen',
  'space',
  'then',
  'and',
  'capital',
  'letter',
  'sorry',
  'wait',
  'think',
]);

export type MemberIdResult =
  | { readonly ok: true; readonly memberId: string }
  | { readonly ok: false; readonly problem: 'empty' | 'unrecognized' | 'too-short' | 'too-long' };

/** Turns spoken or typed member ids into the id as printed (upper case letters and digits). */
export function normalizeMemberId(spoken: string): MemberIdResult {
  // A chunk written with separators and digits ("zgp-8812-44", "W234.567") is an id as typed;
  // other punctuation only separates words. `x-ray` is one word.
  const words: string[] = [];
  for (const chunk of spoken
    .toLowerCase()
    .normalize('NFKC')
    .replace(/x-ray/g, 'xray')
    .split(/[\s,;:!?]+/)) {
    if (/^[a-z0-9]+(?:[-./][a-z0-9]+)+$/.test(chunk) && /\d/.test(chunk)) {
      words.push(`#${chunk.replace(/[-./]/g, '')}`);
      continue;
    }
    words.push(
      ...chunk
        .replace(/[^a-z0-9'’]+/g, ' ')
        .trim()
        .split(' ')
        .filter((w) => w !== ''),
    );
  }
  let out = '';
  let repeat = 1;
  const emit = (chars: string) => {
    out += chars.repeat(repeat);
    repeat = 1;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (word.startsWith('#')) {
      emit(word.slice(1).toUpperCase());
      continue;
    }
    // "W as in William": the letter stands, the example word goes.
    if (word === 'as' && next === 'in') {
      i += 2;
      continue;
    }
    if (word in REPEATS) {
      repeat = REPEATS[word] as number;
      continue;
    }
    if (word === 'oh' && out === '' && !(next !== undefined && (next in DIGITS || /^\d+$/.test(next))))
      continue;
    if (word in DIGITS) {
      emit(DIGITS[word] as string);
      continue;
    }
    if (word in TEENS) {
      emit(TEENS[word] as string);
      continue;
    }
    if (word in TENS) {
      // "twenty three" is 23, "twenty" alone 20.
      const unit =
        next !== undefined && next in DIGITS && next !== 'zero' && next !== 'oh' ? DIGITS[next] : undefined;
      emit(`${TENS[word]}${unit ?? '0'}`);
      if (unit !== undefined) i += 1;
      continue;
    }
    if (word === 'hundred' && out !== '') {
      out += '00';
      continue;
    }
    if (word === 'thousand' && out !== '') {
      out += '000';
      continue;
    }
    if (word in NATO) {
      emit(NATO[word] as string);
      continue;
    }
    if (FILLER.has(word)) continue;
    // A single letter, or an id (or part of one) already written out: "W234", "7".
    if (/^[a-z0-9]+$/.test(word) && (word.length === 1 || /\d/.test(word))) {
      emit(word.toUpperCase());
      continue;
    }
    return { ok: false, problem: 'unrecognized' };
  }
  if (out === '') return { ok: false, problem: 'empty' };
  if (out.length < MIN_MEMBER_ID_CHARS) return { ok: false, problem: 'too-short' };
  if (out.length > MAX_MEMBER_ID_CHARS) return { ok: false, problem: 'too-long' };
  return { ok: true, memberId: out };
}
