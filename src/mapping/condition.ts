// Chief complaint or reason for visit -> Condition (issue 5 item 3), shaped as Oracle Health
// documents its create (cerner/R4_CONDITION_CREATE.json): subject, code (free text, with the
// configured coding if any), one category from condition-category, clinicalStatus,
// verificationStatus, onsetDateTime, note (no recordedDate: the EHR records when it stored it). Cerner creates Conditions only for the categories
// problem-list-item and encounter-diagnosis, and an encounter-diagnosis belongs to an encounter;
// validateMapping checks the category against the vendor at start-up, the workflow the encounter.
import type { Condition } from '@medplum/fhirtypes';
import type { Coding } from '../ehr/index.ts';
import {
  type ClinicalText,
  CONDITION_CATEGORY_SYSTEM,
  detailsSentence,
  isFhirDateTime,
  PATIENT_REPORTED_AUTHOR,
} from './clinical-text.ts';
import { assertValidBuiltResource } from './validate-built.ts';

export type ConditionRule = {
  readonly category: string;
  readonly code?: Coding;
};

const CATEGORY_TEXT: Readonly<Record<string, string>> = {
  'problem-list-item': 'Problem',
  'encounter-diagnosis': 'Encounter Diagnosis',
  'health-concern': 'Health Concern',
};

export function buildIntakeCondition(rule: ConditionRule, input: ClinicalText): Condition {
  const condition: Condition = {
    resourceType: 'Condition',
    subject: { reference: `Patient/${input.patientId}` },
    code: {
      ...(rule.code === undefined ? {} : { coding: [{ ...rule.code }] }),
      text: input.text,
    },
    category: [
      {
        coding: [{ system: CONDITION_CATEGORY_SYSTEM, code: rule.category }],
        ...(CATEGORY_TEXT[rule.category] === undefined ? {} : { text: CATEGORY_TEXT[rule.category] }),
      },
    ],
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    // Reported by the patient on the phone, not yet confirmed by a clinician.
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'provisional' }],
    },
  };
  if (input.encounterId !== undefined) condition.encounter = { reference: `Encounter/${input.encounterId}` };
  if (input.onset !== undefined && isFhirDateTime(input.onset)) condition.onsetDateTime = input.onset;
  const details = detailsSentence(input, false);
  if (details !== undefined) condition.note = [{ authorString: PATIENT_REPORTED_AUTHOR, text: details }];
  assertValidBuiltResource(condition);
  return condition;
}
