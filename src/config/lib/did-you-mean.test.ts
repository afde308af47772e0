import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { didYouMean } from './did-you-mean.ts';

const keys = ['id', 'name', 'production', 'timeZone', 'ehr', 'workflows', 'scheduling', 'mapping', 'routing'];

describe('didYouMean', () => {
  it('matches a key written in the wrong case', () => {
    assert.equal(didYouMean('timezone', keys), 'timeZone');
  });

  it('matches a key with a typo or swapped letters', () => {
    assert.equal(didYouMean('workflow', keys), 'workflows');
    assert.equal(didYouMean('shceduling', keys), 'scheduling');
    assert.equal(didYouMean('mappin', keys), 'mapping');
  });

  it('offers nothing for a word that is not close to any key', () => {
    assert.equal(didYouMean('billing', keys), undefined);
    assert.equal(didYouMean('x', keys), undefined);
  });
});
