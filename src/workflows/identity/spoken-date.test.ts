import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBirthDate } from './spoken-date.ts';

const TODAY = new Date('2030-03-04T12:00:00.000Z');

test('reads birth dates as callers say and transcripts write them', () => {
  const cases: [string, string][] = [
    ['march third nineteen eighty', '1980-03-03'],
    ['the 15th of March, 1980', '1980-03-15'],
    ['March 3rd 1980', '1980-03-03'],
    ['3 march 1980', '1980-03-03'],
    ['1980-03-15', '1980-03-15'],
    ['03/15/1980', '1980-03-15'],
    ['03151980', '1980-03-15'],
    ['twenty first of june two thousand and five', '2005-06-21'],
    ['june twenty-first two thousand five', '2005-06-21'],
    ['december 31 twenty twelve', '2012-12-31'],
    ['march twenty nineteen eighty', '1980-03-20'],
    ['july 4 85', '1985-07-04'],
    ['july fourth nineteen oh five', '1905-07-04'],
  ];
  for (const [said, iso] of cases) {
    const parsed = parseBirthDate(said, iso === '1905-07-04' ? new Date('2020-01-01T00:00:00Z') : TODAY);
    assert.deepEqual(parsed.ok && parsed.date, iso, said);
  }
});

test('offers the day-month transposition only when both readings are real dates', () => {
  assert.deepEqual(parseBirthDate('04/03/1980', TODAY), {
    ok: true,
    date: '1980-04-03',
    transposed: '1980-03-04',
  });
  assert.deepEqual(parseBirthDate('03/15/1980', TODAY), { ok: true, date: '1980-03-15' });
  assert.deepEqual(parseBirthDate('05/05/1980', TODAY), { ok: true, date: '1980-05-05' });
  // Day first is the only reading of 15/03.
  assert.deepEqual(parseBirthDate('15/03/1980', TODAY), { ok: true, date: '1980-03-15' });
});

test('refuses impossible, future, too old and unreadable dates with a precise problem', () => {
  assert.deepEqual(parseBirthDate('february 30 1980', TODAY), { ok: false, problem: 'impossible' });
  assert.deepEqual(parseBirthDate('02/30/1980', TODAY), { ok: false, problem: 'impossible' });
  assert.deepEqual(parseBirthDate('march 5 2030', TODAY), { ok: false, problem: 'future' });
  assert.deepEqual(parseBirthDate('march 3 1910', TODAY), { ok: false, problem: 'too_old' });
  assert.deepEqual(parseBirthDate('sometime in spring', TODAY), { ok: false, problem: 'unreadable' });
});
