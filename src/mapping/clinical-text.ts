// What a caller said, as the mapping builders receive it, and the text limits that apply to it.
// A spoken chief complaint or reason is a sentence or two; 2,000 characters is several minutes
// of speech, so anything longer is a transcription runaway or abuse and is refused before any
// write (issue 5 "Bad input": an intake of 20,000 characters), never silently cut.

/** Longest chief complaint or reason for visit accepted from a call. */
export const MAX_INTAKE_TEXT_CHARS = 2_000;
/** Longest spoken onset ("three days ago, after the fall"). */
export const MAX_ONSET_CHARS = 200;
export const MAX_SYMPTOMS = 20;
export const MAX_SYMPTOM_CHARS = 200;
/** Cerner keeps Appointment.reasonCode[0].text up to 255 characters (DESIGN.md section 5). */
export const CERNER_REASON_TEXT_MAX_CHARS = 255;

/** US Core / R4 Condition categories (http://terminology.hl7.org/CodeSystem/condition-category). */
export const CONDITION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-category';
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** R4 valueset-observation-category codes. */
export const OBSERVATION_CATEGORIES = [
  'social-history',
  'vital-signs',
  'imaging',
  'laboratory',
  'procedure',
  'survey',
  'exam',
  'therapy',
  'activity',
] as const;

export type ClinicalText = {
  readonly patientId: string;
  /** The chief complaint or reason, exactly as captured (trimmed). */
  readonly text: string;
  /** ISO date (`2030-03-01`) or free words ("since Sunday"). */
  readonly onset?: string;
  readonly symptoms?: readonly string[];
  /** Required for a Condition of category encounter-diagnosis (Cerner). */
  readonly encounterId?: string;
  /** When the call captured it, ISO instant. */
  readonly recordedAt: string;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** True for an onset that can go in `onsetDateTime` / a dateTime; free words go in a note. */
export function isFhirDateTime(value: string): boolean {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

/** "Onset: since Sunday. Symptoms: fever, cough." or undefined when there is nothing to add. */
export function detailsSentence(input: Pick<ClinicalText, 'onset' | 'symptoms'>, includeDateOnset: boolean) {
  const parts: string[] = [];
  if (input.onset !== undefined && (includeDateOnset || !isFhirDateTime(input.onset))) {
    parts.push(`Onset: ${input.onset}.`);
  }
  if (input.symptoms !== undefined && input.symptoms.length > 0)
    parts.push(`Symptoms: ${input.symptoms.join(', ')}.`);
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** Who the text came from, as Cerner's example writes a free-text author (cerner/R4_CONDITION_CREATE.json note). */
export const PATIENT_REPORTED_AUTHOR = 'Patient, by phone (voice agent intake)';
