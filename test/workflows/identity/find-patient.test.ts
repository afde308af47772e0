// findPatient over real HTTP against the sandbox EHR, for each vendor personality (issue 5
// item 1): exact, fuzzy (nickname, accent, hyphen and apostrophe, spoken date, transposed day and
// month), ambiguous (same name and birth date -> needs_more -> verified with the phone), the two
// seeded patients who share a name told apart by birth date, not found, and the attempt limit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { listCallEvents, openCall } from '../../../src/store/index.ts';
import { IDENTITY_FAILED_EVENT } from '../../../src/workflows/identity/attempts.ts';
import {
  CALL_ID,
  type IdentityHarness,
  NOW_MS,
  spokenIdentity,
  startIdentityHarness,
  VENDORS,
} from './support.ts';

for (const vendor of VENDORS) {
  describe(`findPatient on the ${vendor} personality`, () => {
    let h: IdentityHarness;
    let callCounter = 0;
    /** A fresh call per test: failed attempts are counted per call. */
    const newCall = async () => {
      callCounter += 1;
      const id = `call-${vendor}-${callCounter}`;
      await openCall(h.store.db, { tenantId: h.tenant.id, channel: 'sim', id, now: NOW_MS });
      return id;
    };
    let william: string;
    let jose: string;
    let twinA: string;
    let twinB: string;
    let march4: string;

    before(async () => {
      h = await startIdentityHarness(vendor);
      william = await h.addPatient({
        name: [{ use: 'official', family: "O'Brien-Garcia", given: ['William', 'James'] }],
        birthDate: '1980-03-03',
        telecom: [{ system: 'phone', value: '865-555-0191' }],
        address: [{ postalCode: '37902' }],
      });
      jose = await h.addPatient({
        name: [{ use: 'official', family: 'Núñez', given: ['José'] }],
        birthDate: '1975-11-20',
        telecom: [{ system: 'phone', value: '615-555-0192' }],
      });
      // Two records with the same name and birth date (a common name, or a duplicate record).
      twinA = await h.addPatient({
        name: [{ use: 'official', family: 'Harper', given: ['Elizabeth'] }],
        birthDate: '1990-06-15',
        telecom: [{ system: 'phone', value: '865-555-0193' }],
        address: [{ postalCode: '37909' }],
      });
      twinB = await h.addPatient({
        name: [{ use: 'official', family: 'Harper', given: ['Elizabeth'] }],
        birthDate: '1990-06-15',
        telecom: [{ system: 'phone', value: '615-555-0194' }],
        address: [{ postalCode: '37203' }],
      });
      march4 = await h.addPatient({
        name: [{ use: 'official', family: 'Lindqvist', given: ['Maja'] }],
        birthDate: '1985-03-04',
      });
    });
    after(() => h.close());

    test('verifies a seeded patient from the exact name and ISO birth date, saying nothing back', async () => {
      const seeded = h.sandbox.store.read<Patient>('Patient', h.sandbox.seed.patients[5]?.id as string);
      const callId = await newCall();
      const result = await h.workflow().findPatient({ callId, ...spokenIdentity(seeded) });
      assert.equal(result.status, 'verified');
      if (result.status !== 'verified') return;
      assert.equal(h.patientIdOf(result.patient, callId), seeded.id);
      const family = seeded.name?.[0]?.family as string;
      assert.ok(!result.say.includes(family), 'the sentence repeats nothing from the record');
    });

    test('verifies "Bill obrien garcia" said with a spoken birth date (nickname, apostrophe, hyphen)', async () => {
      const callId = await newCall();
      const result = await h.workflow().findPatient({
        callId,
        name: 'Bill obrien garcia',
        birthDate: 'march third nineteen eighty',
      });
      assert.equal(result.status, 'verified');
      if (result.status === 'verified') assert.equal(h.patientIdOf(result.patient, callId), william);
    });

    test('verifies a name said without its accents, in "Family, Given" order with a US numeric date', async () => {
      const callId = await newCall();
      const result = await h.workflow().findPatient({ callId, name: 'NUNEZ, Jose', birthDate: '11/20/1975' });
      assert.equal(result.status, 'verified');
      if (result.status === 'verified') assert.equal(h.patientIdOf(result.patient, callId), jose);
    });

    test('reads a day-first date when only the transposition names exactly one record', async () => {
      const callId = await newCall();
      const result = await h
        .workflow()
        .findPatient({ callId, name: 'Maja Lindqvist', birthDate: '04/03/1985' });
      assert.equal(result.status, 'verified');
      if (result.status === 'verified') assert.equal(h.patientIdOf(result.patient, callId), march4);
    });

    test('asks for the phone when two records share name and birth date, then verifies the right one', async () => {
      const callId = await newCall();
      const workflow = h.workflow();
      const first = await workflow.findPatient({ callId, name: 'Liz Harper', birthDate: 'june 15th 1990' });
      assert.deepEqual(first.status === 'needs_more' && first.ask, 'phone');
      const second = await workflow.findPatient({
        callId,
        name: 'Liz Harper',
        birthDate: 'june 15th 1990',
        phone: 'six one five five five five oh one nine four',
      });
      assert.equal(second.status, 'verified');
      if (second.status === 'verified') {
        assert.equal(h.patientIdOf(second.patient, callId), twinB);
        assert.notEqual(h.patientIdOf(second.patient, callId), twinA);
      }
    });

    test('tells the two seeded patients who share a name apart by birth date', async () => {
      const [a, b] = h.sandbox.seed.sameNamePatientIds.map((id) =>
        h.sandbox.store.read<Patient>('Patient', id),
      );
      assert.ok(a && b);
      assert.equal(spokenIdentity(a).name, spokenIdentity(b).name);
      for (const patient of [a, b]) {
        const callId = await newCall();
        const result = await h.workflow().findPatient({ callId, ...spokenIdentity(patient) });
        assert.equal(result.status, 'verified');
        if (result.status === 'verified') assert.equal(h.patientIdOf(result.patient, callId), patient.id);
      }
    });

    test('answers not_found for a wrong birth date and records the failure as a sealed call event', async () => {
      const callId = await newCall();
      const result = await h
        .workflow()
        .findPatient({ callId, name: 'William OBrien-Garcia', birthDate: '1980-03-05' });
      assert.equal(result.status, 'not_found');
      if (result.status === 'not_found') assert.equal(result.attemptsLeft, 2);
      const events = await listCallEvents(h.store.db, h.tenant.id, callId);
      assert.deepEqual(
        events.map((e) => e.type),
        [IDENTITY_FAILED_EVENT],
      );
      assert.ok(!events[0]?.type.includes('Garcia'));
      assert.ok(events[0]?.data_enc, 'what the caller said is kept, through the sealing helper');
    });

    test('refuses a phone that fits none of the records, even when name and birth date match', async () => {
      const callId = await newCall();
      const result = await h.workflow().findPatient({
        callId,
        name: 'Elizabeth Harper',
        birthDate: '1990-06-15',
        phone: '212-555-0100',
      });
      assert.equal(result.status, 'not_found');
    });

    test('stops after three failed attempts in one call, without asking the EHR again', async () => {
      const callId = await newCall();
      const workflow = h.workflow();
      const wrong = { callId, name: 'Maja Lindqvist', birthDate: '1985-12-30' };
      assert.equal((await workflow.findPatient(wrong)).status, 'not_found');
      assert.equal((await workflow.findPatient(wrong)).status, 'not_found');
      const third = await workflow.findPatient(wrong);
      assert.equal(third.status === 'failed' && third.reason, 'attempts_exhausted');
      const sent = h.requests.length;
      const right = await workflow.findPatient({ callId, name: 'Maja Lindqvist', birthDate: '1985-03-04' });
      assert.equal(right.status === 'failed' && right.reason, 'attempts_exhausted');
      assert.equal(h.requests.length, sent, 'no EHR request after the limit');
    });

    test('answers invalid_input naming birthDate for 30 February, without counting an attempt', async () => {
      const callId = await newCall();
      const result = await h
        .workflow()
        .findPatient({ callId, name: 'Maja Lindqvist', birthDate: 'february thirtieth 1985' });
      assert.equal(result.status === 'failed' && result.field, 'birthDate');
      assert.equal((await listCallEvents(h.store.db, h.tenant.id, callId)).length, 0);
    });

    test('a handle from one call is refused in another', async () => {
      const result = await h
        .workflow()
        .findPatient({ callId: CALL_ID, name: 'Maja Lindqvist', birthDate: '1985-03-04' });
      assert.equal(result.status, 'verified');
      if (result.status === 'verified') {
        assert.throws(() => h.patientIdOf(result.patient, 'another-call'), {
          code: 'ERR_PATIENT_HANDLE_INVALID',
        });
      }
    });
  });
}
