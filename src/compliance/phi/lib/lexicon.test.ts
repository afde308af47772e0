import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LEX_COMMON,
  LEX_DATE_WORD,
  LEX_DIGIT_WORD,
  LEX_GIVEN,
  LEX_NUMBER_WORD,
  LEX_SURNAME,
  lexiconFlags,
  wordHash,
} from './lexicon.ts';
import { nameDictionary } from './name-dictionary.ts';
import { tokenize } from './words.ts';

const flags = (word: string) => lexiconFlags(word, word);

describe('lexicon', () => {
  it('knows every census name, through the bit filter and the large map alike', () => {
    const { givenRank, surnameRank } = nameDictionary();
    let missing = 0;
    for (const name of givenRank.keys()) if (!(flags(name) & LEX_GIVEN)) missing++;
    for (const name of surnameRank.keys()) if (!(flags(name) & LEX_SURNAME)) missing++;
    assert.equal(missing, 0);
  });

  it('gives a word every flag it has: "will" is everyday English and a given name', () => {
    assert.ok(flags('will') & LEX_COMMON && flags('will') & LEX_GIVEN);
    assert.ok(flags('march') & LEX_DATE_WORD);
    assert.ok(flags('seventy') & LEX_NUMBER_WORD);
    assert.ok(flags('oh') & LEX_DIGIT_WORD && flags('oh') & LEX_NUMBER_WORD);
    assert.equal(flags('appointment') & (LEX_GIVEN | LEX_SURNAME), 0);
  });

  it('looks names up by their bare form and without accents', () => {
    assert.ok(lexiconFlags("lopez's", 'lopez') & LEX_SURNAME);
    assert.ok(flags('garcía') & LEX_SURNAME);
    assert.ok(flags('jose\u0301') & LEX_GIVEN);
  });

  it('hashes a word while tokenizing it exactly as wordHash() does', () => {
    for (const token of tokenize("Maria O'Brien CALLED about the 3rd"))
      if (token.kind === 'word') assert.equal(lexiconFlags(token.lower, token.bare), token.flags, token.text);
    assert.equal(wordHash('maria'), wordHash('MARIA'.toLowerCase()));
  });
});
