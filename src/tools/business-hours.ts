// Whether a route's opening hours hold at an instant, in the tenant's time zone (config schema
// `routing[].hours`: days mon..sun, open/close as 24-hour HH:MM, close exclusive).
import type { RoutingRule } from '../config/types.ts';

type Hours = NonNullable<RoutingRule['hours']>;
const WEEKDAY: Readonly<Record<string, Hours['days'][number]>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

const formats = new Map<string, Intl.DateTimeFormat>();

function localClock(at: number, timeZone: string): { day: string; time: string } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return { day: WEEKDAY[parts.weekday ?? ''] ?? '', time: `${parts.hour}:${parts.minute}` };
}

export function isOpen(hours: Hours | undefined, at: number, timeZone: string): boolean {
  if (hours === undefined) return true;
  const { day, time } = localClock(at, timeZone);
  return (hours.days as readonly string[]).includes(day) && time >= hours.open && time < hours.close;
}
