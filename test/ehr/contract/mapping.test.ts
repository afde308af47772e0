// Contract: the adapters' mapping functions read every Slot, Schedule and Appointment the vendors
// publish (fixtures/vendor: cerner/*, argonaut/*, ihe/*; see its README for sources).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment, Bundle, Schedule, Slot } from '@medplum/fhirtypes';
import { readFindBundle } from '../../../src/ehr/epic/find-results.ts';
import { toAppointmentRecord } from '../../../src/ehr/lib/appointment-record.ts';
import { indexBundle, slotToCandidate } from '../../../src/ehr/lib/slot-candidates.ts';
import { readVendorFixture } from '../../support/fixtures.ts';
import { fixtureResources } from './fixture-resources.ts';

describe('mapping vendor Appointments', () => {
  const appointments = fixtureResources(['Appointment']);

  it('finds Appointment examples from all three sources', () => {
    const files = new Set(appointments.map((a) => a.file.split('/')[0]));
    assert.deepEqual([...files].sort(), ['argonaut', 'cerner', 'ihe']);
  });

  for (const { file, resource } of appointments) {
    const appointment = resource as Appointment;
    it(`reads ${file}${appointment.id ? ` Appointment/${appointment.id}` : ''} into an AppointmentRecord`, () => {
      const record = toAppointmentRecord(appointment);
      assert.equal(record.id, appointment.id ?? '');
      assert.equal(record.status, appointment.status);
      assert.equal(record.start, appointment.start);
      const patient = appointment.participant?.find((p) => /(^|\/)Patient\//.test(p.actor?.reference ?? ''));
      if (patient !== undefined) assert.ok(patient.actor?.reference?.endsWith(`Patient/${record.patientId}`));
      assert.equal(record.slotIds.length, appointment.slot?.length ?? 0);
    });
  }

  it('keeps the Cerner read-back fields: patient, location, status, reason (cerner/R4_APPOINTMENT_ENTRY.json)', () => {
    const entry = readVendorFixture<{ resource: Appointment }>('cerner/R4_APPOINTMENT_ENTRY.json');
    const record = toAppointmentRecord(entry.resource);
    assert.equal(record.id, '4822366');
    assert.equal(record.patientId, '12724066');
    assert.equal(record.locationId, '32216049');
    assert.equal(record.status, 'cancelled');
    assert.equal(record.reasonText, 'I have a cramp');
    assert.equal(record.etag, 'W/"2"');
    assert.equal(record.visitTypeCode, '4047611');
  });
});

describe('mapping vendor Slots and Schedules', () => {
  const slots = fixtureResources(['Slot']);
  const schedules = fixtureResources(['Schedule']);

  it('finds Slot and Schedule examples', () => {
    assert.ok(slots.length >= 10);
    assert.ok(schedules.length >= 5);
  });

  for (const { file, resource } of slots) {
    const slot = resource as Slot;
    it(`reads ${file} Slot/${slot.id} into a candidate`, () => {
      const none = { schedules: new Map(), practitioners: new Map(), locations: new Map() };
      const candidate = slotToCandidate(slot, none, 'v');
      assert.ok(candidate);
      assert.equal(candidate.handle, slot.id);
      assert.equal(candidate.start, slot.start);
      assert.equal(candidate.end, slot.end);
    });
  }

  for (const { file, resource } of schedules) {
    const schedule = resource as Schedule;
    it(`names the practitioner of a slot through ${file} Schedule/${schedule.id}`, () => {
      const slot: Slot = {
        resourceType: 'Slot',
        id: 's',
        schedule: { reference: `Schedule/${schedule.id}` },
        status: 'free',
        start: '2030-01-01T10:00:00Z',
        end: '2030-01-01T10:20:00Z',
      };
      const included = {
        schedules: new Map([[schedule.id as string, schedule]]),
        practitioners: new Map(),
        locations: new Map(),
      };
      const candidate = slotToCandidate(slot, included, 'v');
      const actor = schedule.actor?.find((a) => /(^|\/)Practitioner\//.test(a.reference ?? ''));
      if (actor !== undefined)
        assert.ok(actor.reference?.endsWith(`Practitioner/${candidate?.practitioner?.id}`));
      else assert.equal(candidate?.practitioner, undefined);
    });
  }

  it('reads a Cerner search with _include=Slot:schedule (cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json)', () => {
    const bundle = readVendorFixture<Bundle>('cerner/R4_SLOT_BUNDLE_INCLUDE_SCHEDULE.json');
    const { slots: found, included } = indexBundle(bundle);
    assert.equal(found.length, 1);
    assert.equal(included.schedules.size, 1, 'the included Schedule is indexed, not taken for a match');
    const candidate = slotToCandidate(found[0], included, 'v');
    // This Schedule's only actor is display-only ("OR Add-On 02"): no practitioner id to offer.
    assert.equal(candidate?.practitioner, undefined);
    // The location comes from Cerner's scheduling-location extension on the Slot.
    assert.equal(candidate?.location?.id, '32216049');
  });
});

describe('mapping Argonaut $find answers, the shape Epic returns', () => {
  for (const file of [
    'argonaut/Bundle-hal-dr-y-appts.json',
    'argonaut/Bundle-prefetch-derm-appts.json',
    'ihe/example-iti-scheduling-bundle.json',
  ]) {
    it(`turns each proposed Appointment of ${file} into a candidate keyed by its id`, () => {
      const bundle = readVendorFixture<Bundle>(file);
      const { candidates, notes } = readFindBundle(bundle, 'consult');
      const proposed = (bundle.entry ?? [])
        .map((e) => e.resource)
        .filter((r): r is Appointment => r?.resourceType === 'Appointment' && r.status === 'proposed');
      assert.ok(proposed.length > 0);
      assert.deepEqual(
        candidates.map((c) => c.handle),
        proposed.map((a) => a.id),
      );
      assert.ok(candidates.every((c) => c.visitTypeId === 'consult'));
      // The informational "operation was successful" outcome is not a note.
      assert.deepEqual(notes, []);
    });
  }

  it('names the practitioner of a proposal (argonaut/Bundle-hal-dr-y-appts.json)', () => {
    const bundle = readVendorFixture<Bundle>('argonaut/Bundle-hal-dr-y-appts.json');
    const { candidates } = readFindBundle(bundle, 'consult');
    assert.deepEqual(candidates[0].practitioner, { id: 'dr-y', display: 'Dr Y' });
  });

  it('turns Epic outcome entries 59200 and 4101 into unknown-visit-type and no-results notes', () => {
    const outcome = (code: string, text: string) => ({
      resource: {
        resourceType: 'OperationOutcome' as const,
        issue: [
          {
            severity: 'warning' as const,
            code: 'processing' as const,
            details: { coding: [{ system: 'urn:oid:1.2.840.114350.1.13.0.1.7.2.657369', code }], text },
          },
        ],
      },
      search: { mode: 'outcome' as const },
    });
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [outcome('59200', 'No visit type found'), outcome('4101', 'No results')],
    };
    assert.deepEqual(readFindBundle(bundle, 'v').notes, [
      { kind: 'unknown-visit-type', code: '59200', diagnostics: 'No visit type found' },
      { kind: 'no-results', code: '4101', diagnostics: 'No results' },
    ]);
  });
});
