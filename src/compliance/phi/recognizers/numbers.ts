// Phone numbers, SSNs, MRNs, member ids and ZIP codes: runs of digits, digit words and short
// capital-letter groups ("XJH 4471 2090", "five oh three, five five five", "A B C, 1 2 3"),
// typed by the cue before them ("member ID is", "my social is", "chart number"), by the call's
// known values, or by their shape (a valid phone number per libphonenumber-js, NNN-NN-NNNN).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { type Candidate, type CueHit, cueBefore, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';
import { LEX_DIGIT_WORD } from '../lib/lexicon.ts';
import { DIGIT_WORDS } from '../lib/number-words.ts';
import { SHAPE_ALL_UPPER, type Token } from '../lib/words.ts';
import type { PhiType } from '../types.ts';

type Chunk = {
  start: number;
  end: number;
  alnum: string;
  digits: number;
  letters: number;
  first: number;
  last: number;
  plus: boolean;
};

const SEPARATOR = new Set(['-', '.', ',', '(', ')', '/', '#']);
// capitals that label a value rather than belong to it
const LABELS = new Set([
  'MRN',
  'DOB',
  'SSN',
  'ID',
  'VA',
  'MD',
  'DR',
  'PM',
  'AM',
  'EST',
  'PST',
  'CST',
  'USA',
  'US',
  'OK',
  'IL',
  'CA',
]);

function isLetterGroup(t: Token, lowercaseOnly: boolean): boolean {
  const text = t.text;
  if (text.length === 1) {
    const c = text.charCodeAt(0);
    const ascii = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    return ascii && text !== 'I' && (text !== 'a' || lowercaseOnly);
  }
  if (text.length > 4 || !(t.shape & SHAPE_ALL_UPPER)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return !LABELS.has(text);
}

export function findChunks(u: Utterance): Chunk[] {
  const { tokens } = u;
  const chunks: Chunk[] = [];
  // a chunk holds at least one digit, written or said
  if (!u.hasDigits && !(u.flags & LEX_DIGIT_WORD)) return chunks;
  let i = 0;
  while (i < tokens.length) {
    let alnum = '';
    let digits = 0;
    let letters = 0;
    let first = -1;
    let last = -1;
    let plus = false;
    let j = i;
    while (j < tokens.length) {
      const t = tokens[j];
      if (t.kind === 'digits') {
        alnum += t.text;
        digits += t.text.length;
      } else if (t.flags & LEX_DIGIT_WORD && (t.lower.length > 1 || alnum !== '')) {
        if ((t.lower === 'oh' || t.lower === 'o' || t.lower === 'one') && alnum === '') {
          const n = tokens[j + 1];
          if (!n || !(n.kind === 'digits' || n.flags & LEX_DIGIT_WORD || n.lower === 'double')) break;
        }
        alnum += DIGIT_WORDS.get(t.lower);
        digits++;
      } else if (
        t.kind === 'word' &&
        (t.lower === 'double' || t.lower === 'triple') &&
        (tokens[j + 1]?.flags ?? 0) & LEX_DIGIT_WORD
      ) {
        const d = DIGIT_WORDS.get(tokens[j + 1].lower) ?? '';
        const n = t.lower === 'double' ? 2 : 3;
        alnum += d.repeat(n);
        digits += n;
        j++;
      } else if (t.kind === 'word' && isLetterGroup(t, u.lowercaseOnly)) {
        alnum += t.lower;
        letters += t.text.length;
      } else if (t.kind === 'punct' && SEPARATOR.has(t.text) && alnum !== '') {
        j++;
        continue;
      } else if (t.kind === 'punct' && t.text === '+' && alnum === '') {
        plus = true;
        first = j;
        j++;
        continue;
      } else break;
      if (first < 0) first = j;
      last = j;
      j++;
    }
    if (last >= 0 && digits > 0) {
      chunks.push({
        start: tokens[first].start,
        end: tokens[last].end,
        alnum,
        digits,
        letters,
        first,
        last,
        plus,
      });
      i = last + 1;
    } else i = Math.max(i + 1, last + 1);
  }
  return chunks;
}

function phoneCandidate(c: Chunk, digitsOnly: string): boolean {
  if (c.letters > 0) return false;
  if (c.plus) return parsePhoneNumberFromString(`+${digitsOnly}`)?.isValid() === true;
  if (digitsOnly.length === 10 || (digitsOnly.length === 11 && digitsOnly.startsWith('1'))) {
    return /^1?[2-9]\d\d[2-9]\d{6}$/.test(digitsOnly);
  }
  return false;
}

const EXTENSION = /^\s*(?:,\s*)?(?:extension|ext\.?|x)\s*(\d{1,6})/i;

// the first character after the number, past spaces and a comma, could start "ext"/"x"
function extensionMayFollow(text: string, end: number): boolean {
  let i = end;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 44 || (c >= 9 && c <= 13) || c === 0xa0) i++;
    else return c === 101 || c === 69 || c === 120 || c === 88 || (c >= 128 && /\s/.test(text[i]));
  }
  return false;
}

