import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeMemberId } from './member-id.ts';

function id(spoken: string): string | undefined {
  const result = normalizeMemberId(spoken);
  return result.ok ? result.memberId : undefined;
}

describe('normalizeMemberId', () => {
  it('drops spoken filler and turns digit words into digits', () => {
    assert.equal(id("uh, it's W, two, three, four, five, six, seven"), 'W234567');
  });

  it('reads "double five" and "triple seven" as repeated digits', () => {
    assert.equal(id('X double five triple seven one'), 'X557771');
  });

  it('keeps letters spelled with "as in" and the phone alphabet', () => {
    assert.equal(id('B as in boy, whiskey, 4 4 0 9'), 'BW4409');
  });

  it('reads "twenty three" as 23 and "oh" inside the id as zero', () => {
    assert.equal(id('oh, it is M twenty three oh five'), 'M2305');
  });

  it('accepts an id typed with dashes and lower case', () => {
    assert.equal(id('a b c 12345'), 'ABC12345');
    assert.equal(id('zgp-8812-44'), 'ZGP881244');
  });

  it('refuses words it cannot read instead of guessing', () => {
    assert.deepEqual(normalizeMemberId('W two banana three'), { ok: false, problem: 'unrecognized' });
  });

  it('refuses an id with nothing in it or too short', () => {
    assert.deepEqual(normalizeMemberId('uh, um'), { ok: false, problem: 'empty' });
    assert.deepEqual(normalizeMemberId('seven'), { ok: false, problem: 'too-short' });
  });
});
