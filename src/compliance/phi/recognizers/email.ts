// Email addresses, written ("jane.doe@example.com") or spoken ("jane dot doe at gmail dot com",
// "b-r-i-t-t-a-n-y dot k-i-m at gmail dot com").
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';
import { LEX_EMAIL_DOT } from '../lib/lexicon.ts';

const WRITTEN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const TLD = new Set(['com', 'net', 'org', 'edu', 'gov', 'us', 'io', 'co', 'uk', 'ca', 'info', 'me', 'biz']);
const JOINERS = new Set(['dot', 'underscore', 'dash', 'hyphen', '-', '_', '.']);

export function recognizeEmails(u: Utterance, out: Candidate[] = []): Candidate[] {
  const written = u.text.includes('@');
  if (!written && !(u.flags & LEX_EMAIL_DOT)) return out;
  if (written)
    for (const m of u.text.matchAll(WRITTEN))
      out.push({
        type: 'EMAIL',
        start: m.index,
        end: m.index + m[0].length,
        priority: PRIORITY.EMAIL,
        source: 'recognizer',
      });
  const t = u.tokens;
  for (let i = 1; i < t.length; i++) {
    if (t[i].lower !== 'at') continue;
    // domain: word (dot word)* ending in a known top-level domain
    let j = i + 1;
    let end = -1;
    while (j + 2 < t.length + 1 && t[j] && t[j].kind !== 'punct') {
      if (t[j + 1]?.lower === 'dot' && t[j + 2]) {
        if (TLD.has(t[j + 2].lower)) end = j + 2;
        j += 2;
      } else break;
    }
    if (end < 0) continue;
    // local part: the word before "at" and anything joined to it by dot/underscore/dash/hyphen
    let s = i - 1;
    if (t[s].kind === 'punct') continue;
    while (s - 2 >= 0 && JOINERS.has(t[s - 1].lower) && t[s - 2].kind !== 'punct') s -= 2;
    out.push({
      type: 'EMAIL',
      start: t[s].start,
      end: t[end].end,
      priority: PRIORITY.EMAIL,
      source: 'recognizer',
    });
  }
  return out;
}
