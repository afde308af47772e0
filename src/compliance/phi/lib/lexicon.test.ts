import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isCensusGivenName,
  LEX_COMMON,
  LEX_DATE_WORD,
  LEX_DIGIT_WORD,
  LEX_GIVEN,
  LEX_NUMBER_WORD,
  LEX_SURNAME,
  lexiconFlags,
  wordHash,
} from './lexicon.ts';
import { readCensusNames } from './name-dictionary.ts';
import { tokenize } from './words.ts';

const flags = (word: string) => lexiconFlags(word, word);

describe('lexicon', () => {
  it('knows every census name, through the bit filter and the packed table alike', () => {
    const { given, surnames } = readCensusNames();
    let missing = 0;
    for (const name of given) if (!(flags(name) & LEX_GIVEN) || !isCensusGivenName(name)) missing++;
    for (const name of surnames) if (!(flags(name) & LEX_SURNAME)) missing++;
    assert.equal(missing, 0);
  });

  it('gives a census flag to no word outside the census lists', () => {
    const { given, surnames } = readCensusNames();
    const givenSet = new Set(given);
    const surnameSet = new Set(surnames);
    // near misses of packed names: a letter more, a letter less, a prefix of another name
    const probes = ['marias', 'mari', 'smit', 'smithx', 'johnsonn', 'appointment', 'x', 'zzzz'];
    for (const name of surnames.slice(0, 2000)) probes.push(`${name}q`, name.slice(0, -1));
    for (const word of probes) {
      assert.equal((flags(word) & LEX_GIVEN) !== 0, givenSet.has(word), word);
      assert.equal(isCensusGivenName(word), givenSet.has(word), word);
      assert.equal((flags(word) & LEX_SURNAME) !== 0, surnameSet.has(word), word);
    }
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
