// Number words as one table: what each is worth as a digit read out ("oh" = 0), as part of a
// number said the long way ("nineteen seventy five"), or as an ordinal ("twelfth").
import { SPOKEN_DIGITS, SPOKEN_ORDINALS, SPOKEN_TEENS, SPOKEN_TENS } from '../../../lib/spoken-numbers.ts';

export type NumberWord = {
  ones?: number; // zero..nine and "oh"; "o" alone is as often a letter, so it is not here
  teen?: number;
  tens?: number;
  ordinal?: number;
  big?: 'hundred' | 'thousand';
};

export const NUMBER_WORDS = new Map<string, NumberWord>();
const entry = (word: string): NumberWord => {
  let e = NUMBER_WORDS.get(word);
  if (!e) {
    e = {};
    NUMBER_WORDS.set(word, e);
  }
  return e;
};
for (const [w, d] of Object.entries(SPOKEN_DIGITS)) if (w !== 'o') entry(w).ones = Number(d);
for (const [w, v] of Object.entries(SPOKEN_TEENS)) entry(w).teen = v;
for (const [w, v] of Object.entries(SPOKEN_TENS)) entry(w).tens = v;
for (const [w, v] of Object.entries(SPOKEN_ORDINALS)) entry(w).ordinal = v;
entry('hundred').big = 'hundred';
entry('thousand').big = 'thousand';

// digits read one at a time, "o" included ("five o three")
export const DIGIT_WORDS: ReadonlyMap<string, string> = new Map(Object.entries(SPOKEN_DIGITS));

export const FILLERS: ReadonlySet<string> = new Set(['uh', 'um', 'er', 'erm', 'uhm', 'hmm']);
