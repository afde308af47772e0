// Insurance -> Coverage (issue 5 items 3-4), built the way Oracle Health documents its create
// (cerner/R4_COVERAGE_CREATE.json): status active, subscriber, subscriberId, beneficiary,
// relationship (http://terminology.hl7.org/CodeSystem/subscriber-relationship), payor
// (Organization), period and class (group). Every built Coverage is validated with @medplum/core
// (validate-built.ts) before it is sent.
//
// Only a policy held by the patient is built: a subscriber who is someone else must be a Patient
// or RelatedPerson the EHR already holds (Coverage.subscriber), which a phone call cannot
// establish, so the insurance workflow hands that case to staff with everything the caller said.
import type { Coverage, CoverageClass } from '@medplum/fhirtypes';
import { IDEMPOTENCY_IDENTIFIER_SYSTEM, type Vendor } from '../ehr/index.ts';
import { assertValidBuiltResource } from './validate-built.ts';

/** R4 subscriber-relationship codes (http://hl7.org/fhir/R4/valueset-subscriber-relationship.html). */
export const SUBSCRIBER_RELATIONSHIPS = [
  'child',
  'parent',
  'spouse',
  'common',
  'other',
  'self',
  'injured',
] as const;
export type SubscriberRelationship = (typeof SUBSCRIBER_RELATIONSHIPS)[number];

export const SUBSCRIBER_RELATIONSHIP_SYSTEM = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';
/** The R4 coverage-class code system. */
export const COVERAGE_CLASS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/coverage-class';
// Cerner's documented create names the value set's URL as the coding system
// (cerner/R4_COVERAGE_CREATE.json class[].type.coding[0].system); sent to Cerner as documented.
export const CERNER_COVERAGE_CLASS_SYSTEM = 'http://hl7.org/fhir/ValueSet/coverage-class';

export type CoverageInput = {
  readonly vendor: Vendor;
  /** The patient, who is both the beneficiary and the subscriber (policy holder). */
  readonly patientId: string;
  readonly payer: { readonly id: string; readonly name: string };
  /** Already normalised (workflows/insurance/member-id.ts). */
  readonly memberId: string;
  readonly groupNumber?: string;
  /** YYYY-MM-DD: the day the caller reported the coverage as current (Coverage.period.start). */
  readonly periodStart: string;
  /** Kept as Coverage.identifier where the vendor keeps identifiers (not Cerner, whose example has none). */
  readonly idempotencyKey: string;
};

/**
 * Builds the Coverage and validates it; throws ResourceInvalidError (ERR_RESOURCE_INVALID)
 * naming the element. The FHIR schema must be loaded (mapping/lib/fhir-schema.ts loadFhirSchema).
 */
export function buildCoverage(input: CoverageInput): Coverage {
  const patient = { reference: `Patient/${input.patientId}` };
  const classSystem = input.vendor === 'cerner' ? CERNER_COVERAGE_CLASS_SYSTEM : COVERAGE_CLASS_SYSTEM;
  const classes: CoverageClass[] = [];
  if (input.groupNumber !== undefined) {
    classes.push({
      type: { coding: [{ system: classSystem, code: 'group' }], text: 'group' },
      value: input.groupNumber,
      name: `${input.payer.name} group`,
    });
  }
  const coverage: Coverage = {
    resourceType: 'Coverage',
    ...(input.vendor === 'cerner'
      ? {}
      : { identifier: [{ system: IDEMPOTENCY_IDENTIFIER_SYSTEM, value: input.idempotencyKey }] }),
    status: 'active',
    subscriber: patient,
    subscriberId: input.memberId,
    beneficiary: patient,
    relationship: { coding: [{ system: SUBSCRIBER_RELATIONSHIP_SYSTEM, code: 'self' }] },
    period: { start: input.periodStart },
    payor: [{ reference: `Organization/${input.payer.id}`, display: input.payer.name }],
    ...(classes.length > 0 ? { class: classes } : {}),
  };
  assertValidBuiltResource(coverage);
  return coverage;
}
