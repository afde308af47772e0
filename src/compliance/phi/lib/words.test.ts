import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNumberWords, tokenize } from './words.ts';

function read(text: string): string[] {
  return [...readNumberWords(tokenize(text)).values()].map((v) => v.group.digits);
}

describe('spoken numbers', () => {
  it('reads years, ordinals and "oh" digits the way dates are said', () => {
    assert.deepEqual(read('june twelfth nineteen seventy five'), ['12th', '1975']);
    assert.deepEqual(read('may twenty first two thousand'), ['21st', '2000']);
    assert.deepEqual(read('oh three fifteen nineteen eighty'), ['03', '15', '1980']);
    assert.deepEqual(read('the twenty-fifth of January, nineteen seventy-seven'), ['25th', '1977']);
    assert.deepEqual(read('uh ten uh ten two thousand two'), ['10', '10', '2002']);
  });
});
