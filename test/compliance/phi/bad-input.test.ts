// Issue 7 "Bad input": text of 1 MB, binary garbage, confusables and zero-width characters in
// names, tokens never issued or from another call: protected or rejected, never leaked, no crash.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createPhiFirewall } from '../../../src/compliance/phi/index.ts';
import { isEhrgateError } from '../../../src/errors.ts';

const NOW = () => new Date('2025-06-02T15:00:00Z');

describe('PHI firewall on bad input', () => {
  it('protects every identifier in 1 MB of text in bounded time', () => {
    const fw = createPhiFirewall({ now: NOW });
    const line =
      'My name is Maria Lopez and my phone is 312-555-0148, born March 3rd, 1982. The 2 pm slot is fine. ';
    const text = line.repeat(Math.ceil(1_048_576 / line.length));
    const started = performance.now();
    const p = fw.protect('call-1', text);
    const ms = performance.now() - started;
    assert.ok(!p.text.includes('Lopez') && !p.text.includes('555-0148') && !p.text.includes('1982'));
    // one token per distinct value, however often it recurs
    assert.equal(new Set(p.spans.map((s) => s.token)).size, 3);
    // linear: about 1.6 s on the 2-core reference machine; a quadratic step would take minutes
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.equal(fw.reveal('call-1', p.text), text);
  });

  it('survives binary garbage and still finds the phone number after it', () => {
    const fw = createPhiFirewall({ now: NOW });
    const garbage = randomBytes(64 * 1024).toString('latin1') + randomBytes(8 * 1024).toString('utf8');
    const p = fw.protect('call-1', `${garbage} call me at 312-555-0148`);
    assert.ok(!p.text.includes('312-555-0148'));
    assert.equal(fw.reveal('call-1', p.text), `${garbage} call me at 312-555-0148`);
  });

  it('finds a name hidden with zero-width characters and Cyrillic look-alikes', () => {
    const fw = createPhiFirewall({ now: NOW });
    fw.rememberKnown('call-1', { name: 'Maria Lopez' });
    // "Ma\u200Bria" with a zero-width space, "Lоpez" with a Cyrillic "о"
    const text = 'Yes this is Ma\u200Bria L\u043epez speaking';
    const p = fw.protect('call-1', text);
    assert.ok(!p.text.includes('Ma\u200Bria') && !p.text.includes('L\u043epez'), p.text);
    assert.equal(fw.reveal('call-1', p.text), text);
  });

  it('leaves a forged token inert and rejects it at the tool boundary', () => {
    const fw = createPhiFirewall({ now: NOW });
    const p = fw.protect('call-1', 'my name is [NAME_123456] and [DOB_1]');
    assert.equal(p.text, 'my name is [NAME_123456] and [DOB_1]');
    assert.throws(
      () => fw.reveal('call-1', { name: '[NAME_123456]' }),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
  });

  it("rejects a token from another call even when the other call's vault is alive", () => {
    const fw = createPhiFirewall({ now: NOW });
    const foreign = fw.protect('call-a', 'My SSN is 412-55-0987.').spans[0].token;
    assert.throws(
      () => fw.reveal('call-b', [foreign]),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
  });

  it('refuses tool arguments nested absurdly deep instead of overflowing the stack', () => {
    const fw = createPhiFirewall({ now: NOW });
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    assert.throws(
      () => fw.reveal('call-1', deep),
      (e) => isEhrgateError(e, 'ERR_INVALID_INPUT'),
    );
  });
});
