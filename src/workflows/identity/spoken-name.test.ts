import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameGivenName } from './nicknames.ts';
import { familySearchPrefix, foldName, nameMatches, parseSpokenName } from './spoken-name.ts';

test('folds case, accents, hyphens, apostrophes and spaces away', () => {
  assert.equal(foldName("O'Brien"), 'obrien');
  assert.equal(foldName('Smith-Jones'), foldName('smith jones'));
  assert.equal(foldName('Núñez'), 'nunez');
  assert.equal(foldName('ZOË'), 'zoe');
});

test('treats a nickname as its name, and two names sharing a nickname as different', () => {
  assert.ok(sameGivenName('bill', 'william'));
  assert.ok(sameGivenName('liz', 'elizabeth'));
  assert.ok(sameGivenName('chris', 'christina'));
  assert.ok(!sameGivenName('christopher', 'christina'), 'Chris is both, but they are not each other');
  assert.ok(!sameGivenName('bill', 'robert'));
  assert.ok(!sameGivenName('', ''));
});

test('reads "Given Family", "Family, Given" and a two-word family name', () => {
  assert.deepEqual(parseSpokenName('Bill OBrien'), { given: 'Bill', families: ['OBrien'] });
  assert.deepEqual(parseSpokenName('Smith, John'), { given: 'John', families: ['Smith'] });
  assert.deepEqual(parseSpokenName('Mary Smith Jones'), {
    given: 'Mary',
    families: ['Jones', 'Smith Jones'],
  });
  assert.equal(parseSpokenName('Cher'), undefined);
});

test('matches a record name by folded family and given name or nickname', () => {
  const spoken = parseSpokenName('bill obrien garcia');
  assert.ok(spoken);
  assert.ok(nameMatches(spoken, { family: "O'Brien-García", given: ['William', 'James'] }));
  assert.ok(!nameMatches(spoken, { family: "O'Brien-García", given: ['Robert'] }));
  assert.ok(!nameMatches(spoken, { family: "O'Brien", given: ['William'] }));
});

test('searches the EHR by the family name up to its first separator', () => {
  assert.equal(familySearchPrefix("O'Brien"), 'O');
  assert.equal(familySearchPrefix('Smith-Jones'), 'Smith');
  assert.equal(familySearchPrefix('Garcia'), 'Garcia');
});
