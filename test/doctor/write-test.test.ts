// Issue 8 item 8: `--write-test` books and cancels, writes and removes each intake and insurance
// target for a test patient, reads each back and reports field by field; refused for production.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Appointment, Condition, Coverage } from '@medplum/fhirtypes';
import type { Workflow } from '../../src/config/index.ts';
import type { TenantReport } from '../../src/doctor/index.ts';
import {
  clinicTenant,
  type DoctorHarness,
  type Personality,
  r4Scopes,
  scopesFor,
  startDoctorHarness,
} from './support.ts';

const WORKFLOWS: Workflow[] = ['scheduling', 'intake', 'insurance'];
const TEST_TEXT = 'ehrgate doctor write test, safe to delete';

let h: DoctorHarness;
let patientId: string;

before(async () => {
  h = await startDoctorHarness();
  patientId = h.sandbox.seed.patients[7].id;
});
after(() => h?.close());

async function tenantFile(personality: Personality, name: string, production: boolean) {
  const style = personality === 'epic' ? 'v1' : 'v2';
  // A plain R4 test server grants what the fhir-r4 adapter and the clean-up need (support.ts).
  const scopes = personality === 'r4' ? r4Scopes(WORKFLOWS) : scopesFor(WORKFLOWS, style);
  const keys = await h.registerApp({
    clientId: `${name}-app`,
    personality,
    allowedScopes: scopes,
    scopeStyle: style,
  });
  const tenant = clinicTenant(h, personality, {
    id: name,
    keys,
    clientId: `${name}-app`,
    production,
    workflows: WORKFLOWS,
    mapping: {
      chiefComplaint: { to: 'condition', category: 'problem-list-item' },
      reasonForVisit: { to: 'appointment-note' },
      insurance: { to: personality === 'epic' ? 'work-queue' : 'coverage' },
    },
  });
  return h.writeConfig(name, [personality === 'r4' ? { ...tenant, ehr: { ...tenant.ehr, scopes } } : tenant]);
}

function writeTest(report: TenantReport) {
  const check = report.checks.find((c) => c.id === 'write-test');
  assert.ok(check);
  const [fields, steps] = check.tables;
  return { check, fields: fields?.rows ?? [], steps: (steps?.rows ?? []).map((r) => r[0]) };
}

function stored<T>(type: string): T[] {
  return [...h.sandbox.store.all(type)] as T[];
}

describe('doctor --write-test', () => {
  it('books, notes and cancels, writes and removes a Condition and a Coverage, and reports every field', async () => {
    const path = await tenantFile('r4', 'r4-write', false);
    const report = await h.doctor(path, { writeTest: true, testPatientId: patientId });
    const { check, fields, steps } = writeTest(report);

    assert.equal(check.status, 'pass', JSON.stringify(check.findings));
    assert.equal(report.exitCode, 0, JSON.stringify(report.warnings));
    const verdict = (record: string, field: string) =>
      fields.find((r) => r[0].startsWith(record) && r[1] === field)?.[4];
    assert.equal(verdict('Appointment/', 'status'), 'kept');
    assert.equal(verdict('Appointment/', 'start'), 'kept');
    assert.equal(verdict('Appointment/', 'patient'), 'kept');
    assert.equal(verdict('Appointment/', 'comment (intake note)'), 'kept');
    assert.equal(verdict('Appointment/', 'status after cancel'), 'kept');
    assert.equal(verdict('Condition/', 'code.text'), 'kept');
    assert.equal(verdict('Condition/', 'category[0].coding[0].code'), 'kept');
    assert.equal(verdict('Coverage/', 'subscriberId'), 'kept');
    assert.ok(
      fields.every((r) => r[4] === 'kept'),
      JSON.stringify(fields.filter((r) => r[4] !== 'kept')),
    );

    const appointmentId = /^booked Appointment\/(\S+)/.exec(steps[0])?.[1];
    assert.ok(appointmentId, steps.join('; '));
    assert.deepEqual(
      steps.map((s) => s.replace(/\/[\w.-]+/, '/ID').replace(/ at \S+$/, '')),
      [
        'booked Appointment/ID',
        'cancelled Appointment/ID',
        'wrote Condition/ID',
        'deleted Condition/ID',
        'wrote Coverage/ID',
        'deleted Coverage/ID',
      ],
    );
    // What the EHR now holds: the booking cancelled, the test records gone.
    const appointment = stored<Appointment>('Appointment').find((a) => a.id === appointmentId);
    assert.equal(appointment?.status, 'cancelled');
    assert.ok(!stored<Condition>('Condition').some((c) => c.code?.text === TEST_TEXT));
    assert.ok(!stored<Coverage>('Coverage').some((c) => c.subscriberId === 'EHRGATE-DOCTOR-TEST'));
  });

  it('on Epic, says which test records it could not take out again and how to remove them', async () => {
    const path = await tenantFile('epic', 'epic-write', false);
    const report = await h.doctor(path, { writeTest: true, testPatientId: patientId });
    const { check, fields } = writeTest(report);

    assert.equal(check.status, 'warn', JSON.stringify(check.findings));
    assert.equal(report.exitCode, 1);
    const titles = check.findings.map((f) => f.title);
    assert.match(
      titles[0],
      /^write test: Epic offers no FHIR API to cancel an appointment \(DESIGN\.md section 5\); the test booking Appointment\/\S+ at \S+ is still booked$/,
    );
    assert.match(check.findings[0].fix ?? '', /^Cancel Appointment\/\S+ \(\S+\) in the EHR by hand/);
    assert.match(titles[1], /^write test: Condition\/\S+ could not be removed again: /);
    assert.equal(
      fields.find((r) => r[1] === 'comment (note)')?.[4],
      'kept',
      "$book's appointmentNote is kept",
    );
  });

  it('refuses to write anything to a production tenant', async () => {
    const path = await tenantFile('r4', 'r4-production', true);
    const before = h.sandbox.store.count('Appointment');
    const report = await h.doctor(path, { writeTest: true, testPatientId: patientId });
    const { check } = writeTest(report);

    assert.equal(check.status, 'warn');
    assert.deepEqual(
      check.findings.map((f) => [f.title, f.fix]),
      [
        [
          'write test refused: tenant r4-production is a production tenant; nothing was written',
          'Run the write test only against a test environment of the EHR: a tenant with production: false in the configuration file',
        ],
      ],
    );
    assert.equal(h.sandbox.store.count('Appointment'), before);
  });
});
