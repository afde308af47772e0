// Person names. Three kinds of evidence: a cue before the name ("my name is", "this is", "my
// son", "Mrs."), the census dictionary (a capitalised given name, a surname beside it), and
// spelling ("S-M-I-T-H", "O as in Oscar, Y, E"). Words that are also everyday English ("Will",
// "Hope", "Main") need a cue. A name after "Dr."/"Doctor" is the practitioner's and stays in
// clear: the LLM needs it to book, and it identifies no patient.
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';
import {
  LEX_COMMON,
  LEX_GIVEN,
  LEX_NOT_NAME,
  LEX_NUMBER_WORD,
  LEX_PRACTITIONER,
  LEX_STRONG_CUE_END,
  LEX_SURNAME,
  LEX_TITLE,
  LEX_WEAK_CUE_END,
} from '../lib/lexicon.ts';
import { STRONG_NAME_CUES, WEAK_NAME_CUES } from '../lib/name-cues.ts';
import { SHAPE_CAPITAL, type Token } from '../lib/words.ts';

function byLastWord(cues: readonly string[][]): Map<string, string[][]> {
  const map = new Map<string, string[][]>();
  for (const cue of cues) map.set(cue[cue.length - 1], [...(map.get(cue[cue.length - 1]) ?? []), cue]);
  return map;
}
const STRONG_BY_LAST = byLastWord(STRONG_NAME_CUES);
const WEAK_BY_LAST = byLastWord(WEAK_NAME_CUES);
const IS_CUES = byLastWord([['is'], ['this', 'is']]);
const NAME_IS = byLastWord([['name', 'is']]);

