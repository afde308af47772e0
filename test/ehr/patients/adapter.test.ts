// The PatientAdapter of each vendor over real HTTP against the sandbox EHR: search by family and
// birth date, $match only where the CapabilityStatement declares it (Epic; read once, cached),
// create to the vendor's rules, search-before-resend and read-back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Patient } from '@medplum/fhirtypes';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM } from '../../../src/ehr/adapter.ts';
import { type IdentityHarness, startIdentityHarness, VENDORS } from '../../workflows/identity/support.ts';

for (const vendor of VENDORS) {
  describe(`the ${vendor} patient adapter`, () => {
    let h: IdentityHarness;
    let seeded: Patient;
    before(async () => {
      h = await startIdentityHarness(vendor);
      seeded = h.sandbox.store.read<Patient>('Patient', h.sandbox.seed.patients[2]?.id as string);
    });
    after(() => h.close());

    test('finds a seeded patient by family name and birth date', async () => {
      const found = await h.adapter.searchPatients({
        family: seeded.name?.[0]?.family as string,
        birthDate: seeded.birthDate as string,
      });
      assert.ok(found.some((r) => r.id === seeded.id));
      assert.ok(found.every((r) => r.birthDate === seeded.birthDate));
    });

    test(`${vendor === 'epic' ? 'declares' : 'does not declare'} Patient/$match, asking /metadata at most once`, async () => {
      const expected = vendor === 'epic';
      assert.equal(await h.adapter.supportsMatch(), expected);
      assert.equal(await h.adapter.supportsMatch(), expected);
      const metadataReads = h.requests.filter((r) => r.path.endsWith('/metadata')).length;
      assert.equal(metadataReads, vendor === 'cerner' ? 0 : 1);
      if (!expected) {
        await assert.rejects(h.adapter.matchPatients({ family: 'X', birthDate: '1980-01-01' }), {
          code: 'ERR_EHR_UNSUPPORTED',
        });
      } else {
        const matches = await h.adapter.matchPatients({
          family: seeded.name?.[0]?.family as string,
          given: seeded.name?.[0]?.given?.[0] as string,
          birthDate: seeded.birthDate as string,
        });
        assert.equal(matches[0]?.patient.id, seeded.id);
        assert.equal(matches[0]?.grade, 'certain');
      }
    });

    test('creates a patient, finds it again before any resend, and reads it back', async () => {
      const request = {
        idempotencyKey: `adapter-${vendor}-1`,
        patient: { family: 'Adaptertest', given: ['Cora'], birthDate: '1999-09-09', phone: '+16155550111' },
      };
      assert.equal(await h.adapter.findCreatedPatient(request), undefined);
      const created = await h.adapter.createPatient(request);
      const found = await h.adapter.findCreatedPatient(request);
      assert.equal(found?.id, created.patientId);
      const read = await h.adapter.readPatient(created.patientId);
      assert.equal(read.birthDate, '1999-09-09');
      assert.deepEqual(read.names[0]?.given, ['Cora']);
      const ours = read.identifiers.some((i) => i.startsWith(`${IDEMPOTENCY_IDENTIFIER_SYSTEM}|`));
      assert.equal(ours, vendor === 'fhir-r4', 'only the plain R4 server keeps our identifier');
    });
  });
}
