// Numbers as callers say them, shared by everything that reads spoken input: phone numbers and
// member ids read one digit at a time ("five oh three"), and dates ("march third"). One table, so
// identity matching, insurance and the PHI firewall hear the same words the same way.

/** Digit words, including "oh" and "o" for zero as callers say it in phone numbers. */
export const SPOKEN_DIGITS: Readonly<Record<string, string>> = Object.freeze({
  zero: '0',
  oh: '0',
  o: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
});

/** Day-of-month ordinals ("the third", "twenty-first" is "twenty" + "first"). */
export const SPOKEN_ORDINALS: Readonly<Record<string, number>> = Object.freeze({
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
  thirteenth: 13,
  fourteenth: 14,
  fifteenth: 15,
  sixteenth: 16,
  seventeenth: 17,
  eighteenth: 18,
  nineteenth: 19,
  twentieth: 20,
  thirtieth: 30,
});

export const SPOKEN_TEENS: Readonly<Record<string, number>> = Object.freeze({
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
});

export const SPOKEN_TENS: Readonly<Record<string, number>> = Object.freeze({
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
});

/** SPOKEN_DIGITS as numbers, without the words listed in `except` (e.g. "o" where it is a letter). */
export function digitValues(except: readonly string[] = []): Readonly<Record<string, number>> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(SPOKEN_DIGITS)
        .filter(([word]) => !except.includes(word))
        .map(([word, digit]) => [word, Number(digit)]),
    ),
  );
}
