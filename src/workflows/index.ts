export type {
  AppointmentsFound,
  AppointmentView,
  ConfirmedOutcome,
  FailedOutcome,
  FailureReason,
  OfferView,
  QueuedOutcome,
  SlotsFound,
  WriteOutcome,
} from './outcome.ts';
export type { BookInput } from './scheduling/book.ts';
export type { CancelInput } from './scheduling/cancel.ts';
export type { SchedulingWorkflowOptions } from './scheduling/context.ts';
export { DEFAULT_OFFER_COUNT, MAX_ALTERNATIVES, MAX_OFFER_COUNT } from './scheduling/context.ts';
export type { FindSlotsInput } from './scheduling/find-slots.ts';
export type { ListAppointmentsInput } from './scheduling/list-appointments.ts';
export type { Offer, OfferKey, OfferProblem } from './scheduling/offers.ts';
export {
  DEFAULT_OFFER_TTL_MS,
  MIN_OFFER_SECRET_BYTES,
  OfferError,
  signOffer,
  verifyOffer,
} from './scheduling/offers.ts';
export type { RescheduleInput } from './scheduling/reschedule.ts';
export type { SchedulingWorkflow } from './scheduling/scheduling-workflow.ts';
export { createSchedulingWorkflow } from './scheduling/scheduling-workflow.ts';
export { DEFAULT_SEARCH_DAYS, MAX_SEARCH_DAYS } from './scheduling/search-range.ts';
export { spokenSlot, spokenTime } from './scheduling/spoken-time.ts';
export {
  DEFAULT_IN_FLIGHT_POLL_MS,
  DEFAULT_IN_FLIGHT_WAIT_MS,
  DEFAULT_READ_BACK_ATTEMPTS,
  DEFAULT_WRITE_ATTEMPTS,
  DEFAULT_WRITE_RETRY_DELAY_MS,
} from './scheduling/verified-write.ts';
