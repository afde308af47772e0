// The recordIntake tool input, checked before anything is written (issue 5 "Bad input": nothing
// half-written). Too long is refused with the field named, not cut: the only cut is the vendor's
// own limit on one target (Cerner's 255-character reason), which src/mapping applies with a warning.
import {
  MAX_INTAKE_TEXT_CHARS,
  MAX_ONSET_CHARS,
  MAX_SYMPTOM_CHARS,
  MAX_SYMPTOMS,
} from '../../mapping/index.ts';
import { type FailedOutcome, failed } from '../outcome.ts';

export type IntakeInput = {
  /** The store's call id (outbox rows and work items reference it); null outside a call. */
  readonly callId: string | null;
  /** Unique per tool call; a repeat with the same key returns the first outcome. */
  readonly idempotencyKey: string;
  /** The verified patient's EHR id. */
  readonly patientId: string;
  /** The booked appointment the intake belongs to (appointment-note targets). */
  readonly appointmentId?: string;
  /** The encounter, when known (Cerner encounter-diagnosis needs one). */
  readonly encounterId?: string;
  readonly chiefComplaint: string;
  readonly reasonForVisit?: string;
  /** ISO date or the caller's words ("since Sunday"). */
  readonly onset?: string;
  readonly symptoms?: readonly string[];
};

export type IntakePiece = 'chiefComplaint' | 'reasonForVisit';

export const PIECE_WORDS: Readonly<Record<IntakePiece, string>> = {
  chiefComplaint: 'the main problem',
  reasonForVisit: 'the reason for the visit',
};

const clean = (value: string | undefined): string | undefined => {
  const trimmed = value?.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? undefined : trimmed;
};

/** The input with whitespace normalised, or the failed outcome naming the field at fault. */
export function checkIntakeInput(input: IntakeInput): IntakeInput | FailedOutcome {
  const chiefComplaint = clean(input.chiefComplaint);
  if (chiefComplaint === undefined) {
    return failed('invalid_input', 'I did not catch the main problem. Could you tell me what it is?', {
      field: 'chiefComplaint',
    });
  }
  const reasonForVisit = clean(input.reasonForVisit);
  for (const [field, text] of [
    ['chiefComplaint', chiefComplaint],
    ['reasonForVisit', reasonForVisit],
  ] as const) {
    if (text !== undefined && text.length > MAX_INTAKE_TEXT_CHARS) {
      return failed(
        'invalid_input',
        `That was more than I can note down for ${PIECE_WORDS[field]}. Could you say it in a sentence or two?`,
        { field },
      );
    }
  }
  const onset = clean(input.onset);
  if (onset !== undefined && onset.length > MAX_ONSET_CHARS) {
    return failed('invalid_input', 'Could you tell me briefly when it started?', { field: 'onset' });
  }
  const symptoms = (input.symptoms ?? []).map(clean).filter((s): s is string => s !== undefined);
  if (symptoms.length > MAX_SYMPTOMS || symptoms.some((s) => s.length > MAX_SYMPTOM_CHARS)) {
    return failed('invalid_input', 'Could you name just the main symptoms?', { field: 'symptoms' });
  }
  if (input.patientId.trim() === '' || input.idempotencyKey.trim() === '') {
    return failed('invalid_input', 'I need to confirm who you are before I can note that.', {
      field: input.patientId.trim() === '' ? 'patientId' : 'idempotencyKey',
    });
  }
  return {
    callId: input.callId,
    idempotencyKey: input.idempotencyKey,
    patientId: input.patientId.trim(),
    chiefComplaint,
    ...(input.appointmentId === undefined ? {} : { appointmentId: input.appointmentId }),
    ...(input.encounterId === undefined ? {} : { encounterId: input.encounterId }),
    ...(reasonForVisit === undefined ? {} : { reasonForVisit }),
    ...(onset === undefined ? {} : { onset }),
    ...(symptoms.length === 0 ? {} : { symptoms }),
  };
}
