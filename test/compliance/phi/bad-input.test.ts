// Issue 7 "Bad input": text of 1 MB, binary garbage, confusables and zero-width characters in
// names, tokens never issued or from another call: protected or rejected, never leaked, no crash.
import assert from 'node:assert/strict';
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
    // linear: about 0.3 s on the 2-core reference machine; a quadratic step would take minutes
    assert.ok(ms < 10_000, `took ${ms} ms`);
    assert.equal(fw.reveal('call-1', p.text), text);
  });

  it('stays linear in the length of the text', () => {
    const fw = createPhiFirewall({ now: NOW });
    const line = 'My name is Maria Lopez, call me at 312-555-0148. The 2 pm slot is fine. ';
    const cpuMs = (text: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 2; i++) {
        const before = process.cpuUsage();
        fw.protect(`call-${i}-${text.length}`, text);
        const used = process.cpuUsage(before);
        best = Math.min(best, (used.user + used.system) / 1000);
      }
      return best;
    };
    cpuMs(line.repeat(2_000));
    const quarter = cpuMs(line.repeat(Math.ceil(262_144 / line.length)));
    const whole = cpuMs(line.repeat(Math.ceil(1_048_576 / line.length)));
    // four times the text: about four times the work; a quadratic step would be sixteen
    assert.ok(whole < quarter * 8 + 50, `256 KB ${quarter} ms, 1 MB ${whole} ms`);
  });

  it('handles a megabyte without a single space, sentence end or letter', () => {
    const fw = createPhiFirewall({ now: NOW });
    for (const text of ['a'.repeat(1_048_576), '7'.repeat(1_048_576), '.,;-'.repeat(262_144)]) {
      const p = fw.protect('call-1', text);
      // a run of digits this long is somebody's identifier, never passed on in clear
      assert.ok(!/\d{9}/.test(p.text), p.text.slice(0, 80));
      assert.equal(fw.reveal('call-1', p.text), text);
    }
  });

  it('survives lone surrogates, NUL and control characters around identifiers', () => {
    const fw = createPhiFirewall({ now: NOW });
    const text = '\uD800 my name is Maria Lopez \u0000\u0007 call 312-555-0148 \uDFFF\uD83D';
    const p = fw.protect('call-1', text);
    assert.deepEqual(
      p.spans.map((s) => s.type),
      ['NAME', 'PHONE'],
    );
    assert.ok(!p.text.includes('Lopez') && !p.text.includes('555-0148'), p.text);
    assert.equal(fw.reveal('call-1', p.text), text);
  });

  it('survives binary garbage and still finds the phone number after it', () => {
    const fw = createPhiFirewall({ now: NOW });
    // Seeded, so every run reads the same bytes. Unseeded, about one run in 150 drew the same
    // dictionary name twice in different case ("Isä", "IsÄ"): the vault gives both one token, by
    // design (vault.ts), and reveals the first spelling, so the round trip below differed.
    const garbage = seededBytes(64 * 1024, 7).toString('latin1') + seededBytes(8 * 1024, 11).toString('utf8');
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

  it('finds a name disguised with invisible and look-alike characters when nothing is known of the caller', () => {
    const fw = createPhiFirewall({ now: NOW });
    for (const name of [
      'Ma\u200Bria L\u043Epez', // zero-width space, Cyrillic "о"
      '\uFF2D\uFF41\uFF52\uFF49\uFF41 \uFF2C\uFF4F\uFF50\uFF45\uFF5A', // full-width letters
      'Mar\u00ADia Lo\u2060pez', // soft hyphen, word joiner
      '\u202EMaria\u202C Lopez', // right-to-left override around the given name
      'Jose\u0301 Garci\u0301a', // combining accents the census spelling lacks
    ]) {
      const text = `My name is ${name}, I need an appointment.`;
      const p = fw.protect('call-1', text);
      const from = text.indexOf(name);
      for (let i = from; i < from + name.length; i++) {
        if (!/\p{L}/u.test(text[i])) continue;
        const inName = p.spans.some((s) => s.type === 'NAME' && s.start <= i && i < s.end);
        assert.ok(inName, `${JSON.stringify(name)} -> ${JSON.stringify(p.text)}`);
      }
      assert.equal(fw.reveal('call-1', p.text), text);
    }
  });

  it("keeps another call's token inert when it is pasted into this call's text", () => {
    const fw = createPhiFirewall({ now: NOW });
    const foreign = fw.protect('call-a', 'My name is Maria Lopez.').spans[0].token;
    const p = fw.protect('call-b', `Book it for ${foreign}, my number is 312-555-0148.`);
    assert.ok(p.text.startsWith(`Book it for ${foreign}, my number is [PHONE_`), p.text);
    assert.deepEqual(
      p.spans.map((s) => s.type),
      ['PHONE'],
    );
    assert.throws(
      () => fw.reveal('call-b', p.text),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
    // in the call that issued it, the pasted token still means its own value and nothing more
    assert.equal(fw.reveal('call-a', foreign), 'Maria Lopez');
  });

  it('treats bracketed text that is not quite a token as text', () => {
    const fw = createPhiFirewall({ now: NOW });
    const text = '[NAME_] [name_12] [DOB_1 [NAME_1234567890123] my name is Maria Lopez';
    const p = fw.protect('call-1', text);
    assert.ok(p.text.startsWith('[NAME_] [name_12] [DOB_1 [NAME_'), p.text);
    assert.ok(!p.text.includes('1234567890123') && !p.text.includes('Lopez'), p.text);
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

/** Bytes from xorshift32: the same for the same seed. */
function seededBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
