// Street addresses: a house number (digits or words), one to four street-name words and a
// street type ("412 Elm Street", "four twelve Elm Street", "908 Calle Amapola"), then any unit,
// city, state and ZIP that follow after commas. A street with no number is an address only
// when the caller says it is theirs ("she lives on Maple Drive"); "Dr. Rivera's office on Main
// Street" stays in clear, as does a number on a street named beside a clinic word.
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';
import { LEX_STREET } from '../lib/lexicon.ts';
import { STREET_PREFIXES, STREET_TYPES } from '../lib/street-words.ts';

const UNITS = new Set(['apartment', 'apt', 'unit', 'suite', 'ste', '#', 'floor', 'building']);
const STATES = new Set(
  `alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho
  illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi
  missouri montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia
  washington wisconsin wyoming al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt
  ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc`.split(/\s+/),
);
const RESIDENTIAL = /\b(live|lives|living|house|home|moved|my address|mail|residence|staying)\b/i;
const CLINIC =
  /\b(office|clinic|center|building|location|pharmacy|hospital|imaging|lab|practice|entrance)\b/i;

export function recognizeAddresses(u: Utterance, out: Candidate[] = []): Candidate[] {
  if (!(u.flags & LEX_STREET)) return out;
  const t = u.tokens;
  for (let i = 0; i < t.length; i++) {
    if (!(t[i].flags & LEX_STREET)) continue;
    const w = t[i].lower;
    let nameStart = -1;
    let streetEnd = -1;
    if (STREET_TYPES.has(w) && t[i].kind === 'word' && i > 0) {
      // street-name words before the type
      let s = i;
      while (
        s - 1 >= 0 &&
        i - (s - 1) <= 4 &&
        t[s - 1].kind === 'word' &&
        !isNumberish(u, s - 1) &&
        /^[A-Z]/.test(t[s - 1].text) === /^[A-Z]/.test(t[i].text)
      )
        s--;
      if (s === i) continue;
      nameStart = s;
      streetEnd = i;
    } else if (STREET_PREFIXES.has(w) && t[i + 1]?.kind === 'word') {
      nameStart = i;
      streetEnd = i + 1;
    } else continue;
    // house number: digits or number words right before the street name
    let h = nameStart;
    while (h - 1 >= 0 && isNumberish(u, h - 1) && nameStart - (h - 1) <= 3) h--;
    const sentence = sentenceAround(u.text, t[i].start);
    if (CLINIC.test(sentence) && !RESIDENTIAL.test(sentence)) continue;
    if (h === nameStart && !RESIDENTIAL.test(sentence)) continue;
    let end = streetEnd;
    // , apartment 4B , City , State ZIP
    let k = end + 1;
    for (let segments = 0; segments < 5; segments++) {
      let p = k;
      if (t[p]?.text === ',') p++;
      const seg = p;
      if (t[p] && UNITS.has(t[p].lower)) {
        p++;
        while (t[p] && (t[p].kind === 'digits' || isNumberish(u, p) || /^[A-Z]$/.test(t[p].text))) p++;
      } else if (t[p]?.kind === 'digits' && /^\d{5}$/.test(t[p].text)) p++;
      else if (t[p] && STATES.has(t[p].lower) && t[p].kind === 'word') {
        p++;
        if (t[p]?.kind === 'digits' && /^\d{5}$/.test(t[p].text)) p++;
      } else if (t[p]?.kind === 'word' && /^[A-Z][a-z]/.test(t[p].text) && t[k]?.text === ',') {
        while (t[p]?.kind === 'word' && /^[A-Z][a-z]/.test(t[p].text) && p - seg < 3) p++;
      }
      if (p === seg) break;
      end = p - 1;
      k = p;
    }
    out.push({
      type: 'ADDRESS',
      start: t[h].start,
      end: t[end].end,
      priority: PRIORITY.ADDRESS,
      source: 'recognizer',
    });
    i = end;
  }
  return out;
}

function isNumberish(u: Utterance, index: number): boolean {
  const t = u.tokens[index];
  if (t.kind === 'digits') return true;
  return u.numberTokens[index] === 1;
}

function sentenceAround(text: string, at: number): string {
  const before = text.slice(0, at);
  const s = Math.max(before.lastIndexOf('. '), before.lastIndexOf('? '), before.lastIndexOf('! '));
  const rest = text.slice(at);
  const e = rest.search(/[.?!](\s|$)/);
  return text.slice(s + 1, e < 0 ? text.length : at + e);
}
