// Time-of-day filtering in the clinic's own zone (SlotQuery.timeOfDay): "morning" at a Nashville
// location is 9:00 America/Chicago whatever the gateway's zone. Intl resolves the offset for that
// instant, so DST changes are handled by the platform's tz database, not by us.
import type { TimeOfDay } from '../adapter.ts';

/** Local hours where each part of the day starts (adapter.ts: morning < 12:00 <= afternoon < 17:00 <= evening). */
export const AFTERNOON_STARTS_HOUR = 12;
export const EVENING_STARTS_HOUR = 17;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local hour (0-23) of an instant in an IANA zone. */
export function localHour(instant: Date, timeZone: string): number {
  const hour = formatter(timeZone)
    .formatToParts(instant)
    .find((p) => p.type === 'hour');
  return Number(hour?.value ?? Number.NaN);
}

export function timeOfDayOf(instant: Date, timeZone: string): TimeOfDay {
  const hour = localHour(instant, timeZone);
  if (hour < AFTERNOON_STARTS_HOUR) return 'morning';
  return hour < EVENING_STARTS_HOUR ? 'afternoon' : 'evening';
}

/** True when no filter is asked for, or the start falls in the asked part of the day. */
export function matchesTimeOfDay(start: string, wanted: TimeOfDay | undefined, timeZone: string): boolean {
  if (wanted === undefined) return true;
  const instant = new Date(start);
  return !Number.isNaN(instant.getTime()) && timeOfDayOf(instant, timeZone) === wanted;
}
