// The scheduling workflow (DESIGN.md sections 2 and 4): find live slots, book, cancel,
// reschedule and list, over one EhrAdapter whatever the vendor. Writes answer the outcome
// contract (outcome.ts) through the verified write; reads answer `found` or `failed`.
import type { AppointmentsFound, FailedOutcome, SlotsFound, WriteOutcome } from '../outcome.ts';
import { type BookInput, book } from './book.ts';
import { type CancelInput, cancel } from './cancel.ts';
import { type SchedulingWorkflowOptions, schedulingContext } from './context.ts';
import { type FindSlotsInput, findSlots } from './find-slots.ts';
import { type ListAppointmentsInput, listAppointments } from './list-appointments.ts';
import { type RescheduleInput, reschedule } from './reschedule.ts';

export interface SchedulingWorkflow {
  findSlots(input: FindSlotsInput): Promise<SlotsFound | FailedOutcome>;
  book(input: BookInput): Promise<WriteOutcome>;
  cancel(input: CancelInput): Promise<WriteOutcome>;
  reschedule(input: RescheduleInput): Promise<WriteOutcome>;
  listAppointments(input: ListAppointmentsInput): Promise<AppointmentsFound | FailedOutcome>;
}

export function createSchedulingWorkflow(options: SchedulingWorkflowOptions): SchedulingWorkflow {
  const context = schedulingContext(options);
  return Object.freeze({
    findSlots: (input: FindSlotsInput) => findSlots(context, input),
    book: (input: BookInput) => book(context, input),
    cancel: (input: CancelInput) => cancel(context, input),
    reschedule: (input: RescheduleInput) => reschedule(context, input),
    listAppointments: (input: ListAppointmentsInput) => listAppointments(context, input),
  });
}