export function recognizeNumbers(u: Utterance, out: Candidate[] = []): Candidate[] {
  const known = u.known;
  let phoneSeen = false;
  for (const c of findChunks(u)) {
    let end = c.end;
    if (u.text[c.start - 1] === '(' && u.text.slice(c.start, c.end).includes(')')) c.start -= 1;
    const digitsOnly = c.letters === 0 ? c.alnum : c.alnum.replace(/\D/g, '');
    const add = (type: PhiType, source: Candidate['source'] = 'recognizer') =>
      out.push({
        type,
        start: c.start,
        end,
        priority: source === 'known' ? PRIORITY.known : PRIORITY[type as keyof typeof PRIORITY],
        source,
      });
    // "extension 22" belongs to the number before it
    if (extensionMayFollow(u.text, end)) {
      const ext = EXTENSION.exec(u.text.slice(end));
      if (ext) end += ext[0].length;
    }
    if (known) {
      const phone = known.phoneDigits;
      if (
        phone &&
        digitsOnly.length >= 4 &&
        c.letters === 0 &&
        (phone === digitsOnly || phone.endsWith(digitsOnly)) &&
        (digitsOnly.length >= 7 || digitsOnly.length === 4)
      ) {
        add('PHONE', 'known');
        continue;
      }
      if (known.mrn && c.alnum === known.mrn) {
        add('MRN', 'known');
        continue;
      }
      if (known.memberId && c.alnum === known.memberId) {
        add('MEMBER_ID', 'known');
        continue;
      }
    }
    const cue: CueHit | undefined = cueBefore(u.tokens, u.cues, c.first) ?? carried(u, c);
    const n = c.alnum.length;
    switch (cue?.cue) {
      case 'ssn':
        if (digitsOnly.length === 9 || digitsOnly.length === 4) add('SSN');
        continue;
      case 'member':
        if (n >= 5) add('MEMBER_ID');
        continue;
      case 'mrn':
        if (n >= 5) add('MRN');
        continue;
      case 'zip':
        if (digitsOnly.length === 5 || digitsOnly.length === 9) add('ADDRESS');
        continue;
      case 'not-phi':
        continue;
      case 'phone':
        // the cheap tests first: libphonenumber's validity check costs tens of microseconds
        if (
          (c.letters === 0 && [7, 10, 11].includes(digitsOnly.length)) ||
          (c.plus && digitsOnly.length >= 8 && digitsOnly.length <= 15) ||
          phoneCandidate(c, digitsOnly)
        ) {
          add('PHONE');
          phoneSeen = true;
        } else if (
          // "it ends in 0192", or a correction after a number in the same breath
          c.letters === 0 &&
          digitsOnly.length === 4 &&
          (/(ending|ends)/.test(u.tokens[cue.tokenIndex].lower) || phoneSeen)
        )
          add('PHONE');
        continue;
    }
    if (c.digits === 9 && /^\d{3}-\d\d-\d{4}$/.test(u.text.slice(c.start, c.end))) add('SSN');
    else if (
      (c.plus && digitsOnly.length >= 10 && digitsOnly.length <= 15) ||
      phoneCandidate(c, digitsOnly)
    ) {
      add('PHONE');
      phoneSeen = true;
    } else if (
      c.digits >= 6 &&
      c.letters >= 1 &&
      c.letters <= 4 &&
      /^[A-Z]{1,4}-?\d{6,}$/.test(u.text.slice(c.start, c.end))
    )
      add('MEMBER_ID');
    // a long number nobody named is still somebody's identifier; a timestamp is not
    else if (c.digits >= 9 && !/\d{4}-\d\d-\d\d|\d:\d/.test(u.text.slice(c.start, c.end + 3)))
      add('MEMBER_ID');
  }
  return out;
}

// "The ID on my card is" / next utterance "A B C, 1 2 3": a cue carried over from the previous
// utterance applies to a value at the start of this one.
function carried(u: Utterance, c: Chunk): CueHit | undefined {
  if (!u.carriedCue || c.first > 2) return undefined;
  return { cue: u.carriedCue, tokenIndex: 0, endToken: 0 };
}
