// Person names. Three kinds of evidence: a cue before the name ("my name is", "this is", "my
// son", "Mrs."), the census dictionary (a capitalised given name, a surname beside it), and
// spelling ("S-M-I-T-H", "O as in Oscar, Y, E"). Words that are also everyday English ("Will",
// "Hope", "Main") need a cue. A name after "Dr."/"Doctor" is the practitioner's and stays in
// clear: the LLM needs it to book, and it identifies no patient.
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import { COMMON_WORDS } from '../lib/common-words.ts';
import type { Utterance } from '../lib/context.ts';
import { nameDictionary } from '../lib/name-dictionary.ts';
import { isNumberWord, type Token } from '../lib/words.ts';

const STRONG_CUES: string[][] = [
  ['my', 'name', 'is'],
  ['name', 'is'],
  ["name's"],
  ['names'],
  ['name'],
  ['first', 'name', 'is'],
  ['first', 'name'],
  ['last', 'name', 'is'],
  ['last', 'name'],
  ['ask', 'for'],
  ['patient'],
  ['subscriber'],
  ['subscriber', 'is'],
  ['this', 'is'],
  ['is'],
  ['yes', "it's"],
  ['calling', 'for'],
];
const WEAK_CUES: string[][] = [
  ["i'm"],
  ['i', 'am'],
  ["it's"],
  ["that's"],
  ['thanks'],
  ['thank', 'you'],
  ['hi'],
  ['hello'],
  ['yes'],
  ['yeah'],
  ['son'],
  ['daughter'],
  ['wife'],
  ['husband'],
  ['mom'],
  ['mother'],
  ['father'],
  ['dad'],
  ['grandmother'],
  ['grandfather'],
  ['grandson'],
  ['granddaughter'],
  ['sister'],
  ['brother'],
  ['partner'],
  ['child'],
  ['friend'],
];
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx']);
const PRACTITIONER = new Set(['dr', 'doctor', 'dra', 'nurse', 'np', 'pa']);
const NOT_NAMES = new Set([
  'calling',
  'visiting',
  'looking',
  'trying',
  'free',
  'fine',
  'sorry',
  'kidding',
  'not',
  'just',
  'also',
]);

function byLastWord(cues: string[][]): Map<string, string[][]> {
  const map = new Map<string, string[][]>();
  for (const cue of cues) map.set(cue[cue.length - 1], [...(map.get(cue[cue.length - 1]) ?? []), cue]);
  return map;
}
const STRONG_BY_LAST = byLastWord(STRONG_CUES);
const WEAK_BY_LAST = byLastWord(WEAK_CUES);
const IS_CUES = byLastWord([['is'], ['this', 'is']]);
const NAME_IS = byLastWord([['name', 'is']]);