function cueEndsAt(
  tokens: Token[],
  index: number,
  cuesByLast: Map<string, string[][]>,
  lastFlag: number,
): boolean {
  // a cue whose last word is token index-1 (commas after the cue allowed)
  let end = index - 1;
  while (end >= 0 && tokens[end].text === ',') end--;
  if (end < 0 || !(tokens[end].flags & lastFlag)) return false;
  const cues = cuesByLast.get(tokens[end].lower);
  if (!cues) return false;
  for (const cue of cues) {
    let ok = true;
    for (let k = 0; k < cue.length; k++) {
      const tok = tokens[end - (cue.length - 1 - k)];
      if (!tok || tok.lower !== cue[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

function isPractitionerName(t: Token[], i: number): boolean {
  let p = i - 1;
  if (p >= 0 && t[p].text === '.') p--;
  return p >= 0 && (t[p].flags & LEX_PRACTITIONER) !== 0;
}

// a word that may be a name: letters, not a number word, not the name after "Dr."
function candidateWord(u: Utterance, t: Token[], i: number): boolean {
  if (i < 0 || i >= t.length) return false;
  const tok = t[i];
  return (
    tok.kind === 'word' &&
    tok.text.length > 1 &&
    !u.numberTokens[i] &&
    !(tok.flags & LEX_NUMBER_WORD) &&
    !isPractitionerName(t, i)
  );
}

function common(tok: Token): boolean {
  return (tok.flags & (LEX_COMMON | LEX_NOT_NAME)) !== 0;
}

function capital(tok: Token): boolean {
  return (tok.shape & SHAPE_CAPITAL) !== 0;
}

function titledAt(t: Token[], i: number): boolean {
  let p = i - 1;
  if (p >= 0 && t[p].text === '.') p--;
  return p >= 0 && (t[p].flags & LEX_TITLE) !== 0;
}

// Is token i a name on its own evidence (a cue, a title, the dictionary, its capital letter)?
function nameOnItsOwn(u: Utterance, t: Token[], i: number): boolean {
  const tok = t[i];
  if (titledAt(t, i)) return true;
  const flags = tok.flags;
  const given = (flags & LEX_GIVEN) !== 0;
  const surname = (flags & LEX_SURNAME) !== 0;
  const cased = !u.lowercaseOnly;
  const strong = cueEndsAt(t, i, STRONG_BY_LAST, LEX_STRONG_CUE_END) || (i === 0 && u.carriedCue === 'name');
  if (strong && !(flags & LEX_NOT_NAME)) {
    // after "my name is" any word that is not everyday English, or a name that is
    const isIs =
      cueEndsAt(t, i, IS_CUES, LEX_STRONG_CUE_END) && !cueEndsAt(t, i, NAME_IS, LEX_STRONG_CUE_END);
    return isIs
      ? (given && !common(tok)) || (cased && capital(tok) && !common(tok))
      : !common(tok) || ((given || surname) && capital(tok));
  }
  if (cueEndsAt(t, i, WEAK_BY_LAST, LEX_WEAK_CUE_END))
    return (!common(tok) && (given || (surname && capital(tok)))) || (cased && capital(tok) && !common(tok));
  if (cased && capital(tok) && given && !common(tok)) return true;
  const next = t[i + 1];
  // "robert lee jones" in a lower-case transcript: a given name followed by a surname
  if (
    u.lowercaseOnly &&
    given &&
    !common(tok) &&
    next?.kind === 'word' &&
    next.flags & LEX_SURNAME &&
    !common(next)
  )
    return true;
  // "Mathieu Tremblay": an unknown capitalised word before a capitalised census surname
  return (
    cased &&
    capital(tok) &&
    !common(tok) &&
    next?.kind === 'word' &&
    capital(next) &&
    (next.flags & LEX_SURNAME) !== 0 &&
    !common(next) &&
    /^[A-Z][a-z]+$/.test(tok.text)
  );
}

function isLetter(tok: Token | undefined): boolean {
  if (tok === undefined || tok.kind !== 'word' || tok.text.length !== 1) return false;
  const c = tok.text.charCodeAt(0);
  return c < 128 || /\p{L}/u.test(tok.text);
}

export function recognizeNames(u: Utterance, out: Candidate[] = []): Candidate[] {
  const t = u.tokens;
  const n = t.length;
  // 1: a name by the dictionary or a cue, 2: spelled out; allocated at the first name
  let isName: number[] | undefined;
  let src: Array<Candidate['source']> = [];
  const mark = (i: number, value: number, source?: Candidate['source']) => {
    if (!isName) {
      isName = new Array<number>(n).fill(0);
      src = new Array(n);
    }
    isName[i] = value;
    if (source) src[i] = source;
  };
  for (let i = 0; i < n; i++) {
    // an everyday word in lower case is a name only after a title ("mrs. rose"): most words stop here
    const tok = t[i];
    if (tok.flags & (LEX_COMMON | LEX_NOT_NAME) && !(tok.shape & SHAPE_CAPITAL) && !titledAt(t, i)) continue;
    if (!candidateWord(u, t, i) || !nameOnItsOwn(u, t, i)) continue;
    mark(i, 1, t[i].flags & (LEX_GIVEN | LEX_SURNAME) ? 'dictionary' : 'recognizer');
  }
  // extend: a surname or an unknown capitalised word beside a name ("Priya Raghunathan",
  // "Whitfield, Susan", "Oyelaran-Smith")
  const names = isName;
  if (names) {
    const cased = !u.lowercaseOnly;
    const nextTo = (j: number) => j >= 0 && j < n && names[j] === 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < n; i++) {
        if (names[i] || !candidateWord(u, t, i)) continue;
        const adjacent =
          nextTo(i - 1) ||
          nextTo(i + 1) ||
          (t[i - 1]?.text === '-' && nextTo(i - 2)) ||
          (t[i + 1]?.text === '-' && nextTo(i + 2));
        const commaAfter = t[i + 1]?.text === ',' && nextTo(i + 2) && capital(t[i]);
        if (!adjacent && !commaAfter) continue;
        const plausible = cased
          ? capital(t[i]) && !common(t[i])
          : (t[i].flags & (LEX_SURNAME | LEX_GIVEN)) !== 0 && !common(t[i]);
        if (plausible) mark(i, 1, 'dictionary');
      }
    }
  }
  // spelled: three or more single letters ("S-M-I-T-H", "o k a f o r", "O as in Oscar, Y, E")
  for (let i = 0; i < n; i++) {
    if (!isLetter(t[i])) continue;
    let j = i;
    let letters = 0;
    let last = i;
    while (j < n) {
      if (isLetter(t[j])) {
        letters++;
        last = j;
        j++;
        if (t[j]?.lower === 'as' && t[j + 1]?.lower === 'in' && t[j + 2]?.kind === 'word') {
          last = j + 2;
          j += 3;
        }
      } else if (t[j].text === '-' || t[j].text === ',' || t[j].text === '.') j++;
      else break;
    }
    if (letters >= 3) {
      for (let k = i; k <= last; k++) mark(k, 2);
      i = last;
    }
  }
  if (!isName) return out;
  const found: number[] = isName;
  for (let i = 0; i < n; i++) {
    if (!found[i]) continue;
    let j = i;
    // one span per full name: join names separated only by spaces, hyphens, commas, apostrophes
    while (j + 1 < n && (found[j + 1] || (/^[-,.']$/.test(t[j + 1].text) && found[j + 2]))) j++;
    let start = t[i].start;
    const p = t[i - 1]?.text === '.' ? i - 2 : i - 1;
    if (p >= 0 && t[p].flags & LEX_TITLE) start = t[p].start;
    let end = t[j].end;
    if (t[j].lower.endsWith("'s")) end -= 2;
    out.push({
      type: 'NAME',
      start,
      end,
      priority: PRIORITY.NAME,
      source: found[i] === 2 ? 'recognizer' : (src[i] ?? 'dictionary'),
    });
    i = j;
  }
  return out;
}
