// The verified patient's own name, matched exactly and fuzzily (one edit for parts of five or
// more letters: "Katherine" for "Catherine"; a short form that starts the given name: "Pete" for
// "Peter"). Birth date, phone, MRN and member id matches live with their recognizers.
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import { COMMON_WORDS } from '../lib/common-words.ts';
import type { PreparedKnown, Utterance } from '../lib/context.ts';
import { isCensusGivenName, LEX_COMMON, LEX_GIVEN } from '../lib/lexicon.ts';
import { SHAPE_UPPER_FIRST, type Token } from '../lib/words.ts';
import type { KnownValues } from '../types.ts';

export function prepareKnown(values: KnownValues, previous?: PreparedKnown): PreparedKnown {
  const prepared: PreparedKnown = previous
    ? { ...previous, nameParts: new Set(previous.nameParts), addressWords: [...previous.addressWords] }
    : { nameParts: new Set(), addressWords: [] };
  if (values.name) {
    for (const part of values.name.toLowerCase().split(/[\s,-]+/)) {
      const p = part.replace(/[’']/g, '');
      if (p.length >= 2) prepared.nameParts.add(p);
      if (part !== p && part.length >= 2) prepared.nameParts.add(part.replace('’', "'"));
    }
  }
  if (values.birthDate) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(values.birthDate);
    if (m) prepared.birth = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  }
  if (values.phone) {
    const digits = values.phone.replace(/\D/g, '');
    prepared.phoneDigits = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  }
  if (values.mrn) prepared.mrn = values.mrn.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (values.memberId) prepared.memberId = values.memberId.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (values.address) {
    const street = values.address.split(',')[0] ?? '';
    prepared.addressWords = street.toLowerCase().split(/\s+/).filter(Boolean);
  }
  return prepared;
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

export function recognizeKnownNames(u: Utterance, out: Candidate[] = []): Candidate[] {
  const known = u.known;
  if (!known || known.nameParts.size === 0) return out;
  const parts = known.nameParts;
  for (const tok of u.tokens) {
    if (tok.kind !== 'word' || tok.text.length < 2) continue;
    const w = tok.bare;
    const plain = w.includes("'") ? w.replace(/'/g, '') : w;
    let match = parts.has(plain) || parts.has(w);
    if (!match) {
      for (const part of parts) {
        if (part.length >= 5 && plain.length >= 5 && withinOneEdit(plain, part)) match = true;
        else if (
          plain.length >= 3 &&
          part.length > plain.length &&
          part.startsWith(plain) &&
          isGivenName(tok, plain)
        )
          match = true;
        if (match) break;
      }
    }
    if (!match) continue;
    // a part that is also an everyday word ("Rose", "Hope") counts in a cased transcript only
    // when capitalised: "a rose allergy" is a flower
    if (isCommon(tok, plain) && !u.lowercaseOnly && !(tok.shape & SHAPE_UPPER_FIRST)) continue;
    const end = tok.lower.endsWith("'s") ? tok.end - 2 : tok.end;
    out.push({ type: 'NAME', start: tok.start, end, priority: PRIORITY.NAME + 5, source: 'known' });
  }
  return out;
}

// the lexicon flags answer for the word as written; a name with an apostrophe taken out
// ("O'Brien" -> "obrien") is looked up again
function isGivenName(tok: Token, plain: string): boolean {
  if (plain === tok.bare) return (tok.flags & LEX_GIVEN) !== 0;
  return isCensusGivenName(plain);
}

function isCommon(tok: Token, plain: string): boolean {
  if (plain === tok.bare) return (tok.flags & LEX_COMMON) !== 0;
  return COMMON_WORDS.has(plain);
}

export function recognizeKnownAddress(u: Utterance, out: Candidate[] = []): Candidate[] {
  const words = u.known?.addressWords;
  if (!words || words.length < 2) return out;
  const t = u.tokens;
  // the street line with or without its number: "77 Pinecrest Road" / "Pinecrest Road"
  const street = /^\d+$/.test(words[0]) ? words.slice(1) : words;
  for (let i = 0; i + street.length <= t.length; i++) {
    let ok = true;
    for (let k = 0; k < street.length; k++) {
      if (t[i + k].lower !== street[k]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const start = i > 0 && t[i - 1].text === words[0] ? t[i - 1].start : t[i].start;
    out.push({
      type: 'ADDRESS',
      start,
      end: t[i + street.length - 1].end,
      priority: PRIORITY.known,
      source: 'known',
    });
  }
  return out;
}
