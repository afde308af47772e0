// Every word list a recognizer asks about, folded into one map from a word to bit flags, so a
// token is looked up once when it is made instead of once per list per recognizer (the word
// lists stay where they are explained; this only indexes them).

import { COMMON_WORDS } from './common-words.ts';
import { CUE_WORDS } from './cue-words.ts';
import { DATE_WORDS } from './date-words.ts';
import { NOT_NAMES, PRACTITIONER_TITLES, STRONG_NAME_CUES, TITLES, WEAK_NAME_CUES } from './name-cues.ts';
import { readCensusNames } from './name-dictionary.ts';
import { DIGIT_WORDS, FILLERS, NUMBER_WORDS } from './number-words.ts';
import { STREET_WORDS } from './street-words.ts';

// flags of the word as it is (lower-cased)
export const LEX_NUMBER_WORD = 1 << 0;
export const LEX_DIGIT_WORD = 1 << 1;
export const LEX_NOT_NAME = 1 << 2;
export const LEX_TITLE = 1 << 3;
export const LEX_PRACTITIONER = 1 << 4;
export const LEX_STRONG_CUE_END = 1 << 5;
export const LEX_WEAK_CUE_END = 1 << 6;
export const LEX_CUE_START = 1 << 7;
export const LEX_FILLER = 1 << 8;
export const LEX_STREET = 1 << 9; // a street type or a word that starts a street name
export const LEX_EMAIL_DOT = 1 << 10; // "dot" of a spoken email address
// flags of the word without a trailing "'s" ("Lopez's" is looked up as "lopez")
export const LEX_GIVEN = 1 << 16;
export const LEX_SURNAME = 1 << 17;
export const LEX_COMMON = 1 << 18;
export const LEX_DATE_WORD = 1 << 19;
export const LEX_CHRISTMAS = 1 << 20;
export const LEX_TIME_UNIT = 1 << 21; // "days", "hours", "month": a count of them may be a date
export const BARE_FLAGS =
  LEX_GIVEN | LEX_SURNAME | LEX_COMMON | LEX_DATE_WORD | LEX_CHRISTMAS | LEX_TIME_UNIT;

// The census lists hold about 94,000 names, too many to stay in the processor's caches between
// utterances. The everyday words sit in a small open-addressing table of their own, probed with
// a hash the tokenizer computes while it reads the word; a bit filter (a Bloom filter, two probes
// from the same hash) rules most other words out before the large table of names is consulted.
// That table is packed: one string of every name and typed arrays of offsets, flags and slots,
// about 2.3 MB in all, where Maps of the names (with the census arrays they were read from) held
// 13.6 MB of heap in every gateway process.
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over the word's UTF-16 code units, as tokenize() computes it for ASCII words. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

const WORD_SLOTS = 1 << 12;
const FILTER_BITS = 1 << 20;
// about a third full with the census names: a lookup ends after one or two probes
const NAME_SLOTS = 1 << 18;
// the name flags (LEX_GIVEN, LEX_SURNAME) are stored shifted down into a byte
const NAME_FLAG_SHIFT = 16;

type Lexicon = {
  slots: Int32Array; // 1 + index into keys/values, 0 = empty
  keys: string[];
  values: number[];
  filter: Uint32Array;
  // the census names that are not among the words above: name i is
  // nameText.slice(nameStart[i], nameStart[i + 1]), its flags nameFlags[i] << NAME_FLAG_SHIFT
  nameSlots: Int32Array; // 1 + name index, 0 = empty
  nameText: string;
  nameStart: Int32Array;
  nameFlags: Uint8Array;
};

let lexicon: Lexicon | undefined;

// the two bits lookup() tests
function setFilterBits(filter: Uint32Array, hash: number): void {
  const b1 = hash & (FILTER_BITS - 1);
  const h2 = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  const b2 = (h2 ^ (h2 >>> 12)) & (FILTER_BITS - 1);
  filter[b1 >>> 5] |= 1 << (b1 & 31);
  filter[b2 >>> 5] |= 1 << (b2 & 31);
}

