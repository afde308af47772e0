// Contract: what the Cerner adapter sends has the shape Cerner documents (DESIGN.md section 5;
// cerner/R4_APPOINTMENT_CREATE.json from fhir.cerner.com).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Appointment } from '@medplum/fhirtypes';
import type { BookRequest } from '../../../src/ehr/adapter.ts';
import { buildCernerAppointment, CERNER_REASON_MAX_CHARS } from '../../../src/ehr/cerner/book.ts';
import { cernerCancelPatch } from '../../../src/ehr/cerner/cancel.ts';
import { cernerSlotParams } from '../../../src/ehr/cerner/find-slots.ts';
import { cernerReschedulePatch } from '../../../src/ehr/cerner/reschedule.ts';
import { readVendorFixture } from '../../support/fixtures.ts';

const documented = readVendorFixture<Appointment>('cerner/R4_APPOINTMENT_CREATE.json');

const visitType = {
  id: 'follow-up',
  say: 'follow-up visit',
  minutes: 20,
  coding: { system: 'https://fhir.cerner.com/tenant/codeSet/14249', code: '4047611' },
};

function request(overrides: Partial<BookRequest> = {}): BookRequest {
  return {
    candidate: {
      handle: '24477854-21304876-62852027-0',
      start: '2030-03-04T15:00:00Z',
      end: '2030-03-04T15:20:00Z',
      visitTypeId: 'follow-up',
    },
    visitType,
    patientId: '12724066',
    reason: 'I have a cramp',
    idempotencyKey: 'k1',
    ...overrides,
  };
}

/** The JSON structure without values: keys, array lengths and primitive types. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

describe('the Cerner book body', () => {
  it('has exactly the structure of cerner/R4_APPOINTMENT_CREATE.json', () => {
    const { appointment, warnings } = buildCernerAppointment(request());
    assert.deepEqual(shape(appointment), shape(documented));
    assert.deepEqual(appointment, {
      ...documented,
      slot: [{ reference: 'Slot/24477854-21304876-62852027-0' }],
    });
    assert.deepEqual(warnings, []);
  });

  it('adds only `comment` for a note, the one optional field DESIGN.md allows besides the reason', () => {
    const { appointment } = buildCernerAppointment(request({ note: 'wheelchair access' }));
    const { comment, ...rest } = appointment;
    assert.equal(comment, 'wheelchair access');
    assert.deepEqual(shape(rest), shape(documented));
  });

  it('sends exactly one slot and one accepted Patient participant, and no identifier', () => {
    const { appointment } = buildCernerAppointment(request({ reason: undefined }));
    assert.equal(appointment.slot?.length, 1);
    assert.deepEqual(appointment.participant, [
      { actor: { reference: 'Patient/12724066' }, status: 'accepted' },
    ]);
    assert.equal(appointment.status, 'booked');
    assert.equal(appointment.identifier, undefined);
    assert.equal(appointment.reasonCode, undefined);
  });

  it('cuts a reason longer than 255 characters and says so in a warning instead of failing', () => {
    const long = 'a'.repeat(CERNER_REASON_MAX_CHARS + 40);
    const { appointment, warnings } = buildCernerAppointment(request({ reason: long }));
    assert.equal(appointment.reasonCode?.[0].text, 'a'.repeat(CERNER_REASON_MAX_CHARS));
    assert.deepEqual(Object.keys(appointment.reasonCode?.[0] ?? {}), ['text']);
    assert.equal(warnings.length, 1);
  });

  it('keeps a reason of exactly 255 characters whole, without a warning', () => {
    const exact = 'b'.repeat(CERNER_REASON_MAX_CHARS);
    const { appointment, warnings } = buildCernerAppointment(request({ reason: exact }));
    assert.equal(appointment.reasonCode?.[0].text, exact);
    assert.deepEqual(warnings, []);
  });
});

describe('the Cerner PATCH bodies (DESIGN.md section 5)', () => {
  it('cancels with replace /status cancelled and add /cancelationReason', () => {
    assert.deepEqual(cernerCancelPatch('feeling better'), [
      { op: 'replace', path: '/status', value: 'cancelled' },
      { op: 'add', path: '/cancelationReason', value: { text: 'feeling better' } },
    ]);
  });

  it('reschedules with replace /slot naming exactly one Slot', () => {
    assert.deepEqual(cernerReschedulePatch('1986119705-4048128-15648907-60'), [
      { op: 'replace', path: '/slot', value: [{ reference: 'Slot/1986119705-4048128-15648907-60' }] },
    ]);
  });
});

describe('the Cerner Slot search (DESIGN.md section 5)', () => {
  const base = {
    visitType,
    from: new Date('2030-03-04T12:00:00Z'),
    to: new Date('2030-03-06T12:00:00Z'),
    timeZone: 'America/Chicago',
    limit: 5,
  };

  it('sends service-type, start ge and lt, and each other parameter once', () => {
    const params = cernerSlotParams({ ...base, practitionerIds: ['1', '2'], locationIds: ['L1', 'L2'] });
    assert.equal(params.get('service-type'), 'https://fhir.cerner.com/tenant/codeSet/14249|4047611');
    assert.deepEqual(params.getAll('start'), ['ge2030-03-04T12:00:00Z', 'lt2030-03-06T12:00:00Z']);
    assert.deepEqual(params.getAll('schedule.actor'), ['Practitioner/1,Practitioner/2']);
    assert.deepEqual(params.getAll('-location'), ['L1,L2']);
    const names = [...params.keys()].filter((k) => k !== 'start');
    assert.equal(new Set(names).size, names.length, `repeated: ${names.join(',')}`);
    assert.equal(params.get('status'), null, 'Cerner returns only free slots and takes no status');
  });

  it('leaves out schedule.actor and -location when any practitioner or place will do', () => {
    const params = cernerSlotParams(base);
    assert.equal(params.get('schedule.actor'), null);
    assert.equal(params.get('-location'), null);
  });
});
