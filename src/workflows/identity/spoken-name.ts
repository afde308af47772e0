// Names as callers say them, compared the way a front-desk person would: case, accents (Unicode
// NFKD with combining marks dropped), hyphens, apostrophes and spaces do not matter ("O'Brien" =
// "obrien", "Smith-Jones" = "Smith Jones", "José" = "Jose"), and a nickname is its name (Bill =
// William; nicknames.ts).
import type { PatientName } from '../../ehr/patient-adapter.ts';
import { sameGivenName } from './nicknames.ts';

/** Lower case letters only, accents removed (NFKD, then combining marks dropped). */
export function foldName(value: string | undefined): string {
  return (value ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

/** A caller's name: the given name and the readings of the family name it allows. */
export type SpokenName = {
  readonly given: string;
  /** "Mary Smith Jones" may be family "Jones" or "Smith Jones": every reading, as said. */
  readonly families: readonly string[];
};

export type NameInput = string | { readonly given: string; readonly family: string };

/** Undefined when no given and family name can be told apart. */
export function parseSpokenName(input: NameInput): SpokenName | undefined {
  if (typeof input === 'object' && input !== null) {
    const given = typeof input.given === 'string' ? input.given.trim().split(/\s+/)[0] : '';
    const family = typeof input.family === 'string' ? input.family.trim() : '';
    return foldName(given) === '' || foldName(family) === ''
      ? undefined
      : { given: given ?? '', families: [family] };
  }
  if (typeof input !== 'string') return undefined;
  const comma = /^([^,]+),\s*(.+)$/.exec(input.trim());
  if (comma !== null) {
    // "Smith, John": family first, as written on forms.
    return parseSpokenName({ given: comma[2] as string, family: comma[1] as string });
  }
  const words = input
    .trim()
    .split(/\s+/)
    .filter((w) => foldName(w) !== '');
  if (words.length < 2) return undefined;
  const given = words[0] as string;
  const families = [words.slice(-1).join(' ')];
  if (words.length >= 3) families.push(words.slice(-2).join(' '));
  return { given, families };
}

/** The part of a family name the EHR search starts with: up to the first hyphen, apostrophe or space. */
export function familySearchPrefix(family: string): string {
  return family.trim().split(/[\s'’-]+/)[0] ?? family;
}

/** Whether a record's name is the caller's: same family (folded) and the given name or a nickname of it. */
export function nameMatches(spoken: SpokenName, name: PatientName): boolean {
  const family = foldName(name.family);
  if (family === '' || !spoken.families.some((f) => foldName(f) === family)) return false;
  const given = foldName(spoken.given);
  return name.given.some((g) => sameGivenName(given, foldName(g)));
}
