// A calendar date means the clinic's day: "2030-03-10" in America/New_York starts at 05:00Z, and
// that day has 23 hours (DST begins). The instant of local midnight comes from the zone's offset
// on that date (Intl, full ICU), checked once more after the first guess because the offset may
// change between the UTC guess and the answer.

const formatters = new Map<string, Intl.DateTimeFormat>();
// A zone's offset changes a few times a year, so it is kept per hour: a slot search asks for the
// same few hours again and again, and each formatToParts costs microseconds. An hour holding a
// transition is not kept.
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 4_096;
const hourOffsets = new Map<string, number>();

/** How far the zone's wall clock is ahead of UTC at `instant` (negative west of Greenwich). */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const hour = Math.floor(instant / HOUR_MS) * HOUR_MS;
  const key = `${timeZone}\u0000${hour}`;
  const cached = hourOffsets.get(key);
  if (cached !== undefined) return cached;
  const offset = exactOffsetMs(hour, timeZone);
  if (offset !== exactOffsetMs(hour + HOUR_MS - 1_000, timeZone)) return exactOffsetMs(instant, timeZone);
  if (hourOffsets.size >= MAX_CACHED_HOURS) hourOffsets.clear();
  hourOffsets.set(key, offset);
  return offset;
}

function exactOffsetMs(instant: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const f: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) f[part.type] = Number(part.value);
  const asUtc = Date.UTC(f.year as number, (f.month as number) - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(instant / 1_000) * 1_000;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text);
}

/** Epoch ms of 00:00 local time on `date` (YYYY-MM-DD), plus `addDays` days. */
export function startOfLocalDay(date: string, timeZone: string, addDays = 0): number {
  const match = DATE_ONLY.exec(date);
  if (match === null) return Number.NaN;
  const guess = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}

/** The local calendar date (YYYY-MM-DD) of an instant. */
export function localDate(instant: number, timeZone: string): string {
  return new Date(instant + zoneOffsetMs(instant, timeZone)).toISOString().slice(0, 10);
}
