import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectEmergency } from './emergency.ts';

describe('detectEmergency', () => {
  it('hears emergency phrases in any string at any depth, whatever the case and apostrophe', () => {
    assert.equal(detectEmergency({ reason: 'Chest pain since this morning' }), 'emergency');
    assert.equal(detectEmergency({ symptoms: ['cough', 'I can’t breathe'] }), 'emergency');
    assert.equal(detectEmergency({ a: { b: ['my dad  is having a STROKE'] } }), 'emergency');
  });

  it('names suicidal language first, so the caller hears the 988 line', () => {
    assert.equal(detectEmergency({ reason: 'chest pain and I want to kill myself' }), 'suicidal');
    assert.equal(detectEmergency({ note: 'feeling suicidal' }), 'suicidal');
  });

  it('stays quiet for ordinary requests and for words that merely contain a phrase', () => {
    assert.equal(detectEmergency({ visitType: 'follow-up', reason: 'sore throat' }), undefined);
    assert.equal(detectEmergency({ note: 'brushstroke painting class' }), undefined);
    assert.equal(detectEmergency({ count: 3, ok: true, nothing: null }), undefined);
  });
});
