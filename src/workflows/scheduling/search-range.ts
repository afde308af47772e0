// The window a slot search covers, from what the agent passed: a calendar date is the clinic's
// day (lib/zoned-date.ts), a date-time an instant. Bad input is refused before any EHR call.

import { isDateOnly, startOfLocalDay } from '../lib/zoned-date.ts';
import { type FailedOutcome, failed } from '../outcome.ts';

/** Without `to`, a search covers this many days from `from`. */
export const DEFAULT_SEARCH_DAYS = 14;
/** Wider searches are refused: schedules are not published that far, and the answer would be slow. */
export const MAX_SEARCH_DAYS = 90;

const DAY_MS = 86_400_000;

export type SearchRange = { readonly from: Date; readonly to: Date };

function parse(text: string, timeZone: string, endOfDay: boolean): number {
  if (isDateOnly(text)) return startOfLocalDay(text, timeZone, endOfDay ? 1 : 0);
  // Only full ISO 8601 date-times with a zone: "3pm tomorrow" is the agent's job, not ours.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return Number.NaN;
  return Date.parse(text);
}

/**
 * `from` earlier today is moved up to now (the caller means "from today"); a window that ended,
 * or starts on a day already past, is refused, as is one longer than MAX_SEARCH_DAYS.
 */
export function searchRange(
  input: { readonly from?: string; readonly to?: string },
  context: { readonly now: number; readonly timeZone: string; readonly todayStarts: number },
): SearchRange | FailedOutcome {
  const from = input.from === undefined ? context.now : parse(input.from, context.timeZone, false);
  if (Number.isNaN(from)) {
    return failed('invalid_input', 'I need the start date as a calendar date.', { field: 'from' });
  }
  const to =
    input.to === undefined ? from + DEFAULT_SEARCH_DAYS * DAY_MS : parse(input.to, context.timeZone, true);
  if (Number.isNaN(to)) {
    return failed('invalid_input', 'I need the end date as a calendar date.', { field: 'to' });
  }
  if (from < context.todayStarts || to <= context.now) {
    return failed('invalid_input', 'That date has already passed. Which upcoming day works for you?', {
      field: from < context.todayStarts ? 'from' : 'to',
    });
  }
  if (to <= from) {
    return failed('invalid_input', 'The end of that range comes before its start.', { field: 'to' });
  }
  if (to - from > MAX_SEARCH_DAYS * DAY_MS) {
    return failed(
      'invalid_input',
      `I can only search up to ${MAX_SEARCH_DAYS} days at a time. Which weeks suit you best?`,
      { field: 'to' },
    );
  }
  return { from: new Date(Math.max(from, context.now)), to: new Date(to) };
}
