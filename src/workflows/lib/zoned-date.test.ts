import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localDate, startOfLocalDay, zoneOffsetMs } from './zoned-date.ts';

// The calendar date Intl itself gives for an instant in a zone (en-CA formats as YYYY-MM-DD).
const intlDate = (instant: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );

// The offset Intl names for an instant ("GMT-3:30"), in milliseconds.
function intlOffsetMs(instant: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  assert.ok(match, `offset name ${name}`);
  if (match[1] === undefined) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

describe('zoned dates', () => {
  it('starts the clinic day at local midnight, on the days the clocks change too', () => {
    const zone = 'America/New_York';
    assert.equal(new Date(startOfLocalDay('2030-03-09', zone)).toISOString(), '2030-03-09T05:00:00.000Z');
    // DST begins on 2030-03-10: that day starts at EST midnight and the next one at EDT midnight.
    assert.equal(new Date(startOfLocalDay('2030-03-10', zone)).toISOString(), '2030-03-10T05:00:00.000Z');
    assert.equal(new Date(startOfLocalDay('2030-03-10', zone, 1)).toISOString(), '2030-03-11T04:00:00.000Z');
    assert.equal(new Date(startOfLocalDay('2030-11-03', zone, 1)).toISOString(), '2030-11-04T05:00:00.000Z');
    assert.ok(Number.isNaN(startOfLocalDay('2030-3-9', zone)));
  });

  it('gives the offset and local date Intl gives every few minutes around transitions, asked twice', () => {
    // New York's hour shift, St John's shift at half past a UTC hour, Lord Howe's half-hour
    // shift, Kathmandu's quarter-hour offset.
    const cases = [
      ['America/St_Johns', '2030-03-09T00:00:00Z'],
      ['America/New_York', '2030-03-09T00:00:00Z'],
      ['America/New_York', '2030-11-02T00:00:00Z'],
      ['Australia/Lord_Howe', '2030-04-05T00:00:00Z'],
      ['Asia/Kathmandu', '2030-06-01T00:00:00Z'],
    ] as const;
    for (const [zone, from] of cases) {
      const start = Date.parse(from);
      for (let instant = start; instant < start + 3 * 86_400_000; instant += 7 * 60_000) {
        // the second time answers from the per-hour cache
        for (let pass = 0; pass < 2; pass++) {
          const at = `${zone} ${new Date(instant).toISOString()}`;
          assert.equal(zoneOffsetMs(instant, zone), intlOffsetMs(instant, zone), at);
          assert.equal(localDate(instant, zone), intlDate(instant, zone), at);
        }
      }
    }
  });
});
