// Chief complaint / reason for visit -> the appointment itself (issue 5 item 3): the note staff
// read on the schedule (Cerner `comment`, Epic `appointmentNote` at $book, R4 `comment`) and the
// reason (`reasonCode[0].text`). Cerner keeps reasonCode text only and at most 255 characters
// (DESIGN.md section 5; cerner/R4_APPOINTMENT_CREATE.json): a longer reason is cut there, with a
// warning, and kept whole in the note so nothing the caller said is lost.
import type { Vendor } from '../ehr/index.ts';
import { CERNER_REASON_TEXT_MAX_CHARS, type ClinicalText, detailsSentence } from './clinical-text.ts';

export type AppointmentNotePieces = {
  readonly chiefComplaint?: Pick<ClinicalText, 'text' | 'onset' | 'symptoms'>;
  readonly reasonForVisit?: Pick<ClinicalText, 'text'>;
};

export type AppointmentNotePlan = {
  /** Text to add to the appointment's note (comment). */
  readonly note?: string;
  /** reasonCode[0].text. */
  readonly reason?: string;
  readonly warnings: readonly string[];
};

export function buildAppointmentNote(vendor: Vendor, pieces: AppointmentNotePieces): AppointmentNotePlan {
  const lines: string[] = [];
  const warnings: string[] = [];
  let reason: string | undefined;
  if (pieces.chiefComplaint !== undefined) {
    const details = detailsSentence(pieces.chiefComplaint, true);
    lines.push(
      `Chief complaint (caller): ${pieces.chiefComplaint.text}${details === undefined ? '' : ` ${details}`}`,
    );
  }
  if (pieces.reasonForVisit !== undefined) {
    const text = pieces.reasonForVisit.text;
    if (vendor === 'cerner' && text.length > CERNER_REASON_TEXT_MAX_CHARS) {
      reason = text.slice(0, CERNER_REASON_TEXT_MAX_CHARS);
      lines.push(`Reason for visit (caller, in full): ${text}`);
      warnings.push(
        `the reason for visit was cut to ${CERNER_REASON_TEXT_MAX_CHARS} characters in the appointment's reason, the most the EHR accepts; the full text is in the appointment note`,
      );
    } else {
      reason = text;
    }
  }
  return {
    ...(lines.length === 0 ? {} : { note: lines.join('\n') }),
    ...(reason === undefined ? {} : { reason }),
    warnings,
  };
}
