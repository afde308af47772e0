// The first line a staff member reads on a scheduling work item (P2): what to do by hand in the
// EHR, with the appointment, patient, time and reason, and why the gateway could not finish.
// Work item details are PHI and live encrypted in the store (store/schema.ts), never in logs.
import type { QueueReason, StaffNote } from './verified-write.ts';

const WHY: Record<QueueReason, string> = {
  ehr_unavailable: 'the EHR did not answer within the retry budget',
  no_api: 'this EHR offers no API for it',
  readback_mismatch: 'the EHR accepted the write but reading it back showed different details',
  readback_missing: 'the EHR acknowledged the write but the appointment could not be read back',
  not_verified: 'the write could not be read back to verify it',
  outcome_unknown: 'an earlier attempt of the same request did not report its result',
  error: 'an unexpected error stopped the gateway',
};

export type StaffTask = {
  /** "Book", "Cancel", "Reschedule". */
  readonly action: string;
  readonly patientId: string;
  readonly appointmentId?: string;
  /** ISO instant(s) and the spoken clinic-local time. */
  readonly time?: string;
  readonly newTime?: string;
  readonly with?: string;
  readonly reason?: string;
};

export function staffInstruction(task: StaffTask, reason: QueueReason, note: StaffNote): string {
  const parts = [`${task.action} an appointment for patient ${task.patientId}`];
  if (task.appointmentId) parts.push(`appointment ${task.appointmentId}`);
  if (task.time) parts.push(`at ${task.time}`);
  if (task.newTime) parts.push(`moving it to ${task.newTime}`);
  if (task.with) parts.push(`with ${task.with}`);
  if (task.reason) parts.push(`reason: ${task.reason}`);
  let text = `${parts.join(', ')}. Why this is here: ${WHY[reason]}`;
  if (note.appointmentId && note.appointmentId !== task.appointmentId) {
    text += `; the EHR returned appointment ${note.appointmentId}`;
  }
  if (note.differences && note.differences.length > 0)
    text += `; it differs in: ${note.differences.join(', ')}`;
  if (note.error) text += ` (last error ${note.error})`;
  const check =
    reason === 'no_api'
      ? ''
      : ' Check the EHR first for what may already be there, so nothing is done twice.';
  return `${text}.${check} Then call the patient back to confirm.`;
}
