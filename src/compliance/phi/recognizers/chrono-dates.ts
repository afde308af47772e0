// chrono-node over the utterance with spoken numbers rewritten as digits ("in three days" ->
// "in 3 days"), for the counts of days that date-forms.ts leaves to it (it costs tens of
// microseconds an utterance, so only those utterances come here). Only days count: "the week
// after" and "in two weeks" name no day, and a time of day is cut off ("Tuesday at 2").
// English only: the package's main entry also loads its fifteen other locales (215 of its 266
// modules, 2.7 MB of heap in every gateway process) for the same `casual` parser it re-exports
// as parse().
import { casual } from 'chrono-node/en';
import type { Utterance } from '../lib/context.ts';
import type { Found } from './date-forms.ts';

const RELATIVE = /\b(today|tomorrow|yesterday|tonight|week|weekend|mon|tue|wed|thu|fri|sat|sun)/i;

function rewrite(u: Utterance): { text: string; map: number[] } {
  // map[i] = folded-text offset of rewritten char i
  let text = '';
  const map: number[] = [];
  let cursor = 0;
  const push = (s: string, from: number, to: number) => {
    for (let k = 0; k < s.length; k++) map.push(Math.min(from + k, to - 1));
    text += s;
  };
  for (let i = 0; i < u.tokens.length; ) {
    const hit = u.numbers.get(i);
    if (!hit) {
      i++;
      continue;
    }
    const { group, next } = hit;
    push(u.text.slice(cursor, group.start), cursor, group.start);
    const from = group.start;
    for (let k = 0; k < group.digits.length; k++) map.push(k === 0 ? from : group.end - 1);
    text += group.digits;
    cursor = group.end;
    i = next;
  }
  push(u.text.slice(cursor), cursor, u.text.length);
  map.push(u.text.length);
  return { text, map };
}

export function chronoDates(u: Utterance): Found[] {
  const found: Found[] = [];
  const { text, map } = u.numbers.size > 0 ? rewrite(u) : { text: u.text, map: undefined };
  const at = (i: number) => (map ? map[i] : i);
  const endAt = (i: number) => (map ? map[i - 1] + 1 : i);
  for (const r of casual.parse(text, u.now)) {
    const s = r.start;
    const hasDay =
      s.isCertain('day') || s.isCertain('weekday') || /\b(this|next|last)\s+week\b/i.test(r.text);
    // "the week after", "in two weeks", "the weekend" name no day
    if (!hasDay || (/week/i.test(r.text) && !/\b(this|next|last)\s+week\b/i.test(r.text))) continue;
    // keep the date words only: "Tuesday at 2" -> "Tuesday"; times stay in clear
    let len = r.text.length;
    const timeAt = r.text.search(/\s+(at|@)\s+\d|\s+\d{1,2}(:\d\d)?\s*(am|pm|a\.m\.|p\.m\.)|T\d\d:/i);
    if (timeAt > 0) len = timeAt;
    found.push({
      start: at(r.index),
      end: endAt(r.index + len),
      month: s.isCertain('month') ? (s.get('month') ?? undefined) : undefined,
      day: s.isCertain('day') ? (s.get('day') ?? undefined) : undefined,
      year: s.isCertain('year') ? (s.get('year') ?? undefined) : undefined,
      relative: RELATIVE.test(r.text) && !/\d{4}/.test(r.text),
    });
  }
  return found;
}
