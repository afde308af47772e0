// Finds the dates in an utterance from its tokens. Spoken numbers count as the digits they stand
// for ("june twelfth nineteen seventy five" is "june 12th 1975"). The written forms follow
// chrono-node's English parsers and refiners (src/locales/en/parsers: ENMonthNameMiddleEndian-,
// ENMonthNameLittleEndian-, ENWeekday-, ENCasualDate-, ENRelativeDateFormatParser,
// ENYearMonthDayParser; src/common/parsers: SlashDateFormatParser, ISOFormatParser; refiners:
// OverlapRemoval, ENExtractYearSuffix), which the firewall used to run on every date-like
// utterance at tens of microseconds each (issue 7: the firewall's speed target). Counts of days
// ("in three days", "two days ago") are left to chrono-node itself: they are rare and chrono reads
// them well. Times of day are never part of a date span ("Tuesday at 2" -> "Tuesday"). Spanish
// dates ("doce de marzo de mil novecientos setenta", "lunes") are read too.
import type { Utterance } from '../lib/context.ts';
import { DATE_WORDS, type DateWord } from '../lib/date-words.ts';
import { LEX_CHRISTMAS, LEX_DATE_WORD, LEX_NUMBER_WORD, LEX_TIME_UNIT } from '../lib/lexicon.ts';
import { readSpanishNumber, spanishDayEndingAt } from '../lib/spanish-numbers.ts';
import type { Token } from '../lib/words.ts';
import { chronoDates } from './chrono-dates.ts';

export type Found = {
  start: number;
  end: number;
  month?: number;
  day?: number;
  year?: number;
  yearOnly?: boolean;
  relative?: boolean;
};

// A number as said or written: digit tokens ("3", "3rd" = "3" + "rd"), or a spoken group.
type Num = { value: number; digits: number; ordinal: boolean; first: number; next: number; spoken: boolean };

const ORDINAL_SUFFIX = new Set(['st', 'nd', 'rd', 'th']);
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
const DAY_LEAD_INS = new Set(['on', 'around', 'by', 'before', 'after', 'until', 'the']);
const FILLER_GAP = new Set(['uh', 'um', 'er']);
const RANGE_WORDS = new Set(['to', '-', '–', 'until', 'through', 'till']);
// words that make the next word a count of time units ("three days", "a few hours", "the day")
const QUANTITY_WORDS = new Set(['a', 'an', 'few', 'several', 'couple', 'the', 'half', 'of']);

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

// The utterance as the date forms read it: its numbers listed once, its date words looked up
// on demand.
class Reader {
  readonly u: Utterance;
  readonly t: Token[];
  readonly text: string;
  // every number in token order: digit runs ("3", "3rd") and spoken groups ("twenty-first")
  readonly numbers: Num[] = [];
  readonly #at: Array<Num | undefined> = [];

  constructor(u: Utterance) {
    this.u = u;
    this.t = u.tokens;
    this.text = u.text;
    const t = this.t;
    const spoken = u.numbers.size > 0;
    for (let i = 0; i < t.length; i++) {
      let n: Num | undefined;
      const group = spoken ? u.numbers.get(i) : undefined;
      if (group) {
        const g = group.group;
        const digits = g.ordinal ? g.digits.length - 2 : g.digits.length;
        n = { value: g.value, digits, ordinal: g.ordinal, first: i, next: group.next, spoken: true };
      } else if (t[i].kind === 'digits') {
        const s = t[i + 1];
        const ordinal = s !== undefined && s.start === t[i].end && ORDINAL_SUFFIX.has(s.lower);
        n = {
          value: Number(t[i].text),
          digits: t[i].text.length,
          ordinal,
          first: i,
          next: ordinal ? i + 2 : i + 1,
          spoken: false,
        };
      }
      if (n) {
        this.numbers.push(n);
        this.#at[i] = n;
        i = n.next - 1;
      }
    }
  }

  num(i: number): Num | undefined {
    return this.#at[i];
  }

  word(i: number): DateWord | undefined {
    const tok = this.t[i];
    return tok && tok.flags & LEX_DATE_WORD ? DATE_WORDS.get(tok.bare) : undefined;
  }

