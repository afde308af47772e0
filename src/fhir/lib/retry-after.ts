// Retry-After (RFC 9110 section 10.2.3) is either delay-seconds or an HTTP-date. A date is turned
// into a delay against the injected clock so tests need no real time.

const DELAY_SECONDS = /^\d+$/;
// IMF-fixdate and RFC 850 dates end in GMT; asctime dates carry no zone but are GMT too
// (RFC 9110 section 5.6.7). V8's Date.parse is lenient ("1.5" is a date in 2001), so only these
// shapes are handed to it.
const GMT_DATE = /^[A-Za-z]{3,9}, [0-9A-Za-z -]+ \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Milliseconds to wait, or undefined when the header is absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (DELAY_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  let at = Number.NaN;
  if (GMT_DATE.test(trimmed)) at = Date.parse(trimmed);
  else if (ASCTIME_DATE.test(trimmed)) at = Date.parse(`${trimmed} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
