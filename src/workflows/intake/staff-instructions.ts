// The first line a staff member reads on an intake work item (P2): what to enter, where, for whom,
// the exact words the caller used, and why the gateway could not. Work item details are PHI and
// live encrypted in the store, never in logs.
import { type RecordQueueReason, type RecordStaffNote, reasonInWords } from '../lib/verified-record-write.ts';

export type IntakeStaffTask = {
  /** "Add to the problem list (Condition, problem-list-item)", "Add to the appointment note". */
  readonly where: string;
  readonly patientId: string;
  readonly appointmentId?: string;
  /** `Chief complaint: "..."` lines, exactly as captured. */
  readonly lines: readonly string[];
};

export function intakeStaffInstruction(
  task: IntakeStaffTask,
  reason: RecordQueueReason,
  note: RecordStaffNote,
): string {
  let text = `${task.where} for patient ${task.patientId}`;
  if (task.appointmentId !== undefined) text += `, appointment ${task.appointmentId}`;
  text += `: ${task.lines.join(' ')} Why this is here: ${reasonInWords(reason, note.error)}`;
  if (note.ref !== undefined) text += `; the EHR returned ${note.ref}`;
  if (note.differences !== undefined && note.differences.length > 0) {
    text += `; it differs in: ${note.differences.join(', ')}`;
  }
  const check =
    reason === 'mapped_to_staff' || reason === 'no_api'
      ? ''
      : ' Check the chart first for what may already be there, so nothing is entered twice.';
  return `${text}.${check}`;
}
