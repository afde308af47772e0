// The sentence a caller hears for a time: the clinic's wall clock, not the server's. The zone's
// offset at that very instant comes from Intl (full ICU ships with Node, zoned-date.ts keeps it
// per hour), so 2:40 pm in New York is 18:40Z in summer and 19:40Z in winter. The words are put
// together here rather than by Intl's formatToParts: find_slots says three or more times on
// every answer, and the offset is already at hand.
import { zoneOffsetMs } from '../lib/zoned-date.ts';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "Tuesday March 3 at 2:40 pm"; on the hour "Tuesday March 3 at 9 am" (how people say it). */
export function spokenTime(instant: Date | string, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  // The wall clock read as if it were UTC: its UTC fields are the clinic's local fields.
  const wall = new Date(ms + zoneOffsetMs(ms, timeZone));
  const hours = wall.getUTCHours();
  const minutes = wall.getUTCMinutes();
  const minute = minutes === 0 ? '' : `:${String(minutes).padStart(2, '0')}`;
  return `${WEEKDAYS[wall.getUTCDay()]} ${MONTHS[wall.getUTCMonth()]} ${wall.getUTCDate()} at ${hours % 12 || 12}${minute} ${hours < 12 ? 'am' : 'pm'}`;
}

/** "Tuesday March 3 at 2:40 pm with Dr. Rivera at Main Street". */
export function spokenSlot(input: {
  readonly start: Date | string;
  readonly timeZone: string;
  readonly practitioner?: string;
  readonly location?: string;
}): string {
  let sentence = spokenTime(input.start, input.timeZone);
  if (input.practitioner) sentence += ` with ${input.practitioner}`;
  if (input.location) sentence += ` at ${input.location}`;
  return sentence;
}
