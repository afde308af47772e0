// The PatientAdapter interface (issue 5 items 1-2, DESIGN.md sections 2 and 5): what the identity
// workflow knows about finding, reading and registering patients in an EHR. One implementation
// per vendor, wired by createPatientAdapter (create-patient-adapter.ts); only those files know
// each vendor's rules:
//   Epic     Patient search, `Patient/$match` (declared in epic/epic-fhir-r4-capabilitystatement.json),
//            `Patient.Create` (no conditional create, no identifier of ours kept)
//   Cerner   Patient search by name, birthdate, phone, identifier; no $match; `POST /Patient` with an
//            identifier carrying only `assigner` and an `official` name with given and family
//            (cerner/R4_PATIENT_CREATE.json)
//   fhir-r4  Patient search, $match when /metadata declares it, create with our idempotency
//            identifier behind If-None-Exist (R4 http.html#ccreate)
// Like the EhrAdapter, it does transport and mapping and never decides an outcome: it throws
// FhirError unchanged, ERR_EHR_RULE for a 422 refusal and ERR_EHR_UNSUPPORTED where the vendor
// has no API for the call (src/ehr/adapter.ts header).

import type { FhirClient } from '../fhir/index.ts';
import type { Vendor } from './adapter.ts';

/** What a caller said, as the workflow normalised it; the EHR search is the wide net, the workflow judges. */
export type PatientSearch = {
  readonly family: string;
  readonly given?: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  /** Digits only (national number), when the search should be narrowed by phone. */
  readonly phone?: string;
  readonly postalCode?: string;
  readonly signal?: AbortSignal;
};

export type MatchRequest = PatientSearch & {
  /** `count` of Patient/$match: most candidates wanted. Default DEFAULT_MATCH_COUNT. */
  readonly count?: number;
  /** `onlyCertainMatches` of Patient/$match (R4 patient-operation-match.html). Default false. */
  readonly onlyCertainMatches?: boolean;
};

export type PatientName = {
  readonly use?: string;
  readonly family?: string;
  readonly given: readonly string[];
  readonly text?: string;
};

/** What the EHR holds for a patient, normalised for matching and read-back. Never sent to a caller. */
export type PatientRecord = {
  readonly id: string;
  readonly active: boolean;
  readonly names: readonly PatientName[];
  readonly birthDate?: string;
  readonly gender?: string;
  /** `telecom` phones as the EHR wrote them. */
  readonly phones: readonly string[];
  readonly postalCodes: readonly string[];
  /** `system|value` identifiers. */
  readonly identifiers: readonly string[];
};

export type PatientMatch = {
  readonly patient: PatientRecord;
  /** Bundle.entry.search.score, 0..1. */
  readonly score?: number;
  /** The match-grade extension: certain | probable | possible | certainly-not. */
  readonly grade?: string;
};

export type PatientGender = 'male' | 'female' | 'other' | 'unknown';

/** A new patient as the caller gave it, already validated by the workflow. */
export type NewPatient = {
  readonly family: string;
  readonly given: readonly string[];
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly gender?: PatientGender;
  /** E.164, e.g. +18655550150. */
  readonly phone?: string;
  readonly address?: {
    readonly line?: readonly string[];
    readonly city?: string;
    readonly state?: string;
    readonly postalCode?: string;
  };
};

export type CreatePatientRequest = {
  readonly patient: NewPatient;
  /** Unique per tool call; kept as a Patient identifier where the vendor allows (fhir-r4). */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export type CreatePatientResult = {
  /** The EHR id of the new Patient (from the body or the Location header). */
  readonly patientId: string;
  readonly warnings: readonly string[];
};

export interface PatientAdapter {
  readonly vendor: Vendor;
  readonly fhir: FhirClient;

  /** FHIR search (R4 search.html); every page up to a small bound. Inactive records are included. */
  searchPatients(query: PatientSearch): Promise<readonly PatientRecord[]>;

  /** Whether the EHR's CapabilityStatement declares `Patient/$match`; read from /metadata once, then cached. */
  supportsMatch(signal?: AbortSignal): Promise<boolean>;

  /** `POST Patient/$match`; ERR_EHR_UNSUPPORTED when the EHR does not declare it. Best score first. */
  matchPatients(request: MatchRequest): Promise<readonly PatientMatch[]>;

  readPatient(id: string, signal?: AbortSignal): Promise<PatientRecord>;

  /** Sends the create once, built to the vendor's rules. Never retries itself (the verified write decides). */
  createPatient(request: CreatePatientRequest): Promise<CreatePatientResult>;

  /**
   * Search-before-resend (DESIGN.md section 4 step 2): the Patient this request already created,
   * by our identifier where the vendor keeps it (fhir-r4), else by the natural key (official
   * family and given names and birth date, exactly as sent).
   */
  findCreatedPatient(request: CreatePatientRequest): Promise<PatientRecord | undefined>;
}

/** Candidates asked of Patient/$match unless told otherwise. */
export const DEFAULT_MATCH_COUNT = 10;
/** Pages of a patient search followed at most: a name and birth date rarely fill one page. */
export const PATIENT_SEARCH_MAX_PAGES = 3;
