// Check 8 (issue 8): with `--write-test`, and only for a tenant marked `production: false`, write
// through every target the tenant uses with a test patient — book and cancel, each intake target,
// insurance — read each back, and report what the EHR kept, changed or dropped, field by field.
import { messageOf } from '../lib/ehr-words.ts';
import type { Check, DoctorContext, Finding } from '../types.ts';
import { appointmentStep } from '../write-test/appointment.ts';
import { clinicalStep } from '../write-test/clinical.ts';
import type { FieldRow } from '../write-test/compare-fields.ts';
import { coverageStep } from '../write-test/coverage.ts';
import type { WriteStep } from '../write-test/write-step.ts';

export const writeTestCheck: Check = {
  id: 'write-test',
  title: 'Write test',
  // Not on the scheduling probe: intake and insurance are written whatever it found.
  // Reachability too: with auth none the token check does not apply and would not stop it.
  dependsOn: ['reachability', 'token'],
  notApplicable: (context) =>
    context.options.writeTest
      ? undefined
      : 'not requested (--write-test, on a tenant with production: false)',
  async run(context) {
    const { tenant, options } = context;
    if (tenant.production !== false) {
      return refused(
        `write test refused: tenant ${tenant.id} is a production tenant; nothing was written`,
        'Run the write test only against a test environment of the EHR: a tenant with production: false in the configuration file',
      );
    }
    const patientId = options.testPatientId;
    if (patientId === undefined) {
      return refused(
        'write test not run: no test patient was given',
        'Ask the EHR team for a test patient in this environment and pass its EHR id with --test-patient',
      );
    }
    try {
      await context.fhir().read('Patient', patientId);
    } catch (error) {
      return {
        summary: 'the test patient could not be read',
        findings: [
          {
            severity: 'blocker',
            title: `write test: the test patient Patient/${patientId} could not be read: ${messageOf(error)}`,
            fix: 'Check the id given with --test-patient with the EHR team',
          },
        ],
      };
    }
    const steps: WriteStep[] = [];
    if (tenant.workflows.includes('scheduling')) steps.push(await appointmentStep(context, patientId));
    steps.push(...(await intakeSteps(context, patientId)));
    const insurance = context.mapping?.insurance;
    if (
      tenant.workflows.includes('insurance') &&
      insurance?.to === 'coverage' &&
      tenant.ehr.vendor !== 'epic'
    ) {
      steps.push(await coverageStep(context, patientId));
    }
    const rows: FieldRow[] = steps.flatMap((s) => s.rows);
    const findings: Finding[] = steps.flatMap((s) => s.findings);
    const kept = rows.filter((r) => r.verdict === 'kept').length;
    return {
      summary:
        rows.length === 0
          ? 'nothing was read back'
          : `${kept} of ${rows.length} fields read back as sent (${steps.flatMap((s) => s.done).length} writes and removals)`,
      findings,
      tables: [
        {
          title: 'Fields read back',
          columns: ['record', 'field', 'sent', 'EHR holds', 'verdict'],
          rows: rows.map((r) => [r.resource, r.field, r.sent, r.got, r.verdict]),
        },
        {
          title: 'What the write test did',
          columns: ['step'],
          rows: steps.flatMap((s) => s.done).map((d) => [d]),
        },
      ],
    };
  },
};

function refused(title: string, fix: string) {
  return { summary: title, findings: [{ severity: 'warning' as const, title, fix }] };
}

async function intakeSteps(context: DoctorContext, patientId: string): Promise<WriteStep[]> {
  if (!context.tenant.workflows.includes('intake')) return [];
  const steps: WriteStep[] = [];
  for (const key of ['chiefComplaint', 'reasonForVisit'] as const) {
    const rule = context.mapping?.[key];
    if (rule?.to === 'condition' || rule?.to === 'observation') {
      steps.push(await clinicalStep(context, key, rule, patientId));
    }
  }
  return steps;
}
