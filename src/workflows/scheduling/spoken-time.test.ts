import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spokenSlot, spokenTime } from './spoken-time.ts';

const NEW_YORK = 'America/New_York';

describe('spoken time', () => {
  it('says the clinic-local time with the practitioner and place', () => {
    assert.equal(
      spokenSlot({
        start: '2030-03-05T19:40:00Z',
        timeZone: NEW_YORK,
        practitioner: 'Dr. Rivera',
        location: 'Main Street',
      }),
      'Tuesday March 5 at 2:40 pm with Dr. Rivera at Main Street',
    );
  });

  it('says a time on the hour without minutes', () => {
    assert.equal(spokenTime('2030-03-05T14:00:00Z', NEW_YORK), 'Tuesday March 5 at 9 am');
    assert.equal(spokenTime('2030-03-05T17:00:00Z', NEW_YORK), 'Tuesday March 5 at 12 pm');
  });

  it('uses the daylight-saving offset from the day of the slot, not of today', () => {
    // 2030-03-10 02:00 EST -> 03:00 EDT (spring forward); 2030-11-03 02:00 EDT -> 01:00 EST.
    assert.equal(spokenTime('2030-03-08T14:00:00Z', NEW_YORK), 'Friday March 8 at 9 am');
    assert.equal(spokenTime('2030-03-11T13:00:00Z', NEW_YORK), 'Monday March 11 at 9 am');
    assert.equal(spokenTime('2030-03-10T06:59:00Z', NEW_YORK), 'Sunday March 10 at 1:59 am');
    assert.equal(spokenTime('2030-03-10T07:00:00Z', NEW_YORK), 'Sunday March 10 at 3 am');
    assert.equal(spokenTime('2030-11-01T13:00:00Z', NEW_YORK), 'Friday November 1 at 9 am');
    assert.equal(spokenTime('2030-11-04T14:00:00Z', NEW_YORK), 'Monday November 4 at 9 am');
  });

  it('says the same instant in each location own zone', () => {
    assert.equal(spokenTime('2030-03-05T15:00:00Z', NEW_YORK), 'Tuesday March 5 at 10 am');
    assert.equal(spokenTime('2030-03-05T15:00:00Z', 'America/Chicago'), 'Tuesday March 5 at 9 am');
  });

  it('says what Intl says for the same instant and zone, across offset changes', () => {
    // The reference is Intl's own wording ("Sunday, March 10 at 3:00 AM"), reduced to ours.
    const intl = (iso: string, format: Intl.DateTimeFormat): string => {
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(new Date(iso))) parts[part.type] = part.value;
      const minute = parts.minute === '00' ? '' : `:${parts.minute}`;
      return `${parts.weekday} ${parts.month} ${parts.day} at ${parts.hour}${minute} ${parts.dayPeriod?.toLowerCase()}`;
    };
    // Half-hour and 45-minute offsets, a 30-minute DST shift (Lord Howe), both hemispheres.
    const zones = [
      NEW_YORK,
      'America/St_Johns',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'Europe/London',
      'UTC',
    ];
    let checked = 0;
    for (const timeZone of zones) {
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'long',
        month: 'long',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
        hour12: true,
      });
      // Every 37 minutes through a year: crosses each zone's transitions at odd minutes.
      for (let ms = Date.UTC(2030, 0, 1); ms < Date.UTC(2031, 0, 1); ms += 37 * 60_000) {
        const iso = new Date(ms).toISOString();
        assert.equal(spokenTime(iso, timeZone), intl(iso, format), `${iso} in ${timeZone}`);
        checked++;
      }
    }
    assert.ok(checked > 80_000);
  });

  it('refuses an instant that is not one, as Intl does', () => {
    assert.throws(() => spokenTime('not a time', NEW_YORK), RangeError);
  });
});
