// Phone numbers as callers say them ("eight six five, five five five, oh one five oh") and as EHRs
// store them ("865-555-0150", "8655550150", "+18655550150"), reduced to one comparable form with
// libphonenumber-js (the maintained port of Google's libphonenumber).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { SPOKEN_DIGITS } from '../../lib/spoken-numbers.ts';

/** Calls to a US clinic: numbers without a country code are read as US numbers. */
export const DEFAULT_PHONE_COUNTRY = 'US';

const DIGIT_WORDS = SPOKEN_DIGITS;

/** "eight six five five five five ..." -> "865555..."; digits and separators pass through. */
function spokenDigits(input: string): string {
  return input
    .toLowerCase()
    .split(/[\s,.-]+/)
    .map((word) => DIGIT_WORDS[word] ?? word)
    .join('');
}

/** E.164 (`+18655550150`) when the input is a possible phone number, else undefined. */
export function normalizePhone(input: string | undefined): string | undefined {
  if (typeof input !== 'string' || input.trim() === '') return undefined;
  const candidate = /[a-z]/i.test(input) ? spokenDigits(input) : input;
  const parsed = parsePhoneNumberFromString(candidate, DEFAULT_PHONE_COUNTRY);
  return parsed?.isPossible() === true ? parsed.number : undefined;
}

/** Whether any of the record's phones is the caller's number. */
export function phoneMatches(callerE164: string, recordPhones: readonly string[]): boolean {
  return recordPhones.some((p) => normalizePhone(p) === callerE164);
}

/** US ZIP: the first five digits ("37902-1234" -> "37902"); undefined when there are none. */
export function normalizePostalCode(input: string | undefined): string | undefined {
  if (typeof input !== 'string') return undefined;
  const digits = /[a-z]/i.test(input) ? spokenDigits(input) : input;
  const match = /^\s*(\d{5})(?:[\s-]?\d{4})?\s*$/.exec(digits);
  return match === null ? undefined : (match[1] as string);
}
