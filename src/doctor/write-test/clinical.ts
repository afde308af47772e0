// The write test's intake records (issue 8 item 8): for a chief complaint or reason for visit
// mapped to a Condition or an Observation, build it with the mapping builders, write it through
// the intake adapter, read the stored resource back field by field, then delete it or mark it
// entered-in-error.
import { randomUUID } from 'node:crypto';
import type { Condition, Observation } from '@medplum/fhirtypes';
import { createIntakeAdapter } from '../../ehr/index.ts';
import {
  buildIntakeCondition,
  buildIntakeObservation,
  loadFhirSchema,
  type MappingRuleInput,
} from '../../mapping/index.ts';
import type { DoctorContext, Finding } from '../types.ts';
import { WRITE_TEST_TEXT } from './appointment.ts';
import { compareResource } from './compare-fields.ts';
import { removeTestRecord } from './remove-test-record.ts';
import { type WriteStep, writeFailure } from './write-step.ts';

export async function clinicalStep(
  context: DoctorContext,
  key: 'chiefComplaint' | 'reasonForVisit',
  rule: MappingRuleInput,
  patientId: string,
): Promise<WriteStep> {
  await loadFhirSchema();
  const input = {
    patientId,
    text: WRITE_TEST_TEXT,
    recordedAt: new Date(context.options.now()).toISOString(),
  };
  const resource: Condition | Observation =
    rule.to === 'condition'
      ? buildIntakeCondition(
          { category: rule.category ?? '', ...(rule.code ? { code: rule.code } : {}) },
          input,
        )
      : buildIntakeObservation(
          {
            code: rule.code ?? { system: '', code: '' },
            ...(rule.category ? { category: rule.category } : {}),
          },
          input,
        );
  const fhir = context.fhir();
  const intake = createIntakeAdapter({ vendor: context.tenant.ehr.vendor, fhir });
  let id: string;
  try {
    id = (await intake.createClinical({ resource, idempotencyKey: `ehrgate-doctor-${randomUUID()}` })).id;
  } catch (error) {
    return {
      rows: [],
      findings: [writeFailure(`writing mapping.${key} as a ${resource.resourceType}`, error, ['intake'])],
      done: [],
    };
  }
  const label = `${resource.resourceType}/${id}`;
  let stored: Condition | Observation;
  try {
    stored = (await fhir.read(resource.resourceType, id)) as Condition | Observation;
  } catch (error) {
    return {
      rows: [],
      findings: [writeFailure(`reading ${label} back`, error, ['intake'])],
      done: [`wrote ${label}`],
    };
  }
  const rows = compareResource(label, resource, stored);
  const findings: Finding[] = [];
  const lost = rows.filter((r) => r.verdict === 'dropped').map((r) => r.field);
  if (lost.length > 0) {
    findings.push({
      severity: 'warning',
      title: `write test: the EHR dropped ${resource.resourceType}.${lost.join(`, ${resource.resourceType}.`)} of mapping.${key}`,
      fix: `Ask the EHR team whether the ${resource.resourceType} API keeps these elements; what is dropped is not in the EHR`,
      workflows: ['intake'],
    });
  }
  const removal = await removeTestRecord(fhir, stored as Condition | Observation);
  if (!removal.removed) {
    findings.push({
      severity: 'warning',
      title: `write test: ${label} could not be removed again: ${removal.reason}`,
      fix: `Remove ${label} (or mark it entered-in-error) in the EHR by hand; it says "${WRITE_TEST_TEXT}"`,
      workflows: ['intake'],
    });
  }
  return {
    rows,
    findings,
    done: [`wrote ${label}`, ...(removal.removed ? [`${removal.how} ${label}`] : [])],
  };
}
