// Chief complaint or reason for visit -> Observation with the tenant's configured code (issue 5
// item 3), shaped as Oracle Health documents its create (cerner/R4_OBSERVATION_CREATE.json):
// status, category, code, subject, encounter when known, effectiveDateTime, issued, a value and
// notes. What the caller said is the value (valueString); onset and symptoms go in a note.
import type { Observation } from '@medplum/fhirtypes';
import type { Coding } from '../ehr/index.ts';
import {
  type ClinicalText,
  detailsSentence,
  OBSERVATION_CATEGORY_SYSTEM,
  PATIENT_REPORTED_AUTHOR,
} from './clinical-text.ts';
import { assertValidBuiltResource } from './validate-built.ts';

export type ObservationRule = {
  readonly code: Coding;
  /** An observation-category code; none when the tenant configured none. */
  readonly category?: string;
};

export function buildIntakeObservation(rule: ObservationRule, input: ClinicalText): Observation {
  const observation: Observation = {
    resourceType: 'Observation',
    status: 'final',
    code: {
      coding: [{ ...rule.code }],
      ...(rule.code.display === undefined ? {} : { text: rule.code.display }),
    },
    subject: { reference: `Patient/${input.patientId}` },
    effectiveDateTime: input.recordedAt,
    issued: input.recordedAt,
    valueString: input.text,
  };
  if (rule.category !== undefined) {
    observation.category = [{ coding: [{ system: OBSERVATION_CATEGORY_SYSTEM, code: rule.category }] }];
  }
  if (input.encounterId !== undefined)
    observation.encounter = { reference: `Encounter/${input.encounterId}` };
  const details = detailsSentence(input, true);
  if (details !== undefined) observation.note = [{ authorString: PATIENT_REPORTED_AUTHOR, text: details }];
  assertValidBuiltResource(observation);
  return observation;
}
