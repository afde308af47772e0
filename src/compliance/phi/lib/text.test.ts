import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldText, toOriginal } from './text.ts';

describe('text folding', () => {
  it('drops zero-width characters, maps Cyrillic look-alikes to Latin and keeps original offsets', () => {
    const input = 'Hi Ma\u200Bria L\u043epez!';
    const folded = foldText(input);
    assert.equal(folded.text, 'Hi Maria Lopez!');
    const start = folded.text.indexOf('Maria');
    const [s, e] = toOriginal(folded, start, start + 'Maria Lopez'.length);
    assert.equal(input.slice(s, e), 'Ma\u200Bria L\u043epez');
  });

  it('leaves plain ASCII untouched without building an offset map', () => {
    assert.deepEqual(foldText('plain text'), { text: 'plain text', origin: undefined });
  });
});