function cueEndsAt(tokens: Token[], index: number, cuesByLast: Map<string, string[][]>): boolean {
  // a cue whose last word is token index-1 (commas after the cue allowed)
  let end = index - 1;
  while (end >= 0 && tokens[end].text === ',') end--;
  const cues = end >= 0 ? cuesByLast.get(tokens[end].lower) : undefined;
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

function bare(lower: string): string {
  return lower.endsWith("'s") ? lower.slice(0, -2) : lower;
}

export function recognizeNames(u: Utterance): Candidate[] {
  const { givenRank, surnameRank } = nameDictionary();
  const t = u.tokens;
  const isName = new Uint8Array(t.length);
  const src: Array<Candidate['source']> = [];
  const cased = !u.lowercaseOnly;
  const capital = (tok: Token) => /^\p{Lu}/u.test(tok.text) && !/^\p{Lu}{2,}$/u.test(tok.text);
  const practitioner = (i: number) => {
    let p = i - 1;
    if (t[p]?.text === '.') p--;
    return t[p] !== undefined && PRACTITIONER.has(t[p].lower);
  };
  const candidateWord = (i: number) =>
    t[i]?.kind === 'word' &&
    t[i].text.length > 1 &&
    !u.numberTokens[i] &&
    !isNumberWord(t[i].lower) &&
    !practitioner(i);
  const common = (i: number) => COMMON_WORDS.has(bare(t[i].lower)) || NOT_NAMES.has(t[i].lower);

  for (let i = 0; i < t.length; i++) {
    if (!candidateWord(i)) continue;
    const w = bare(t[i].lower);
    const given = givenRank.has(w);
    const surname = surnameRank.has(w);
    const strong = cueEndsAt(t, i, STRONG_BY_LAST) || (i === 0 && u.carriedCue === 'name');
    const weak = cueEndsAt(t, i, WEAK_BY_LAST);
    let titled = false;
    {
      let p = i - 1;
      if (t[p]?.text === '.') p--;
      titled = t[p] !== undefined && TITLES.has(t[p].lower);
    }
    let hit = false;
    if (titled) hit = true;
    else if (strong && !NOT_NAMES.has(t[i].lower)) {
      // after "my name is" any word that is not everyday English, or a name that is
      const isIs = cueEndsAt(t, i, IS_CUES) && !cueEndsAt(t, i, NAME_IS);
      hit = isIs
        ? (given && !common(i)) || (cased && capital(t[i]) && !common(i))
        : !common(i) || ((given || surname) && capital(t[i]));
    } else if (weak)
      hit = (!common(i) && (given || (surname && capital(t[i])))) || (cased && capital(t[i]) && !common(i));
    else if (cased && capital(t[i]) && given && !common(i)) hit = true;
    else if (
      // "robert lee jones" in a lower-case transcript: a given name followed by a surname
      u.lowercaseOnly &&
      given &&
      !common(i) &&
      t[i + 1]?.kind === 'word' &&
      surnameRank.has(bare(t[i + 1].lower)) &&
      !common(i + 1)
    )
      hit = true;
    else if (
      // "Mathieu Tremblay": an unknown capitalised word before a capitalised census surname
      cased &&
      capital(t[i]) &&
      !common(i) &&
      t[i + 1]?.kind === 'word' &&
      capital(t[i + 1]) &&
      surnameRank.has(bare(t[i + 1].lower)) &&
      !common(i + 1) &&
      /^[A-Z][a-z]+$/.test(t[i].text)
    )
      hit = true;
    if (hit) {
      isName[i] = 1;
      src[i] = given || surname ? 'dictionary' : 'recognizer';
    }
  }
  // extend: a surname or an unknown capitalised word beside a name ("Priya Raghunathan",
  // "Whitfield, Susan", "Oyelaran-Smith")
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < t.length; i++) {
      if (isName[i] || !candidateWord(i)) continue;
      const w = bare(t[i].lower);
      const nextTo = (j: number) => j >= 0 && j < t.length && isName[j] === 1;
      const adjacent =
        nextTo(i - 1) ||
        nextTo(i + 1) ||
        (t[i - 1]?.text === '-' && nextTo(i - 2)) ||
        (t[i + 1]?.text === '-' && nextTo(i + 2));
      const commaAfter = t[i + 1]?.text === ',' && nextTo(i + 2) && capital(t[i]);
      if (!adjacent && !commaAfter) continue;
      const plausible = cased
        ? capital(t[i]) && !common(i)
        : (surnameRank.has(w) || givenRank.has(w)) && !common(i);
      if (plausible) {
        isName[i] = 1;
        src[i] = 'dictionary';
      }
    }
  }
  // spelled: three or more single letters ("S-M-I-T-H", "o k a f o r", "O as in Oscar, Y, E")
  for (let i = 0; i < t.length; i++) {
    if (!isLetter(t[i])) continue;
    let j = i;
    let letters = 0;
    let last = i;
    while (j < t.length) {
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
      for (let k = i; k <= last; k++) isName[k] = 2;
      i = last;
    }
  }
  const out: Candidate[] = [];
  for (let i = 0; i < t.length; i++) {
    if (!isName[i]) continue;
    let j = i;
    // one span per full name: join names separated only by spaces, hyphens, commas, apostrophes
    while (j + 1 < t.length && (isName[j + 1] || (/^[-,.']$/.test(t[j + 1].text) && isName[j + 2]))) j++;
    let start = t[i].start;
    const p = t[i - 1]?.text === '.' ? i - 2 : i - 1;
    if (t[p] && TITLES.has(t[p].lower)) start = t[p].start;
    let end = t[j].end;
    if (t[j].lower.endsWith("'s")) end -= 2;
    out.push({
      type: 'NAME',
      start,
      end,
      priority: PRIORITY.NAME,
      source: isName[i] === 2 ? 'recognizer' : (src[i] ?? 'dictionary'),
    });
    i = j;
  }
  return out;
}

function isLetter(tok: Token | undefined): boolean {
  return tok !== undefined && tok.kind === 'word' && tok.text.length === 1 && /\p{L}/u.test(tok.text);
}
