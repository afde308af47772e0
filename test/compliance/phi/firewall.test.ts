import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPhiFirewall } from '../../../src/compliance/phi/index.ts';
import { isEhrgateError } from '../../../src/errors.ts';

const NOW = () => new Date('2025-06-02T15:00:00Z');

describe('PHI firewall', () => {
  it('gives the same value the same token within a call and restores it on reveal', () => {
    const fw = createPhiFirewall({ now: NOW });
    const a = fw.protect('call-1', 'My name is Maria Lopez, born March 3rd, 1982.');
    const b = fw.protect('call-1', 'Yes, Maria Lopez, that is me.');
    const nameA = a.spans.find((s) => s.type === 'NAME')?.token;
    assert.ok(nameA?.match(/^\[NAME_\d+\]$/));
    assert.equal(b.spans.find((s) => s.type === 'NAME')?.token, nameA);
    assert.ok(!a.text.includes('Maria') && !a.text.includes('1982'));
    assert.equal(fw.reveal('call-1', a.text), 'My name is Maria Lopez, born March 3rd, 1982.');
  });

  it('draws token numbers at random, so the same value in two calls gets unrelated tokens', () => {
    const ids = [17, 17, 42];
    const fw = createPhiFirewall({ now: NOW, randomId: () => ids.shift() ?? 99 });
    const one = fw.protect('call-a', 'My name is Maria Lopez.').spans[0].token;
    const two = fw.protect('call-b', 'My name is Maria Lopez.').spans[0].token;
    assert.equal(one, '[NAME_17]');
    // 17 is live in call-a, so call-b draws again instead of reusing it
    assert.equal(two, '[NAME_42]');
  });

  it('reveals tokens deep inside tool arguments', () => {
    const fw = createPhiFirewall({ now: NOW });
    const p = fw.protect('call-1', 'This is Kevin Tran, my number is 714-555-0161.');
    const [name, phone] = p.spans.map((s) => s.token);
    const args = {
      patient: { name, telecom: [{ value: phone }] },
      note: `call ${name} back`,
      count: 2,
      ok: true,
    };
    assert.deepEqual(fw.reveal('call-1', args), {
      patient: { name: 'Kevin Tran', telecom: [{ value: '714-555-0161' }] },
      note: 'call Kevin Tran back',
      count: 2,
      ok: true,
    });
  });

  it('rejects a token the vault never issued instead of passing it to the EHR', () => {
    const fw = createPhiFirewall({ now: NOW });
    fw.protect('call-1', 'My name is Maria Lopez.');
    assert.throws(
      () => fw.reveal('call-1', { name: '[NAME_999999]' }),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
    assert.equal(
      fw.reveal('call-1', 'hello [NAME_999999]', { unknownTokens: 'keep' }),
      'hello [NAME_999999]',
    );
  });

  it("never reveals another call's token in this call", () => {
    const fw = createPhiFirewall({ now: NOW });
    const other = fw.protect('call-a', 'My name is Maria Lopez.').spans[0].token;
    fw.protect('call-b', 'My name is Kevin Tran.');
    assert.throws(
      () => fw.reveal('call-b', `book for ${other}`),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
    assert.equal(fw.reveal('call-b', other, { unknownTokens: 'keep' }), other);
  });

  it('destroys the vault at call end', () => {
    const fw = createPhiFirewall({ now: NOW });
    const token = fw.protect('call-1', 'My name is Maria Lopez.').spans[0].token;
    fw.endCall('call-1');
    assert.equal(fw.openCalls(), 0);
    assert.throws(
      () => fw.reveal('call-1', token),
      (e) => isEhrgateError(e, 'ERR_PHI_TOKEN_UNKNOWN'),
    );
  });

  it('keeps appointment dates, times and practitioner names in clear under the standard policy', () => {
    const fw = createPhiFirewall({ now: NOW });
    const text = "I'd like the 2 pm slot next Tuesday with Dr. Rivera at the office on Main Street.";
    assert.equal(fw.protect('call-1', text).text, text);
  });

  it('tokenises every date under the strict policy', () => {
    const fw = createPhiFirewall({ policy: 'strict', now: NOW });
    const p = fw.protect('call-1', "I'd like the 2 pm slot next Tuesday with Dr. Rivera.");
    assert.deepEqual(
      p.spans.map((s) => s.type),
      ['DATE'],
    );
    assert.ok(p.text.includes('Dr. Rivera') && p.text.includes('2 pm') && !p.text.includes('Tuesday'));
  });

  it("matches the verified patient's birth date in spoken form and a short form of the name", () => {
    const fw = createPhiFirewall({ now: NOW });
    fw.rememberKnown('call-1', { name: 'Peter Sorensen', birthDate: '1980-03-15', phone: '+16125550175' });
    const p = fw.protect(
      'call-1',
      'pete here, oh three fifteen nineteen eighty, ends in zero one seven five',
    );
    assert.deepEqual(
      p.spans.map((s) => [s.type, s.source]),
      [
        ['NAME', 'known'],
        ['DOB', 'known'],
        ['PHONE', 'known'],
      ],
    );
  });

  it('types identifiers by the cue before them', () => {
    const fw = createPhiFirewall({ now: NOW });
    const p = fw.protect(
      'call-1',
      'My member ID is XJH 4471 2093, my MRN is 7730218, my social is 412-55-0987, email jo.doe@example.com.',
    );
    assert.deepEqual(
      p.spans.map((s) => s.type),
      ['MEMBER_ID', 'MRN', 'SSN', 'EMAIL'],
    );
  });

  it('refuses an unknown policy at construction', () => {
    assert.throws(
      () => createPhiFirewall({ policy: 'lenient' as 'strict' }),
      (e) => isEhrgateError(e, 'ERR_INVALID_INPUT'),
    );
  });
});
