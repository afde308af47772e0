// The sentence a caller hears for a time: the clinic's wall clock, not the server's. Each instant
// is formatted in the location's IANA zone by Intl (full ICU ships with Node), so the offset of
// that very day applies: 2:40 pm in New York is 18:40Z in summer and 19:40Z in winter.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** "Tuesday March 3 at 2:40 pm"; on the hour "Tuesday March 3 at 9 am" (how people say it). */
export function spokenTime(instant: Date | string, timeZone: string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  const minute = parts.minute === '00' ? '' : `:${parts.minute}`;
  const period = (parts.dayPeriod ?? '').toLowerCase();
  return `${parts.weekday} ${parts.month} ${parts.day} at ${parts.hour}${minute} ${period}`.trim();
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
