export type { IdentityPolicy, IdentityWorkflowOptions } from './identity/context.ts';
export { DEFAULT_IDENTITY_QUEUE } from './identity/context.ts';
export type { FindPatientInput } from './identity/find-patient.ts';
export type { IdentityWorkflow } from './identity/identity-workflow.ts';
export { createIdentityWorkflow } from './identity/identity-workflow.ts';
export type { PatientHandle, PatientHandleKey, PatientHandleProblem } from './identity/patient-handle.ts';
export {
  DEFAULT_PATIENT_HANDLE_TTL_MS,
  PatientHandleError,
  signPatientHandle,
  verifyPatientHandle,
} from './identity/patient-handle.ts';
export type { RegisterPatientInput } from './identity/register-patient.ts';
export { PATIENT_REGISTER_KIND, REGISTER_TOOL } from './identity/register-patient.ts';
export { patientRegistrationHandler } from './identity/registration-job.ts';
export type {
  ExtraDetail,
  FindPatientResult,
  IdentityFailed,
  IdentityFailureReason,
  PatientNeedsMore,
  PatientNotFound,
  PatientRegistered,
  PatientVerified,
  RegisterFailed,
  RegisterPatientOutcome,
} from './identity/results.ts';
export { MAX_AGE_YEARS } from './identity/spoken-date.ts';
export type {
  IntakeHandlersOptions,
  IntakeInput,
  IntakeOutcome,
  IntakePiece,
  IntakePieceResult,
  IntakeView,
  IntakeWorkflow,
  IntakeWorkflowOptions,
} from './intake/index.ts';
export {
  createIntakeWorkflow,
  DEFAULT_INTAKE_QUEUE,
  INTAKE_KINDS,
  intakeHandlers,
  RECORD_INTAKE_TOOL,
} from './intake/index.ts';
export type {
  RecordDecision,
  RecordJob,
  RecordOutcome,
  RecordQueueReason,
  RecordSay,
  RecordStaffNote,
  RecordSteps,
  RecordWrite,
  RecordWriteOptions,
  StaffOnlyWrite,
  StoredRecord,
} from './lib/verified-record-write.ts';
export {
  attemptRecordWrite,
  DEFAULT_RECORD_READ_BACK_ATTEMPTS,
  DEFAULT_RECORD_RETRY_DELAY_MS,
  queueRecordForStaff,
  reasonInWords,
  recordJobHandler,
  recordView,
  runVerifiedRecordWrite,
} from './lib/verified-record-write.ts';
export type {
  AppointmentsFound,
  AppointmentView,
  ConfirmedOutcome,
  FailedOutcome,
  FailureReason,
  OfferView,
  QueuedOutcome,
  RecordView,
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
