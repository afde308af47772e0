import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detect } from '../detect.ts';

const NOW = new Date('2025-06-02T15:00:00Z');

function found(text: string): Array<[string, string]> {
  return detect(text, { now: NOW }).spans.map((s) => [s.type, text.slice(s.start, s.end)]);
}

describe('dates', () => {
  it('reads the written forms chrono-node reads, and tells birth dates from appointment dates', () => {
    const cases: Array<[string, Array<[string, string]>]> = [
      ['My date of birth is March 3rd, 1982.', [['DOB', 'March 3rd, 1982']]],
      ['born Sept. 12 1963', [['DOB', 'Sept. 12 1963']]],
      ['Born 12 April 1987.', [['DOB', '12 April 1987']]],
      ['Date of birth is the 9th of February 1949.', [['DOB', 'the 9th of February 1949']]],
      ['Her birthday is 3/14/1981.', [['DOB', '3/14/1981']]],
      ['Birthday 11-2-1977.', [['DOB', '11-2-1977']]],
      [
        'born 1955-08-14, MRN 400281733',
        [
          ['DOB', '1955-08-14'],
          ['MRN', '400281733'],
        ],
      ],
      ['booked for 2025-07-14T09:00:00-05:00', [['DATE', '2025-07-14']]],
      ['I was born on Christmas Day 1968.', [['DOB', 'Christmas Day 1968']]],
      ['Monday of next week works', [['DATE', 'Monday of next week']]],
      ['I would like next week', [['DATE', 'next week']]],
      ['see you tomorrow', [['DATE', 'tomorrow']]],
      ['on the 18th', [['DATE', 'the 18th']]],
    ];
    for (const [text, expected] of cases) assert.deepEqual(found(text), expected, text);
  });

  it('keeps the time of day out of a date', () => {
    assert.deepEqual(found('next Tuesday at 2'), [['DATE', 'next Tuesday']]);
    assert.deepEqual(found('The 11 am on Friday.'), [['DATE', 'Friday']]);
    assert.deepEqual(found('The 2 pm slot works.'), []);
  });

  it('reads spoken numbers as the digits they stand for', () => {
    assert.deepEqual(found('born june twelfth nineteen seventy five'), [
      ['DOB', 'june twelfth nineteen seventy five'],
    ]);
    assert.deepEqual(found('date of birth oh three fifteen nineteen eighty'), [
      ['DOB', 'oh three fifteen nineteen eighty'],
    ]);
    assert.deepEqual(found('uh date of birth is uh ten uh ten two thousand two'), [
      ['DOB', 'ten uh ten two thousand two'],
    ]);
    assert.deepEqual(found('I was born on the twenty-fifth of January, nineteen seventy-seven.'), [
      ['DOB', 'the twenty-fifth of January, nineteen seventy-seven'],
    ]);
  });

  it('finds no date in weeks, ages, floors and "May" the verb', () => {
    for (const text of [
      'the week after works',
      'in two weeks',
      'Is it on the second floor?',
      "I'm 54 years old",
      'It may be a while',
    ])
      assert.deepEqual(found(text), [], text);
  });

  it('reads a birth date and weekdays said in Spanish', () => {
    assert.deepEqual(found('fecha de nacimiento, doce de marzo de mil novecientos setenta'), [
      ['DOB', 'doce de marzo de mil novecientos setenta'],
    ]);
    assert.deepEqual(found('nací el 5 de mayo de 1980'), [['DOB', '5 de mayo de 1980']]);
    assert.deepEqual(found('lunes o martes'), [
      ['DATE', 'lunes'],
      ['DATE', 'martes'],
    ]);
    assert.deepEqual(found('el domingo'), [['DATE', 'domingo']]);
    // Domingo is a given name too: without "el" it is not a Sunday
    assert.deepEqual(found('Domingo Ruiz called'), [['NAME', 'Domingo Ruiz']]);
  });

  it('leaves a count of days to chrono-node', () => {
    assert.deepEqual(found('Can you see me in 3 days?'), [['DATE', 'in 3 days']]);
    assert.deepEqual(found('in three days'), [['DATE', 'in three days']]);
  });
});
