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
export { createEhrAdapter, type EhrAdapterOptions } from './create-ehr-adapter.ts';
export { epicStu3BaseUrl } from './epic/stu3-base-url.ts';
export { DEFAULT_SEARCH_CONCURRENCY } from './lib/map-bounded.ts';
