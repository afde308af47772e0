// listAppointments: the patient's upcoming appointments, live from the EHR, as the caller hears them.
import type { AppointmentsFound, FailedOutcome } from '../outcome.ts';
import { failed } from '../outcome.ts';
import { appointmentView, readFailure } from './answers.ts';
import { type SchedulingContext, spokenList } from './context.ts';

export type ListAppointmentsInput = {
  readonly patientId: string;
  /** ISO instant; default now. */
  readonly from?: string;
  readonly signal?: AbortSignal;
};

export async function listAppointments(
  context: SchedulingContext,
  input: ListAppointmentsInput,
): Promise<AppointmentsFound | FailedOutcome> {
  if (typeof input.patientId !== 'string' || input.patientId.trim() === '') {
    return failed('invalid_input', 'I need to confirm who you are first.', { field: 'patientId' });
  }
  const from = input.from === undefined ? context.now() : Date.parse(input.from);
  if (Number.isNaN(from)) {
    return failed('invalid_input', 'I need that date as a calendar date.', { field: 'from' });
  }
  let records: Awaited<ReturnType<typeof context.adapter.listAppointments>>;
  try {
    records = await context.adapter.listAppointments(input.patientId, new Date(from), input.signal);
  } catch (error) {
    return readFailure(error);
  }
  const appointments = records.map((record) => appointmentView(context, record));
  const times = appointments.map((a) => a.spokenTime + (a.practitioner ? ` with ${a.practitioner}` : ''));
  const say =
    appointments.length === 0
      ? "I don't see any upcoming appointments for you."
      : appointments.length === 1
        ? `You have one upcoming appointment: ${times[0]}.`
        : `You have ${appointments.length} upcoming appointments: ${spokenList(times)}.`;
  return { status: 'found', say, appointments };
}
