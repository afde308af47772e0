// The CoverageAdapter (issue 5 item 4, DESIGN.md section 5 "insurance" row): what the insurance
// workflow knows about an EHR's Coverage and payor Organizations. Like EhrAdapter it does
// transport only; the verified write in src/workflows/ decides the outcome. One implementation
// per vendor in src/ehr/<vendor>/coverage-*.ts, picked by createCoverageAdapter.
//
// Errors follow adapter.ts: FhirError unchanged for transport and EHR errors,
// ERR_EHR_UNSUPPORTED where the vendor offers no Coverage create (Epic: Coverage is read-only,
// epic/epic-fhir-r4-capabilitystatement.json), ERR_EHR_RULE for a 422 refusal.
import type { Coverage } from '@medplum/fhirtypes';
import type { FhirClient } from '../fhir/index.ts';
import type { Vendor } from './adapter.ts';

/** A payor Organization as the EHR names it. */
export type PayerCandidate = {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
};

/** What the EHR holds for a Coverage, normalised for the read-back comparison. */
export type CoverageRecord = {
  readonly id: string;
  readonly status?: string;
  readonly beneficiaryId?: string;
  /** `Patient/1` or `#subscriber` (a contained RelatedPerson). */
  readonly subscriberRef?: string;
  readonly subscriberId?: string;
  readonly payorId?: string;
  readonly relationship?: string;
  readonly groupNumber?: string;
  /** `system|value` identifiers, including our idempotency identifier where the vendor keeps it. */
  readonly identifiers: readonly string[];
};

export type CoverageWrite = {
  /** The Coverage as built by src/mapping/coverage.ts, validated. */
  readonly coverage: Coverage;
  readonly patientId: string;
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
};

export interface CoverageAdapter {
  readonly vendor: Vendor;
  /** False where the EHR has no Coverage create (Epic): the workflow queues for staff instead. */
  readonly canCreateCoverage: boolean;
  /**
   * Payor Organizations whose name matches what the caller said (`Organization?type=pay&name=`,
   * R4 name search: starts-with, case- and accent-insensitive). Empty where the EHR cannot
   * search Organizations by name (Epic R4 searches Organization by `_id` only).
   */
  findPayers(name: string, signal?: AbortSignal): Promise<readonly PayerCandidate[]>;
  /** Sends the create once; returns the new id. Never retries a write itself. */
  createCoverage(write: CoverageWrite): Promise<{ readonly id: string }>;
  /**
   * Search-before-resend (DESIGN.md section 4 step 2): the Coverage this request already wrote,
   * by our identifier where the vendor keeps it, else by patient + member id + payor.
   */
  findCoverage(write: CoverageWrite): Promise<CoverageRecord | undefined>;
  readCoverage(id: string, signal?: AbortSignal): Promise<CoverageRecord>;
}

export type CoverageAdapterOptions = {
  readonly vendor: Vendor;
  /** The tenant's FHIR R4 client. */
  readonly fhir: FhirClient;
};