function build(): Lexicon {
  const words = new Map<string, number>();
  const add = (word: string, flag: number) => words.set(word, (words.get(word) ?? 0) | flag);
  for (const w of COMMON_WORDS) add(w, LEX_COMMON);
  for (const [w, dw] of DATE_WORDS)
    add(w, dw.kind === 'unit' ? LEX_DATE_WORD | LEX_TIME_UNIT : LEX_DATE_WORD);
  for (const w of NUMBER_WORDS.keys()) add(w, LEX_NUMBER_WORD);
  for (const w of DIGIT_WORDS.keys()) add(w, LEX_DIGIT_WORD);
  for (const w of NOT_NAMES) add(w, LEX_NOT_NAME);
  for (const w of TITLES) add(w, LEX_TITLE);
  for (const w of PRACTITIONER_TITLES) add(w, LEX_PRACTITIONER);
  for (const w of FILLERS) add(w, LEX_FILLER);
  for (const cue of STRONG_NAME_CUES) add(cue[cue.length - 1], LEX_STRONG_CUE_END);
  for (const cue of WEAK_NAME_CUES) add(cue[cue.length - 1], LEX_WEAK_CUE_END);
  for (const [words] of CUE_WORDS) add(words[0], LEX_CUE_START);
  for (const w of STREET_WORDS) add(w, LEX_STREET);
  add('dot', LEX_EMAIL_DOT);
  add('christmas', LEX_CHRISTMAS);
  const census = readCensusNames();
  const filter = new Uint32Array(FILTER_BITS / 32);
  const nameSlots = new Int32Array(NAME_SLOTS);
  const nameKeys: string[] = [];
  const nameFlags = new Uint8Array(census.given.length + census.surnames.length);
  const addName = (w: string, flag: number) => {
    const own = words.get(w);
    if (own !== undefined) {
      words.set(w, own | flag);
      return;
    }
    const hash = wordHash(w);
    let p = hash & (NAME_SLOTS - 1);
    for (;;) {
      const k = nameSlots[p];
      if (k === 0) break;
      if (nameKeys[k - 1] === w) {
        nameFlags[k - 1] |= flag >>> NAME_FLAG_SHIFT;
        return;
      }
      p = (p + 1) & (NAME_SLOTS - 1);
    }
    nameFlags[nameKeys.length] = flag >>> NAME_FLAG_SHIFT;
    nameKeys.push(w);
    nameSlots[p] = nameKeys.length;
    setFilterBits(filter, hash);
  };
  for (const w of census.given) addName(w, LEX_GIVEN);
  for (const w of census.surnames) addName(w, LEX_SURNAME);
  const nameStart = new Int32Array(nameKeys.length + 1);
  for (let i = 0; i < nameKeys.length; i++) nameStart[i + 1] = nameStart[i] + nameKeys[i].length;
  const slots = new Int32Array(WORD_SLOTS);
  const keys: string[] = [];
  const values: number[] = [];
  for (const [w, flags] of words) {
    let p = wordHash(w) & (WORD_SLOTS - 1);
    while (slots[p] !== 0) p = (p + 1) & (WORD_SLOTS - 1);
    keys.push(w);
    values.push(flags);
    slots[p] = keys.length;
  }
  return {
    slots,
    keys,
    values,
    filter,
    nameSlots,
    nameText: nameKeys.join(''),
    nameStart,
    nameFlags: nameFlags.slice(0, nameKeys.length),
  };
}

function lookup(lex: Lexicon, word: string, hash: number): number {
  let p = hash & (WORD_SLOTS - 1);
  for (;;) {
    const k = lex.slots[p];
    if (k === 0) break;
    if (lex.keys[k - 1] === word) return lex.values[k - 1];
    p = (p + 1) & (WORD_SLOTS - 1);
  }
  const b1 = hash & (FILTER_BITS - 1);
  if ((lex.filter[b1 >>> 5] & (1 << (b1 & 31))) === 0) return 0;
  const h2 = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  const b2 = (h2 ^ (h2 >>> 12)) & (FILTER_BITS - 1);
  if ((lex.filter[b2 >>> 5] & (1 << (b2 & 31))) === 0) return 0;
  const { nameSlots, nameStart } = lex;
  for (let q = hash & (NAME_SLOTS - 1); ; q = (q + 1) & (NAME_SLOTS - 1)) {
    const k = nameSlots[q];
    if (k === 0) return 0;
    const start = nameStart[k - 1];
    if (nameStart[k] - start === word.length && lex.nameText.startsWith(word, start)) {
      return lex.nameFlags[k - 1] << NAME_FLAG_SHIFT;
    }
  }
}

/**
 * The flags of a lower-cased word: its own, and those of its bare form when it ends in "'s".
 * `hash` is wordHash(lower) when the caller has it already.
 */
export function lexiconFlags(lower: string, bare: string, hash?: number): number {
  if (!lexicon) lexicon = build();
  const own = hash === undefined ? lookupAccented(lexicon, lower) : lookup(lexicon, lower, hash);
  if (bare === lower) return own;
  return (own & ~BARE_FLAGS) | (lookupAccented(lexicon, bare) & BARE_FLAGS);
}

/**
 * Whether a lower-cased word, exactly as written, is a census given name ("obrien" for the
 * "O'Brien" of a caller's known name; no "'s" taken off, no accents folded).
 */
export function isCensusGivenName(lower: string): boolean {
  if (!lexicon) lexicon = build();
  return (lookup(lexicon, lower, wordHash(lower)) & LEX_GIVEN) !== 0;
}

const MARKS = /\p{M}/gu;

// "García", "José" (composed or not): the census spells names without accents. Only the name
// flags come from the unaccented spelling: "theñ" is not the everyday word "then".
function lookupAccented(lex: Lexicon, word: string): number {
  const own = lookup(lex, word, wordHash(word));
  if (own & (LEX_GIVEN | LEX_SURNAME)) return own;
  const plain = word.normalize('NFD').replace(MARKS, '');
  if (plain === word) return own;
  return own | (lookup(lex, plain, wordHash(plain)) & (LEX_GIVEN | LEX_SURNAME));
}
