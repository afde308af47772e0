// registerPatient over real HTTP against the sandbox EHR, for each vendor personality (issue 5
// item 2): a new patient created to the vendor's rules and verified by read-back, a repeated
// tool call answered with the first outcome, a likely duplicate refused before anything is
// written, impossible birth dates refused naming the field, and a transient outage left to the
// outbox worker instead of guessed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { getOutboxEntry } from '../../../src/store/index.ts';
import { PATIENT_REGISTER_KIND } from '../../../src/workflows/identity/register-patient.ts';
import { patientRegistrationHandler } from '../../../src/workflows/identity/registration-job.ts';
import { openJson } from '../../../src/workflows/lib/sealed-json.ts';
import {
  CALL_ID,
  type IdentityHarness,
  patientPathFor,
  spokenIdentity,
  startIdentityHarness,
  VENDORS,
} from './support.ts';

function named(patients: Patient[], family: string): Patient[] {
  return patients.filter((p) => p.name?.some((n) => n.family === family));
}

for (const vendor of VENDORS) {
  describe(`registerPatient on the ${vendor} personality`, () => {
    let h: IdentityHarness;
    before(async () => {
      h = await startIdentityHarness(vendor);
    });
    after(() => h.close());

    test('creates the patient once, verified by read-back, and answers with a handle to it', async () => {
      const input = {
        callId: CALL_ID,
        idempotencyKey: `register-${vendor}-1`,
        name: 'Ada Quintero',
        birthDate: 'may ninth nineteen seventy two',
        phone: '(865) 555-0177',
        address: { line: ['12 Elm Street'], city: 'Knoxville', state: 'TN', postalCode: '37902' },
        gender: 'female',
      };
      const result = await h.workflow().registerPatient(input);
      assert.equal(result.status, 'confirmed');
      if (result.status !== 'confirmed') return;
      const created = named(h.patients(), 'Quintero');
      assert.equal(created.length, 1);
      assert.equal(h.patientIdOf(result.patient), created[0]?.id);
      assert.equal(created[0]?.birthDate, '1972-05-09');
      assert.deepEqual(created[0]?.name?.[0], { use: 'official', family: 'Quintero', given: ['Ada'] });

      const again = await h.workflow().registerPatient(input);
      assert.deepEqual(again, result, 'the platform retry gets the first outcome');
      assert.equal(named(h.patients(), 'Quintero').length, 1, 'and no second record');
    });

    test('refuses to create a second record for a seeded patient said with their exact name', async () => {
      const seeded = h.sandbox.store.read<Patient>('Patient', h.sandbox.seed.patients[7]?.id as string);
      const before = h.patients().length;
      const result = await h.workflow().registerPatient({
        callId: CALL_ID,
        idempotencyKey: `register-${vendor}-dup`,
        ...spokenIdentity(seeded),
      });
      assert.equal(result.status === 'failed' && result.reason, 'duplicate');
      assert.equal(h.patients().length, before);
    });

    test('refuses a likely duplicate said with a nickname and without accents', async () => {
      await h.addPatient({
        name: [{ use: 'official', family: 'Brontë', given: ['Robert'] }],
        birthDate: '1961-01-02',
      });
      const before = h.patients().length;
      const result = await h.workflow().registerPatient({
        callId: CALL_ID,
        idempotencyKey: `register-${vendor}-dup-2`,
        name: { given: 'Bob', family: 'Bronte' },
        birthDate: '01/02/1961',
      });
      assert.equal(result.status === 'failed' && result.reason, 'duplicate');
      assert.equal(h.patients().length, before);
    });

    for (const [birthDate, why] of [
      ['february 30 1980', 'a date that does not exist'],
      ['2031-01-01', 'a date in the future'],
      ['1899-12-31', 'an age over 120 years'],
    ] as const) {
      test(`answers invalid_input naming birthDate for ${why}, writing nothing`, async () => {
        const before = h.patients().length;
        const key = `register-${vendor}-bad-${birthDate}`;
        const result = await h.workflow().registerPatient({
          callId: CALL_ID,
          idempotencyKey: key,
          name: 'Zed Invalid',
          birthDate,
        });
        assert.deepEqual(result.status === 'failed' && [result.reason, result.field], [
          'invalid_input',
          'birthDate',
        ]);
        assert.equal(h.patients().length, before);
        const outbox = await h.store.db
          .selectFrom('outbox')
          .select('id')
          .where('idempotency_key', '=', key)
          .execute();
        assert.equal(outbox.length, 0);
      });
    }

    test('leaves a registration the EHR could not take (503) in the outbox for the worker, not created', async () => {
      h.sandbox.faults.addRule({
        match: { method: 'POST', pathRegex: `^${patientPathFor(vendor)}($|\\?)` },
        fault: { status: 503 },
        times: 1,
      });
      const result = await h.workflow().registerPatient({
        callId: CALL_ID,
        idempotencyKey: `register-${vendor}-outage`,
        name: 'Odile Outage',
        birthDate: '1988-08-08',
      });
      assert.equal(result.status, 'queued');
      if (result.status !== 'queued') return;
      assert.ok(result.outboxId);
      const row = await getOutboxEntry(h.store.db, h.tenant.id, result.outboxId as string);
      assert.equal(row?.kind, PATIENT_REGISTER_KIND);
      assert.equal(row?.status, 'pending', 'due again for the worker');
      assert.equal(named(h.patients(), 'Outage').length, 0);

      // The outbox worker's next attempt, once the EHR answers again, creates it once.
      const handler = patientRegistrationHandler(() => h.adapter);
      const job = {
        outboxId: result.outboxId as string,
        tenantId: h.tenant.id,
        kind: row?.kind as string,
        idempotencyKey: row?.idempotency_key as string,
        callId: row?.call_id ?? null,
        payload: openJson(row?.payload_enc as string, row?.key_id ?? null),
        attempt: 2,
      };
      const done = await handler(job, { signal: AbortSignal.timeout(5_000) });
      const created = named(h.patients(), 'Outage');
      assert.equal(created.length, 1);
      assert.deepEqual(done, { status: 'done', ehrRef: `Patient/${created[0]?.id}` });
      assert.deepEqual(await handler(job, { signal: AbortSignal.timeout(5_000) }), done, 'a repeat finds it');
      assert.equal(named(h.patients(), 'Outage').length, 1);
    });
  });
}
