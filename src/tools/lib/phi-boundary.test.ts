import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPhiFirewall } from '../../compliance/phi/index.ts';
import { protectOutput, revealArguments } from './phi-boundary.ts';

describe('PHI at the tool boundary', () => {
  const setUp = () => {
    const firewall = createPhiFirewall();
    const said = firewall.protect('call-a', 'My name is Maria Gonzalez and my number is 617 555 0199.');
    const token = (type: string) => said.spans.find((s) => s.type === type)?.token as string;
    return { firewall, name: token('NAME'), phone: token('PHONE') };
  };

  it('reveals tokens anywhere in the arguments and reports their types', () => {
    const { firewall, name, phone } = setUp();
    const revealed = revealArguments(firewall, 'call-a', {
      name,
      contact: { phones: [`cell ${phone}`] },
      visitType: 'follow-up',
    });
    assert.ok(revealed.ok);
    assert.deepEqual(revealed.value, {
      name: 'Maria Gonzalez',
      contact: { phones: ['cell 617 555 0199'] },
      visitType: 'follow-up',
    });
    assert.deepEqual(revealed.types, ['NAME', 'PHONE']);
  });

  it('reveals inside arguments sent as a JSON string (Vapi, OpenAI)', () => {
    const { firewall, name } = setUp();
    const revealed = revealArguments(firewall, 'call-a', JSON.stringify({ name }));
    assert.ok(revealed.ok);
    assert.deepEqual(revealed.value, { name: 'Maria Gonzalez' });
  });

  it('leaves arguments without tokens exactly as they came', () => {
    const { firewall } = setUp();
    const args = '{"visitType":"follow-up","note":"[not a token]"}';
    const revealed = revealArguments(firewall, 'call-a', args);
    assert.ok(revealed.ok);
    assert.equal(revealed.value, args);
    assert.deepEqual(revealed.types, []);
  });

  it('names the field holding a token this call never issued, or another call issued', () => {
    const { firewall, name } = setUp();
    const forged = revealArguments(firewall, 'call-a', { subscriber: { name: '[NAME_424242]' } });
    assert.deepEqual(forged, {
      ok: false,
      message: 'arguments.subscriber.name: holds a PHI token this call never issued',
    });
    const stolen = revealArguments(firewall, 'call-b', { name });
    assert.equal(stolen.ok, false);
  });

  it('protects free text in answers and leaves structural values alone', () => {
    const { firewall, name } = setUp();
    firewall.rememberKnown('call-a', { name: 'Maria Gonzalez', birthDate: '1980-03-15' });
    const output = protectOutput(firewall, 'call-a', {
      status: 'confirmed',
      say: 'Thanks Maria Gonzalez, you are booked.',
      offers: [
        {
          offer: 'eyJhbGciOi.Maria-Gonzalez.sig',
          say: 'Monday with Dr. Rivera',
          start: '2030-03-04T09:00:00Z',
        },
      ],
    });
    assert.equal(output.say, `Thanks ${name}, you are booked.`);
    assert.equal(output.status, 'confirmed');
    assert.equal(output.offers[0]?.offer, 'eyJhbGciOi.Maria-Gonzalez.sig');
    assert.equal(output.offers[0]?.start, '2030-03-04T09:00:00Z');
    assert.equal(output.offers[0]?.say, 'Monday with Dr. Rivera');
  });

  it("keeps the clinic's practitioner and location names the answer carries, and still protects the caller's", () => {
    const { firewall, name } = setUp();
    firewall.rememberKnown('call-a', { name: 'Maria Gonzalez' });
    const output = protectOutput(firewall, 'call-a', {
      say: 'Maria Gonzalez, I have Monday at 9 with Dr. Daniel Okafor at Elm Street Clinic.',
      offers: [
        {
          say: 'Monday at 9 with Dr. Daniel Okafor',
          practitioner: 'Daniel Okafor',
          location: 'Elm Street Clinic',
        },
      ],
    });
    assert.equal(output.say, `${name}, I have Monday at 9 with Dr. Daniel Okafor at Elm Street Clinic.`);
    assert.equal(output.offers[0]?.say, 'Monday at 9 with Dr. Daniel Okafor');
    assert.equal(output.offers[0]?.practitioner, 'Daniel Okafor');
  });

  it("keeps offered times that fall on the caller's birthday, and protects the birth date itself", () => {
    const { firewall } = setUp();
    firewall.rememberKnown('call-a', { name: 'Maria Gonzalez', birthDate: '1980-11-24' });
    const offerSay = 'Tuesday November 24 at 9 am with Dr. Daniel Okafor';
    const output = protectOutput(firewall, 'call-a', {
      status: 'found',
      say: `The one opening I have is ${offerSay}.`,
      offers: [{ offer: 'signed.offer', say: offerSay, start: '2026-11-24T14:00:00Z' }],
    });
    assert.equal(output.say, `The one opening I have is ${offerSay}.`);
    assert.equal(output.offers[0]?.say, offerSay);
    const told = protectOutput(firewall, 'call-a', { say: 'Your date of birth is November 24, 1980.' });
    assert.match(told.say, /^Your date of birth is \[DOB_\d+\]\.$/);
  });

  it('carries no birth-date cue from one answer into the next', () => {
    const { firewall } = setUp();
    const asked = protectOutput(firewall, 'call-a', {
      status: 'failed',
      say: "I couldn't find that record. Could you spell your last name and give me your date of birth",
    });
    assert.match(asked.say, /date of birth$/);
    // Not an offer: a sentence about a time the clinic has, such as a closure.
    const next = protectOutput(firewall, 'call-a', { say: 'The clinic is closed Tuesday November 24.' });
    assert.equal(next.say, 'The clinic is closed Tuesday November 24.');
  });

  it('keeps ids the gateway minted intact inside free text', () => {
    const { firewall } = setUp();
    const id = '424283db-9f1e-4c7a-8d2b-0e5f3a6c1ae5';
    const output = protectOutput(firewall, 'call-a', {
      summary: { text: `Insurance is pending in work item ${id}.`, workItems: [id] },
    });
    assert.equal(output.summary.text, `Insurance is pending in work item ${id}.`);
    assert.deepEqual(output.summary.workItems, [id]);
  });
});