  // no word character right before / after this offset (a regular expression's \b at a word edge)
  edgeBefore(offset: number): boolean {
    return offset === 0 || !isWordChar(this.text.charCodeAt(offset - 1));
  }

  edgeAfter(offset: number): boolean {
    return offset >= this.text.length || !isWordChar(this.text.charCodeAt(offset));
  }
}

// chrono-node parseYear(): four digits as they are, two digits 51-99 as 19xx and 00-50 as 20xx
function chronoYear(n: Num): number | undefined {
  if (n.ordinal) return undefined;
  if (n.digits === 4 && n.value >= 1000) return n.value;
  if (n.digits === 2) return n.value > 50 ? 1900 + n.value : 2000 + n.value;
  return undefined;
}

// the end offset of token i with a trailing "'s" left out ("Wednesday's")
function endOf(t: Token, bareWord: boolean): number {
  return bareWord && t.lower.endsWith("'s") ? t.end - 2 : t.end;
}

// chrono-node's YEAR_PATTERN: two digits are a year unless an hour or a month follows
// ("June 3 10 am", "June 3 10 march")
const NOT_AFTER_TWO_DIGIT_YEAR =
  /^(?:am|pm|o\s*clock|o'clock|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
function twoDigitYearFollower(r: Reader, n: Num): boolean {
  const end = r.t[n.next - 1].end;
  const c = r.text.charCodeAt(end);
  if (isWordChar(c)) return false;
  if (c === 58 && r.text.charCodeAt(end + 1) >= 48 && r.text.charCodeAt(end + 1) <= 57) return false;
  const next = r.t[n.next];
  if (!next || next.start === end) return true;
  return !NOT_AFTER_TWO_DIGIT_YEAR.test(r.text.slice(next.start, next.start + 8));
}

// the year after a month name or a day: "March 3rd, 1982", "12 April 1987", "June 21st, 61"
function yearAt(r: Reader, i: number, prevEnd: number, monthFirst: boolean): Num | undefined {
  const t = r.t;
  let k = i;
  const tk = t[k];
  if (!tk) return undefined;
  if (tk.text === '-' || tk.text === '/') {
    if (!monthFirst && tk.start !== prevEnd) return undefined;
    k++;
    if (!t[k] || t[k].start !== tk.end) return undefined;
  } else if (tk.text === ',') {
    if (!monthFirst && tk.start !== prevEnd) return undefined;
    k++;
  } else if (tk.start === prevEnd) return undefined;
  const n = r.num(k);
  if (!n || n.ordinal) return undefined;
  if (n.digits === 4 && n.value >= 1000) {
    const after = t[n.next - 1].end;
    if (!r.edgeAfter(after)) return undefined;
    // "(?!\:\d)" ends the month-first pattern only ("June 3 1982:30" is June 3 and a time)
    if (monthFirst && r.text[after] === ':' && isWordChar(r.text.charCodeAt(after + 1))) return undefined;
    return n;
  }
  if (n.digits === 2 && twoDigitYearFollower(r, n)) return n;
  return undefined;
}

// chrono-node's ENExtractYearSuffixRefiner: a date without a year takes a four-digit year said
// right after it ("March 3rd 1982", "3/14 1981")
function yearSuffix(r: Reader, last: number): Num | undefined {
  const n = r.num(last + 1);
  if (!n || n.ordinal || n.digits !== 4 || n.value < 1000) return undefined;
  return n;
}

// Month name first: "March 3rd, 1982", "Sept 12 1963", "may 21st 2000", "June 3 to 5".
function middleEndian(r: Reader, m: number, month: number, out: Found[]): number {
  const t = r.t;
  if (!r.edgeBefore(t[m].start)) return m;
  let i = m + 1;
  let end = t[m].end;
  const dw = r.word(m);
  if (dw?.kind === 'month' && dw.abbreviation && t[i]?.text === '.' && t[i].start === end) {
    end = t[i].end;
    i++;
  }
  if (t[i] && (t[i].text === '-' || t[i].text === '/')) {
    if (t[i].start !== end || !t[i + 1] || t[i + 1].start !== t[i].end) return m;
    i++;
  } else if (t[i]?.text === ',') i++;
  const d = r.num(i);
  if (!d || d.digits > 2 || d.value < 1 || d.value > 31) return m;
  let last = d.next - 1;
  // "(?!\s*(?:am|pm))": "June 3 am" is a time
  const after = t[d.next];
  if (after && (after.lower.startsWith('am') || after.lower.startsWith('pm')) && after.kind === 'word')
    return m;
  // "June 3 to 5"
  if (t[d.next] && (t[d.next].lower === 'to' || t[d.next].text === '-')) {
    const e = r.num(d.next + 1);
    if (e && e.digits <= 2 && e.value >= 1 && e.value <= 31) last = e.next - 1;
  }
  let y = yearAt(r, last + 1, t[last].end, true);
  if (y) last = y.next - 1;
  const stop = t[last].end;
  if (!r.edgeAfter(stop)) return m;
  if (r.text[stop] === ':' && isWordChar(r.text.charCodeAt(stop + 1))) return m;
  if (!y) {
    y = yearSuffix(r, last);
    if (y) last = y.next - 1;
  }
  out.push({
    start: t[m].start,
    end: t[last].end,
    month,
    day: d.value,
    year: y ? chronoYear(y) : undefined,
  });
  return last;
}

// Spanish, day first: "doce de marzo de mil novecientos setenta", "12 de marzo de 1970",
// "el primero de mayo".
function spanishDate(r: Reader, m: number, month: number, out: Found[]): number {
  const t = r.t;
  if (t[m - 1]?.lower !== 'de' || m < 2) return -1;
  const dayTok = t[m - 2];
  let day: number | undefined;
  let first = m - 2;
  if (dayTok.kind === 'digits' && dayTok.text.length <= 2) day = Number(dayTok.text);
  else {
    const n = spanishDayEndingAt(t, m - 2);
    if (n) {
      day = n.value;
      first = n.first;
    }
  }
  if (day === undefined || day < 1 || day > 31) return -1;
  let last = m;
  let year: number | undefined;
  const de = t[m + 1]?.lower;
  if (de === 'de' || de === 'del') {
    const y = t[m + 2];
    if (y?.kind === 'digits' && y.text.length === 4) {
      year = Number(y.text);
      last = m + 2;
    } else {
      const n = readSpanishNumber(t, m + 2);
      if (n && n.value >= 1800 && n.value <= 2099) {
        year = n.value;
        last = n.next - 1;
      }
    }
  }
  out.push({ start: t[first].start, end: t[last].end, month, day, year });
  return last;
}

// Day first: "12 April 1987", "the 9th of February 1949", "5th March 1992", "3rd to 5th May".
function littleEndian(r: Reader, d: Num, out: Found[]): number {
  const t = r.t;
  const first = d.first;
  if (!r.edgeBefore(t[first].start) || d.digits > 2 || d.value < 1 || d.value > 31) return -1;
  let i = d.next;
  let prevEnd = t[i - 1].end;
  if (t[i] && RANGE_WORDS.has(t[i].lower)) {
    const e = r.num(i + 1);
    if (e && e.digits <= 2) {
      i = e.next;
      prevEnd = t[i - 1].end;
    }
  }
  if (t[i] && (t[i].text === '-' || t[i].text === '/')) {
    if (t[i].start !== prevEnd || !t[i + 1] || t[i + 1].start !== t[i].end) return -1;
    i++;
  } else if (t[i]?.lower === 'of' && t[i].kind === 'word') {
    i++;
  }
  const mw = r.word(i);
  if (mw?.kind !== 'month' || t[i].lower.endsWith("'s")) return -1;
  let last = i;
  if (mw.abbreviation && t[i + 1]?.text === '.' && t[i + 1].start === t[i].end) last = i + 1;
  const y = yearAt(r, last + 1, t[last].end, false);
  if (y) last = y.next - 1;
  if (!r.edgeAfter(t[last].end)) return -1;
  const suffix = y ? undefined : yearSuffix(r, last);
  if (suffix) last = suffix.next - 1;
  out.push({
    start: t[first].start,
    end: t[last].end,
    month: mw.month,
    day: d.value,
    year: y ? chronoYear(y) : suffix?.value,
  });
  return last;
}

// "3/14/1981", "9-30-1976", "11/04/1990", "7/7/83", "3/14"; month first as chrono reads it,
// swapped when the first number cannot be a month ("30/9/1976").
function slashDate(r: Reader, a: number, out: Found[]): number {
  const t = r.t;
  const A = t[a];
  const s1 = t[a + 1];
  const B = t[a + 2];
  if (!s1 || !B || B.kind !== 'digits' || s1.start !== A.end || B.start !== s1.end) return -1;
  if (s1.text !== '/' && s1.text !== '.' && s1.text !== '-') return -1;
  const dayLike = (x: Token) => x.text.length === 1 || (x.text.length === 2 && x.text.charCodeAt(0) <= 51);
  if (!dayLike(A) || !dayLike(B)) return -1;
  // "\d/?$" before: part of a longer run of numbers
  if (A.start > 0 && r.text[A.start - 1] === '/' && A.start > 1 && /\d/.test(r.text[A.start - 2])) return -1;
  let last = a + 2;
  let year: number | undefined;
  const s2 = t[a + 3];
  const C = t[a + 4];
  if (s2 && s2.start === B.end && (s2.text === '/' || s2.text === '.' || s2.text === '-')) {
    const okYear =
      C !== undefined &&
      C.kind === 'digits' &&
      C.start === s2.end &&
      (C.text.length === 2 || C.text.length === 4) &&
      r.edgeAfter(C.end);
    if (okYear) {
      const raw = Number(C.text);
      year = raw < 100 ? (raw > 50 ? 1900 + raw : 2000 + raw) : raw;
      last = a + 4;
      if (r.text[C.end] === '/' && /\d/.test(r.text[C.end + 1] ?? '')) return -1;
    } else if (s2.text === '/' && C?.kind === 'digits' && C.start === s2.end) return -1;
  } else if (!r.edgeAfter(B.end)) return -1;
  if (year === undefined && s1.text !== '/') return -1;
  // "1.5", "2.10.25" are not dates
  if (s1.text === '.' && A.text.length === 1) {
    if (year === undefined && B.text.length === 1) return -1;
    if (year !== undefined && t[a + 3].text === '.' && t[last].text.length === 2) return -1;
  }
  let month = Number(A.text);
  let day = Number(B.text);
  if (month > 12) {
    if (day >= 1 && day <= 12 && month <= 31) [month, day] = [day, month];
    else return -1;
  }
  if (month < 1 || day < 1 || day > 31) return -1;
  if (year === undefined) {
    const suffix = yearSuffix(r, last);
    if (suffix) {
      year = suffix.value;
      last = suffix.next - 1;
    }
  }
  out.push({ start: A.start, end: t[last].end, month, day, year });
  return last;
}

// "1955-08-14", "2025-07-14T09:00", "1980/3/15", "1980 3 15", "2020 jan 5"
function yearMonthDay(r: Reader, y: number, out: Found[]): number {
  const t = r.t;
  const Y = t[y];
  if (!r.edgeBefore(Y.start)) return -1;
  // one separator character between the parts: - . / or a space
  const sepAfter = (end: number, next: Token | undefined): number => {
    if (!next) return -1;
    const c = r.text[end];
    if (next.start === end + 1 && (c === ' ' || c === '\t')) return 0;
    if (next.start === end && (next.text === '-' || next.text === '.' || next.text === '/')) return 1;
    return -1;
  };
  let i = y + 1;
  let k = sepAfter(Y.end, t[i]);
  if (k < 0) return -1;
  i += k;
  if (k === 1 && t[i]?.start !== t[i - 1].end) return -1;
  let month: number | undefined;
  const mTok = t[i];
  if (!mTok) return -1;
  if (mTok.kind === 'digits' && mTok.text.length <= 2) month = Number(mTok.text);
  else {
    const mw = r.word(i);
    if (mw?.kind === 'month' && mTok.lower === mTok.bare) month = mw.month;
  }
  if (month === undefined) return -1;
  let mEnd = mTok.end;
  if (
    mTok.kind === 'word' &&
    r.word(i)?.kind === 'month' &&
    t[i + 1]?.text === '.' &&
    t[i + 1].start === mEnd
  ) {
    i++;
    mEnd = t[i].end;
  }
  i++;
  k = sepAfter(mEnd, t[i]);
  if (k < 0) return -1;
  i += k;
  const D = t[i];
  if (D?.kind !== 'digits' || D.text.length > 2 || (k === 1 && D.start !== t[i - 1].end)) return -1;
  let day = Number(D.text);
  let last = i;
  const after = D.end;
  if (!r.edgeAfter(after)) {
    // ISO 8601 with a time: "2025-07-14T09:00:00-05:00"; the time stays out of the span
    const T = t[i + 1];
    if (!(T && T.lower === 't' && T.start === after && t[i + 2]?.kind === 'digits')) return -1;
  }
  if (month < 1 || month > 12) {
    if (day >= 1 && day <= 12) [month, day] = [day, month];
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return -1;
  out.push({ start: Y.start, end: t[last].end, month, day, year: Number(Y.text) });
  last = i;
  return last;
}

// "next Tuesday", "on Friday", "Monday next week", "Wednesday's"
function weekday(r: Reader, w: number, out: Found[]): number {
  const t = r.t;
  if (!r.edgeBefore(t[w].start)) return w;
  const dw = r.word(w);
  if (dw?.kind !== 'weekday') return w;
  let start = t[w].start;
  const prev = r.word(w - 1);
  const modified = prev?.kind === 'modifier' && t[w - 1].lower === t[w - 1].bare;
  if (modified) start = t[w - 1].start;
  // "sat", "sun", "wed" are English words first, and Domingo is a name as often as a Sunday
  const lower = t[w].bare;
  const dotted = t[w + 1]?.text === '.' && t[w + 1].start === t[w].end;
  const before = t[w - 1]?.lower;
  if ((lower === 'sat' || lower === 'sun' || lower === 'wed') && !modified && !dotted && before !== 'on')
    return w;
  if (lower === 'domingo' && !modified && before !== 'el' && before !== 'on' && before !== 'cada') return w;
  let last = w;
  let end = endOf(t[w], true);
  // "Monday next week", "Monday of next week"
  let p = w + 1;
  if (t[p]?.text === ',') p++;
  if (t[p]?.lower === 'of') p++;
  const pm = r.word(p);
  if (
    pm?.kind === 'modifier' &&
    t[p].lower !== 'past' &&
    t[p + 1]?.bare === 'week' &&
    t[p + 1].kind === 'word'
  ) {
    last = p + 1;
    end = endOf(t[last], true);
  }
  out.push({ start, end, relative: true });
  return last;
}

// "this week", "next week", "last week": a day-precise relative date in chrono-node; "past week",
// "this month", "next year" name no day.
function relativeWeek(r: Reader, i: number, out: Found[]): number {
  const t = r.t;
  const next = t[i + 1];
  if (next?.kind !== 'word' || next.bare !== 'week') return i;
  const m = t[i].lower;
  if (m !== 'this' && m !== 'next' && m !== 'last') return i;
  if (!r.edgeBefore(t[i].start)) return i;
  out.push({ start: t[i].start, end: endOf(next, true), relative: true });
  return i + 1;
}

// A count of days said the way chrono-node reads it as a day ("in three days", "two days ago",
// "the day after tomorrow", "the next day", "the end of the month"): such an utterance goes to
// chrono. Counts of weeks, months and years name no day in chrono-node, nor do "54 years old"
// or "a six month follow-up", so they stay here.
const BEFORE_COUNT = new Set(['in', 'within', 'for', 'after', 'before', '+', '-']);
const AFTER_COUNT = new Set([
  'ago',
  'before',
  'earlier',
  'later',
  'after',
  'from',
  'hence',
  'henceforth',
  'out',
]);

function needsChrono(r: Reader): boolean {
  if (!(r.u.flags & LEX_TIME_UNIT)) return false;
  const t = r.t;
  for (let i = 0; i < t.length; i++) {
    const w = t[i].bare;
    if (w === 'end' && t[i + 1]?.lower === 'of') {
      const k = t[i + 2]?.lower === 'the' ? i + 3 : i + 2;
      if (t[k]?.bare === 'month') return true;
    }
    if ((w !== 'day' && w !== 'days') || t[i].kind !== 'word' || i === 0) continue;
    const prev = t[i - 1];
    // "next day", "the last day of the month"
    if (r.word(i - 1)?.kind === 'modifier') return true;
    let count = prev.kind === 'digits' || QUANTITY_WORDS.has(prev.lower);
    // a spoken number ends right before the unit ("twenty five days")
    if (!count) for (const { group } of r.u.numbers.values()) if (group.end === prev.end) count = true;
    if (!count) continue;
    if (AFTER_COUNT.has(t[i + 1]?.lower ?? '')) return true;
    for (let k = i - 2; k >= 0 && k >= i - 5; k--) if (BEFORE_COUNT.has(t[k].lower)) return true;
  }
  return false;
}

// The forms chrono-node reads, without chrono-node.
function namedDates(r: Reader): Found[] {
  const t = r.t;
  const out: Found[] = [];
  for (let i = 0; i < t.length; i++) {
    const tok = t[i];
    // like chrono-node, every form is tried at every word ("the fourth April fourth 1961" is
    // read both ways, "june7/7/83" both as June 7 and as 7/7/83) and the longer reading wins below
    if (tok.flags & LEX_DATE_WORD) {
      const dw = r.word(i);
      if (dw?.kind === 'month') {
        // "May" and "March" are verbs too: a day number must follow
        if (!dw.spanish || spanishDate(r, i, dw.month, out) < 0) middleEndian(r, i, dw.month, out);
      } else if (dw?.kind === 'weekday') weekday(r, i, out);
      else if (dw?.kind === 'casual') {
        if (r.edgeBefore(tok.start)) out.push({ start: tok.start, end: endOf(tok, true), relative: true });
      } else if (dw?.kind === 'modifier') {
        if (tok.lower === 'last' && t[i + 1]?.lower === 'night' && r.edgeBefore(tok.start))
          out.push({ start: tok.start, end: endOf(t[i + 1], true), relative: true });
        else if (r.word(i + 1)?.kind !== 'weekday') relativeWeek(r, i, out);
      }
    }
    // "second" is a unit of time and an ordinal day
    const n = r.num(i);
    if (!n) continue;
    if (!n.spoken) {
      if (tok.text.length === 4 && yearMonthDay(r, i, out) >= 0) continue;
      if (slashDate(r, i, out) >= 0) continue;
    }
    littleEndian(r, n, out);
  }
  if (out.length < 2) return out;
  // the longer of two overlapping dates wins, as in chrono-node's OverlapRemovalRefiner
  out.sort((a, b) => a.start - b.start);
  const kept: Found[] = [];
  for (const f of out) {
    const prev = kept.at(-1);
    if (prev && f.start < prev.end) {
      if (f.end - f.start > prev.end - prev.start) kept[kept.length - 1] = f;
      continue;
    }
    kept.push(f);
  }
  return kept;
}

// "the 4th", "on the twenty-third", "by the 18th": a day on its own, after "the" or a lead-in.
function dayAlone(r: Reader, out: Found[]): void {
  const t = r.t;
  for (const n of r.numbers) {
    if (!n.ordinal || n.digits > 2) continue;
    const start = t[n.first].start;
    const end = t[n.next - 1].end;
    if (!r.edgeBefore(start) || !r.edgeAfter(end)) continue;
    const next = t[n.next];
    if (next?.lower === 'of' && next.kind === 'word' && next.start > end) continue;
    if (n.value < 1 || n.value > 31) continue;
    if (next && next.kind === 'word') {
      const follower = /^[a-z]+/i.exec(r.text.slice(next.start, next.end))?.[0]?.toLowerCase();
      if (follower && NOT_A_DAY_AFTER.has(follower)) continue;
    }
    const prev = t[n.first - 1];
    const the = prev !== undefined && prev.kind === 'word' && prev.lower === 'the' && prev.end < start;
    if (the) {
      out.push({ start: prev.start, end, day: n.value });
      continue;
    }
    if (prev?.kind !== 'word' || !DAY_LEAD_INS.has(prev.lower)) continue;
    out.push({ start, end, day: n.value });
  }
}

// "oh three fifteen nineteen eighty", "3 15 80", "ten uh ten two thousand two": month, day and
// year said as three numbers.
function numberTriples(r: Reader, now: Date, out: Found[]): void {
  const t = r.t;
  const text = r.text;
  const sep = (at: number) => {
    const c = text.charCodeAt(at);
    if (c === 44 || c === 32 || (c >= 9 && c <= 13)) return true;
    return c >= 128 && /\s/.test(text[at]);
  };
  // the next number after a gap of spaces, commas and fillers
  const across = (from: Num): number => {
    let j = from.next;
    if (!sep(t[j - 1].end)) return -1;
    while (t[j] && (t[j].text === ',' || (t[j].kind === 'word' && FILLER_GAP.has(t[j].lower)))) {
      if (t[j].kind === 'word' && (!sep(t[j].start - 1) || !sep(t[j].end))) return -1;
      j++;
    }
    if (!t[j] || !sep(t[j].start - 1)) return -1;
    return j;
  };
  const nums = r.numbers;
  if (nums.length < 3) return;
  let resume = 0;
  for (const a of nums) {
    if (a.first < resume) continue;
    if (a.ordinal || a.digits > 2 || !r.edgeBefore(t[a.first].start)) continue;
    const j = across(a);
    const b = j >= 0 ? r.num(j) : undefined;
    if (!b || b.ordinal || b.digits > 2) continue;
    const k = across(b);
    const c = k >= 0 ? r.num(k) : undefined;
    if (!c || c.ordinal || (c.digits !== 2 && c.digits !== 4) || !r.edgeAfter(t[c.next - 1].end)) continue;
    resume = c.next;
    if (a.value < 1 || a.value > 12 || b.value < 1 || b.value > 31) continue;
    const year = c.digits === 2 ? (c.value > now.getFullYear() % 100 ? 1900 : 2000) + c.value : c.value;
    out.push({ start: t[a.first].start, end: t[c.next - 1].end, month: a.value, day: b.value, year });
  }
}

// "Christmas", "Christmas Day 1968", "Christmas, 1968"
function christmas(r: Reader, out: Found[]): void {
  if (!(r.u.flags & LEX_CHRISTMAS)) return;
  const t = r.t;
  for (let i = 0; i < t.length; i++) {
    if (t[i].kind !== 'word' || t[i].bare !== 'christmas' || !r.edgeBefore(t[i].start)) continue;
    let last = i;
    if (t[i + 1]?.bare === 'day' && t[i + 1].kind === 'word') last = i + 1;
    let year: number | undefined;
    let k = last + 1;
    if (t[k]?.text === ',' && t[k].start === t[last].end) k++;
    const y = r.num(k);
    if (y && !y.ordinal && y.digits === 4 && t[k].start > t[k - 1].end) {
      year = y.value;
      last = y.next - 1;
    }
    out.push({ start: t[i].start, end: endOf(t[last], true), month: 12, day: 25, year });
    i = last;
  }
}

// A year said alone ("born in nineteen forty-three", "the year is '88").
function years(r: Reader, now: Date, out: Found[]): void {
  const t = r.t;
  for (const n of r.numbers) {
    if (n.ordinal) continue;
    const start = t[n.first].start;
    const end = t[n.next - 1].end;
    if (n.digits === 4 && n.value >= 1800 && n.value <= 2039) {
      if (r.edgeBefore(start) && r.edgeAfter(end)) out.push({ start, end, year: n.value, yearOnly: true });
    } else if (n.digits === 2 && !n.spoken && r.text[start - 1] === "'" && r.edgeAfter(end)) {
      const year = n.value + (n.value > now.getFullYear() % 100 ? 1900 : 2000);
      out.push({ start: start - 1, end, year, yearOnly: true });
    }
  }
}

export function findDates(u: Utterance): Found[] {
  if (!u.hasDigits && !(u.flags & (LEX_DATE_WORD | LEX_NUMBER_WORD | LEX_CHRISTMAS))) return [];
  const r = new Reader(u);
  const found = needsChrono(r) ? chronoDates(u) : namedDates(r);
  dayAlone(r, found);
  numberTriples(r, u.now, found);
  christmas(r, found);
  years(r, u.now, found);
  // a two-word spoken year ("fifty three") only when it is the known birth year
  const birth = u.known?.birth;
  if (birth) {
    for (const { group } of u.numbers.values()) {
      if (group.ordinal || group.value < 10 || group.value > 99) continue;
      if (group.value === birth.year % 100)
        found.push({ start: group.start, end: group.end, year: birth.year, yearOnly: true });
    }
  }
  return found;
}
