// Public surface of the EHR adapters (STYLE.md rule 15): the interface, the factory, and the
// pieces a caller needs to build the factory's inputs. Vendor internals stay unexported.
export type {
  AppointmentRecord,
  BookRequest,
  CancelRequest,
  Coding,
  EhrAdapter,
  FindNote,
  FindSlotsResult,
  RescheduleRequest,
  SlotCandidate,
  SlotQuery,
  TimeOfDay,
  Vendor,
  VisitType,
  WriteResult,
} from './adapter.ts';
export { IDEMPOTENCY_IDENTIFIER_SYSTEM } from './adapter.ts';
export type {
  CoverageAdapter,
  CoverageAdapterOptions,
  CoverageRecord,
  CoverageWrite,
  PayerCandidate,
} from './coverage-adapter.ts';
export { createCoverageAdapter } from './create-coverage-adapter.ts';
export { createEhrAdapter, type EhrAdapterOptions } from './create-ehr-adapter.ts';
export { createIntakeAdapter } from './create-intake-adapter.ts';
export { createPatientAdapter, type PatientAdapterOptions } from './create-patient-adapter.ts';
export { epicStu3BaseUrl } from './epic/stu3-base-url.ts';
export { toCoverageRecord } from './fhir-r4/coverage-read.ts';
export { toClinicalRecord } from './fhir-r4/intake-records.ts';
export type {
  AppointmentNoteRequest,
  ClinicalRecord,
  ClinicalResource,
  ClinicalWriteRequest,
  IntakeAdapter,
} from './intake-adapter.ts';
export { DEFAULT_SEARCH_CONCURRENCY } from './lib/map-bounded.ts';
export type {
  CreatePatientRequest,
  CreatePatientResult,
  MatchRequest,
  NewPatient,
  PatientAdapter,
  PatientGender,
  PatientMatch,
  PatientName,
  PatientRecord,
  PatientSearch,
} from './patient-adapter.ts';
export { DEFAULT_MATCH_COUNT } from './patient-adapter.ts';
