// Dates: found by date-forms.ts (spoken numbers read as digits, "june twelfth nineteen seventy
// five" -> June 12 1975; written forms as chrono-node reads them; a day on its own, "the fourth";
// digit triples read out, "oh three fifteen nineteen eighty"; a birth year said alone). A date is
// a birth date (DOB) when it matches the call's known birth date, follows a birth-date cue, or is
// a full date of a past year; otherwise DATE.
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';
import { type Found, findDates } from './date-forms.ts';

// "the 9th of February": the article belongs to the date as said
function withArticle(text: string, f: Found): Found {
  const before = text.slice(Math.max(0, f.start - 4), f.start);
  return /^the\s$/i.test(before) || /\bthe\s$/i.test(before) ? { ...f, start: f.start - 4 } : f;
}

export function recognizeDates(
  u: Utterance,
  dobCue: (start: number) => boolean,
  out: Candidate[] = [],
): Candidate[] {
  const birth = u.known?.birth;
  const thisYear = u.now.getFullYear();
  for (const raw of findDates(u)) {
    const f = withArticle(u.text, raw);
    const knownMatch =
      birth !== undefined &&
      (f.month === undefined || f.month === birth.month) &&
      (f.day === undefined || f.day === birth.day) &&
      (f.year === undefined || f.year === birth.year) &&
      (f.month !== undefined || f.day !== undefined || f.year !== undefined);
    const cued = dobCue(f.start);
    if (f.yearOnly) {
      if (
        (knownMatch && (cued || u.tokens.length <= 4)) ||
        (cued && f.year !== undefined && f.year < thisYear - 1)
      )
        out.push({
          type: 'DOB',
          start: f.start,
          end: f.end,
          priority: PRIORITY.DOB - 5,
          source: knownMatch ? 'known' : 'recognizer',
        });
      continue;
    }
    const pastFullDate = f.year !== undefined && f.month !== undefined && f.year < thisYear - 1;
    const dob =
      !f.relative &&
      ((knownMatch && (f.month !== undefined || cued || u.tokens.length <= 6)) || cued || pastFullDate);
    out.push({
      type: dob ? 'DOB' : 'DATE',
      start: f.start,
      end: f.end,
      priority: dob ? PRIORITY.DOB : PRIORITY.DATE,
      source: knownMatch ? 'known' : 'recognizer',
    });
  }
  return out;
}
