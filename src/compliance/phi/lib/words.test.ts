import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNumberWords, SHAPE_ALL_UPPER, SHAPE_CAPITAL, SHAPE_HAS_UPPER, tokenize } from './words.ts';

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

  it('keeps apostrophes inside words and splits digits from their ordinal suffix', () => {
    const tokens = tokenize("O'Brien’s 3rd visit, it's 412-55-0987.");
    assert.deepEqual(
      tokens.map((t) => [t.text, t.kind]),
      [
        ["O'Brien’s", 'word'],
        ['3', 'digits'],
        ['rd', 'word'],
        ['visit', 'word'],
        [',', 'punct'],
        ["it's", 'word'],
        ['412', 'digits'],
        ['-', 'punct'],
        ['55', 'digits'],
        ['-', 'punct'],
        ['0987', 'digits'],
        ['.', 'punct'],
      ],
    );
    assert.equal(tokens[0].lower, "o'brien's");
    assert.equal(tokens[0].bare, "o'brien");
  });

  it('records how a word is capitalised', () => {
    const [maria, mrn, mcd, low, accented] = tokenize('Maria MRN McDonald low Élodie');
    assert.equal(maria.shape & SHAPE_CAPITAL, SHAPE_CAPITAL);
    assert.equal(mrn.shape & SHAPE_ALL_UPPER, SHAPE_ALL_UPPER);
    assert.equal(mrn.shape & SHAPE_CAPITAL, 0);
    assert.equal(mcd.shape & SHAPE_HAS_UPPER, SHAPE_HAS_UPPER);
    assert.equal(low.shape, 0);
    assert.equal(accented.shape & SHAPE_CAPITAL, SHAPE_CAPITAL);
  });

  it('reads letters of any script and leaves symbols, emoji and lone surrogates as single tokens', () => {
    const tokens = tokenize('Zoë 😀 \uD800 Ørsted');
    assert.deepEqual(
      tokens.map((t) => [t.text, t.kind]),
      [
        ['Zoë', 'word'],
        ['😀', 'punct'],
        ['\uD800', 'punct'],
        ['Ørsted', 'word'],
      ],
    );
  });
});
