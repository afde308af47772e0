export type { AppointmentNotePieces, AppointmentNotePlan } from './appointment-note.ts';
export { buildAppointmentNote } from './appointment-note.ts';
export type { ClinicalText } from './clinical-text.ts';
export {
  CERNER_REASON_TEXT_MAX_CHARS,
  CONDITION_CATEGORY_SYSTEM,
  MAX_INTAKE_TEXT_CHARS,
  MAX_ONSET_CHARS,
  MAX_SYMPTOM_CHARS,
  MAX_SYMPTOMS,
  OBSERVATION_CATEGORIES,
  OBSERVATION_CATEGORY_SYSTEM,
} from './clinical-text.ts';
export type { ConditionRule } from './condition.ts';
export { buildIntakeCondition } from './condition.ts';
export { BUILT_RESOURCE_TYPES, loadFhirSchema } from './lib/fhir-schema.ts';
export type { ObservationRule } from './observation.ts';
export { buildIntakeObservation } from './observation.ts';
export { assertValidBuiltResource, ResourceInvalidError } from './validate-built.ts';
export type { MappingInput, MappingProblem, MappingRuleInput, MappingVendor } from './validate-mapping.ts';
export { mappingProblems, validateMapping } from './validate-mapping.ts';
