// Birth dates as callers say them and speech-to-text writes them: "March third nineteen eighty",
// "the 15th of March 1980", "03/15/1980", "1980-03-15", "two thousand and five". Numeric dates
// are read the US way (month first); the day-month transposition ("04/03/1980" meant as 4 March)
// is offered as an alternative only when both readings are real, different dates, and the
// workflow uses it only when it singles out one record (find-patient.ts). Impossible dates
// (30 February), future dates and ages over MAX_AGE_YEARS are refused with a precise problem.
import { digitValues, SPOKEN_ORDINALS, SPOKEN_TEENS, SPOKEN_TENS } from '../../lib/spoken-numbers.ts';

/** Oldest age accepted: the oldest verified human lived 122 years; a larger age is a mishearing. */
export const MAX_AGE_YEARS = 120;

export type BirthDateProblem = 'unreadable' | 'impossible' | 'future' | 'too_old';

export type ParsedBirthDate =
  | { readonly ok: true; readonly date: string; readonly transposed?: string }
  | { readonly ok: false; readonly problem: BirthDateProblem };

const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};

const UNITS: Readonly<Record<string, number>> = { ...digitValues(), ...SPOKEN_TEENS };

const TENS = SPOKEN_TENS;

const ORDINALS = SPOKEN_ORDINALS;

const FILLER = new Set([
  'the',
  'of',
  'on',
  'and',
  'in',
  'year',
  'born',
  'uh',
  'um',
  'its',
  'it',
  'is',
  'was',
]);

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** The ISO date when year-month-day is a real calendar date. */
function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1 || year > 9999) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** A two-digit year: this century unless that is in the future, then the last one. */
function fullYear(twoDigits: number, today: Date): number {
  const century = Math.floor(today.getUTCFullYear() / 100) * 100;
  return century + twoDigits > today.getUTCFullYear() ? century - 100 + twoDigits : century + twoDigits;
}

/** A day of the month from the front of `tokens`: "3", "3rd", "third", "twenty first", "twenty-one". */
function takeDay(tokens: string[]): number | undefined {
  const first = tokens[0];
  if (first === undefined) return undefined;
  const digits = /^(\d{1,2})(st|nd|rd|th)?$/.exec(first);
  if (digits !== null) {
    tokens.shift();
    return Number(digits[1]);
  }
  const tens = TENS[first];
  if (tens !== undefined && tens <= 30) {
    tokens.shift();
    const next = tokens[0];
    const unit = next === undefined ? undefined : (ORDINALS[next] ?? UNITS[next]);
    if (unit !== undefined && unit >= 1 && unit <= 9) {
      tokens.shift();
      return tens + unit;
    }
    return tens;
  }
  const value = ORDINALS[first] ?? UNITS[first];
  if (value !== undefined && value >= 1) {
    tokens.shift();
    return value;
  }
  return undefined;
}

/** 0-99 from words: "eighty", "eighty five", "oh five", "fifteen". Consumes what it reads. */
function takeUpTo99(tokens: string[]): number | undefined {
  const first = tokens[0];
  if (first === undefined) return undefined;
  if (first === 'oh' || first === 'o' || first === 'zero') {
    const unit = UNITS[tokens[1] ?? ''];
    if (unit !== undefined && unit >= 1 && unit <= 9) {
      tokens.splice(0, 2);
      return unit;
    }
    return undefined;
  }
  const tens = TENS[first];
  if (tens !== undefined) {
    tokens.shift();
    const unit = UNITS[tokens[0] ?? ''];
    if (unit !== undefined && unit >= 1 && unit <= 9) {
      tokens.shift();
      return tens + unit;
    }
    return tens;
  }
  const unit = UNITS[first];
  if (unit !== undefined) {
    tokens.shift();
    return unit;
  }
  return undefined;
}

