// Dates: chrono-node over the text with spoken numbers rewritten as digits ("june twelfth
// nineteen seventy five" -> "june 12th 1975"), plus the forms chrono leaves alone: a day on its
// own ("the fourth", "the 18th"), digit triples read out ("oh three fifteen nineteen eighty"),
// and a birth year said alone. A date is a birth date (DOB) when it matches the call's known
// birth date, follows a birth-date cue, or is a full date of a past year; otherwise DATE.
import * as chrono from 'chrono-node';
import { type Candidate, PRIORITY } from '../lib/candidate.ts';
import type { Utterance } from '../lib/context.ts';

type Found = {
  start: number;
  end: number;
  month?: number;
  day?: number;
  year?: number;
  yearOnly?: boolean;
  relative?: boolean;
};

const RELATIVE = /\b(today|tomorrow|yesterday|tonight|week|weekend|mon|tue|wed|thu|fri|sat|sun)/i;

// chrono costs tens of microseconds an utterance: run it only where a date word or shape is
const DATEISH =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s*\d|\b(?:january|february|march|april|june|july|august|september|october|november|december)\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:today|tomorrow|yesterday|tonight|christmas)\b|\b(?:this|next|last)\s+week\b|\d[/.-]\d|\d(?:st|nd|rd|th)\b/i;
const NOT_A_DAY_AFTER = new Set([
  'floor',
  'time',
  'visit',
  'one',
  'opinion',
  'shot',
  'dose',
  'grade',
  'appointment',
  'option',
  'slot',
  'page',
  'step',
  'line',
  'round',
  'person',
  'child',
  'kid',
  'try',
  'thing',
  'place',
  'week',
  'month',
]);

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

export function findDates(u: Utterance): Found[] {
  const found: Found[] = [];
  const { text, map } = u.numbers.size > 0 ? rewrite(u) : { text: u.text, map: undefined };
  const at = (i: number) => (map ? map[i] : i);
  const endAt = (i: number) => (map ? map[i - 1] + 1 : i);
  if (DATEISH.test(text)) {
    for (const r of chrono.parse(text, u.now)) {
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
  }
  // forms chrono does not read, on the rewritten text
  for (const m of text.matchAll(/\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)/gi)) {
    const day = Number(m[1]);
    const follower = /^\s*([a-z]+)/i.exec(text.slice(m.index + m[0].length))?.[1]?.toLowerCase();
    if (day < 1 || day > 31 || (follower && NOT_A_DAY_AFTER.has(follower))) continue;
    if (!/^the\s/i.test(m[0]) && !/\b(on|around|by|before|after|until|the)\s*$/i.test(text.slice(0, m.index)))
      continue;
    found.push({ start: at(m.index), end: endAt(m.index + m[0].length), day });
  }
  const gap = '(?:[\\s,]+(?:uh|um|er)\\b)*[\\s,]+';
  for (const m of text.matchAll(new RegExp(`\\b(\\d{1,2})${gap}(\\d{1,2})${gap}(\\d{4}|\\d{2})\\b`, 'g'))) {
    const month = Number(m[1]);
    const day = Number(m[2]);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    const y = Number(m[3]);
    found.push({
      start: at(m.index),
      end: endAt(m.index + m[0].length),
      month,
      day,
      year: m[3].length === 2 ? (y > u.now.getFullYear() % 100 ? 1900 + y : 2000 + y) : y,
    });
  }
  for (const m of text.matchAll(/\bchristmas(?:\s+day)?(?:,?\s+(\d{4}))?/gi)) {
    found.push({
      start: at(m.index),
      end: endAt(m.index + m[0].length),
      month: 12,
      day: 25,
      year: m[1] ? Number(m[1]) : undefined,
    });
  }
  for (const m of text.matchAll(/(?:\b(1[89]\d\d|20[0-3]\d)\b|'(\d\d)\b)/g)) {
    const year = m[1]
      ? Number(m[1])
      : Number(m[2]) + (Number(m[2]) > u.now.getFullYear() % 100 ? 1900 : 2000);
    found.push({ start: at(m.index), end: endAt(m.index + m[0].length), year, yearOnly: true });
  }
  // a two-word spoken year ("fifty three") only when it is the known birth year
  if (u.known?.birth) {
    for (const { group } of u.numbers.values()) {
      if (group.ordinal || group.value < 10 || group.value > 99) continue;
      if (group.value === u.known.birth.year % 100)
        found.push({ start: group.start, end: group.end, year: u.known.birth.year, yearOnly: true });
    }
  }
  return found;
}

// "the 9th of February": the article belongs to the date as said
function withArticle(text: string, f: Found): Found {
  const before = text.slice(Math.max(0, f.start - 4), f.start);
  return /^the\s$/i.test(before) || /\bthe\s$/i.test(before) ? { ...f, start: f.start - 4 } : f;
}

export function recognizeDates(u: Utterance, dobCue: (start: number) => boolean): Candidate[] {
  const out: Candidate[] = [];
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