/** A year from all of `tokens`: "1980", "80", "nineteen eighty", "two thousand five", "twenty twelve". */
function readYear(tokens: string[], today: Date): number | undefined {
  if (tokens.length === 1) {
    const only = tokens[0] as string;
    if (/^\d{4}$/.test(only)) return Number(only);
    if (/^'?\d{2}$/.test(only)) return fullYear(Number(only.replace("'", '')), today);
  }
  const rest = [...tokens];
  const thousands = rest.indexOf('thousand');
  if (thousands !== -1) {
    const head = takeUpTo99(rest.slice(0, thousands));
    const tail = rest.slice(thousands + 1);
    if (head === undefined) return undefined;
    if (tail.length === 0) return head * 1000;
    const low = takeUpTo99(tail);
    return low === undefined || tail.length > 0 ? undefined : head * 1000 + low;
  }
  const high = takeUpTo99(rest);
  if (high === undefined || high < 10) return undefined;
  if (rest.length === 1 && rest[0] === 'hundred') return high * 100;
  if (rest.length === 0) return undefined;
  const low = takeUpTo99(rest);
  if (low === undefined || rest.length > 0) return undefined;
  return high * 100 + low;
}

function tokenize(input: string): string[] {
  return input
    .toLowerCase()
    .replace(/[,.]/g, ' ')
    .replace(/(\p{L})-(\p{L})/gu, '$1 $2')
    .split(/\s+/)
    .filter((t) => t !== '' && !FILLER.has(t));
}

function fromWords(input: string, today: Date): { year: number; month: number; day: number } | undefined {
  const tokens = tokenize(input);
  const at = tokens.findIndex((t) => MONTHS[t] !== undefined);
  if (at === -1) return undefined;
  const month = MONTHS[tokens[at] as string] as number;
  const before = tokens.slice(0, at);
  const after = tokens.slice(at + 1);
  let day: number | undefined;
  if (before.length > 0) {
    day = takeDay(before);
    if (before.length > 0) return undefined;
  } else {
    day = takeDay(after);
  }
  if (day === undefined) return undefined;
  const year = readYear(after, today);
  return year === undefined ? undefined : { year, month, day };
}

function checked(iso: string | undefined, today: Date): ParsedBirthDate {
  if (iso === undefined) return { ok: false, problem: 'impossible' };
  const todayIso = today.toISOString().slice(0, 10);
  if (iso > todayIso) return { ok: false, problem: 'future' };
  const oldest = `${pad(today.getUTCFullYear() - MAX_AGE_YEARS, 4)}${todayIso.slice(4)}`;
  if (iso < oldest) return { ok: false, problem: 'too_old' };
  return { ok: true, date: iso };
}

/**
 * Reads a spoken or written birth date. `today` bounds it (no future dates, no age over
 * MAX_AGE_YEARS). For a numeric date whose day and month could be swapped, `transposed` holds the
 * other reading when it is also a valid birth date.
 */
export function parseBirthDate(input: string, today: Date): ParsedBirthDate {
  if (typeof input !== 'string') return { ok: false, problem: 'unreadable' };
  const text = input.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso !== null) return checked(isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3])), today);
  const numeric =
    /^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*('?\d{2}|\d{4})$/.exec(text) ??
    /^(\d{2})(\d{2})(\d{4})$/.exec(text);
  if (numeric !== null) {
    const [a, b] = [Number(numeric[1]), Number(numeric[2])];
    const yearText = (numeric[3] as string).replace("'", '');
    const year = yearText.length === 2 ? fullYear(Number(yearText), today) : Number(yearText);
    const primary = checked(isoDate(year, a, b), today);
    const swapped = a !== b ? checked(isoDate(year, b, a), today) : undefined;
    if (!primary.ok) {
      // "15/03/1980" can only be day-first: read it so rather than refuse it.
      return swapped?.ok === true ? swapped : primary;
    }
    return swapped?.ok === true ? { ...primary, transposed: swapped.date } : primary;
  }
  const words = fromWords(text, today);
  if (words === undefined) return { ok: false, problem: 'unreadable' };
  return checked(isoDate(words.year, words.month, words.day), today);
}
