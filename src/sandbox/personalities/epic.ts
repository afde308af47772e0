// The Epic-like personalities (DESIGN.md section 5):
//
//   EPIC_R4_PREFIX    /api/FHIR/R4     resources and interactions of
//                                      epic/epic-fhir-r4-capabilitystatement.json that the sandbox
//                                      serves; Slot and Schedule read-only (read), Coverage read and
//                                      search, Appointment read and search only (no create, PUT or
//                                      PATCH: booking is `$book`, cancelling is for staff)
//   EPIC_STU3_PREFIX  /api/FHIR/STU3   what scheduling uses (epic/epic-fhir-stu3-capabilitystatement.json):
//                                      POST Appointment/$find (epic-find.ts), POST Appointment/$book
//                                      (epic-book.ts), reads of Appointment, Slot, Schedule, Patient...
//                                      Resources are served in R4 shape.
//   EPIC_TOKEN_PATH   /oauth2/token    private_key_jwt only, 3600 s tokens, 403 with
//                                      WWW-Authenticate insufficient_scope (src/sandbox/auth/)
//
// `conditionalCreate: false` everywhere: If-None-Exist is ignored, as Epic does.
//
// Visit types for `$find` serviceType: system EPIC_VISIT_TYPE_SYSTEM
// (`urn:oid:1.2.840.114350.1.13.0.1.7.10.686980`), code `1001` new patient, `1002` follow-up;
// the sandbox codings (VISIT_TYPE_SYSTEM `new-patient`, `follow-up`) are accepted too.

import type { FhirPersonality, ResourceSupport } from '../personality.ts';
import { EPIC_VISIT_TYPE_SYSTEM } from '../scheduling/visit-types.ts';
import { epicBook } from './epic-book.ts';
import { epicFind } from './epic-find.ts';
import { declarePatientMatch, PATIENT_MATCH_OPERATION } from './epic-match.ts';
import { systemScopes } from './r4.ts';

export const EPIC_R4_PREFIX = '/api/FHIR/R4';
export const EPIC_STU3_PREFIX = '/api/FHIR/STU3';
export const EPIC_TOKEN_PATH = '/oauth2/token';
export {
  EPIC_NO_RESULTS,
  EPIC_NO_VISIT_TYPE,
  EPIC_OUTCOME_SYSTEM,
  SANDBOX_OUTCOME_SYSTEM,
  SLOT_UNAVAILABLE,
} from './epic-outcomes.ts';
export { EPIC_VISIT_TYPE_SYSTEM };

const READ_SEARCH = ['read', 'search'] as const;

const r4Resources: Record<string, ResourceSupport> = {
  Appointment: {
    interactions: READ_SEARCH,
    searchParams: [
      '_id',
      'date',
      'identifier',
      'patient',
      'status',
      'actor',
      'appointment-type',
      'location',
      'practitioner',
      'service-type',
      'slot',
      'specialty',
    ],
  },
  Communication: {
    interactions: ['create', 'read', 'search'],
    searchParams: [
      '_id',
      'category',
      'encounter',
      'patient',
      'subject',
      'identifier',
      'recipient',
      'sender',
      'status',
    ],
  },
  Condition: {
    interactions: ['create', 'read', 'search'],
    searchParams: [
      '_id',
      'category',
      'clinical-status',
      'code',
      'encounter',
      'patient',
      'subject',
      'identifier',
    ],
  },
  Coverage: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'beneficiary', 'patient', 'identifier', 'payor', 'status', 'subscriber', 'type'],
  },
  DocumentReference: {
    interactions: ['create', 'read', 'search', 'update'],
    searchParams: [
      '_id',
      'category',
      'date',
      'encounter',
      'patient',
      'status',
      'subject',
      'type',
      'identifier',
    ],
  },
  Encounter: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'class', 'date', 'identifier', 'patient', 'subject', 'status', 'appointment'],
  },
  Location: {
    interactions: READ_SEARCH,
    searchParams: [
      '_id',
      'address',
      'address-city',
      'address-postalcode',
      'address-state',
      'identifier',
      'name',
      'type',
    ],
  },
  Observation: {
    interactions: ['create', 'read', 'search', 'update'],
    searchParams: [
      '_id',
      'category',
      'code',
      'date',
      'patient',
      'subject',
      'encounter',
      'identifier',
      'status',
    ],
  },
  Organization: { interactions: READ_SEARCH, searchParams: ['_id'] },
  Patient: {
    interactions: ['create', 'read', 'search'],
    searchParams: [
      '_id',
      'address',
      'address-city',
      'address-postalcode',
      'address-state',
      'birthdate',
      'family',
      'gender',
      'given',
      'identifier',
      'name',
      'telecom',
      'email',
      'phone',
    ],
  },
  Practitioner: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'family', 'given', 'identifier', 'name', 'telecom'],
  },
  PractitionerRole: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'identifier', 'location', 'organization', 'practitioner', 'role', 'specialty'],
  },
  QuestionnaireResponse: {
    interactions: ['create', 'read', 'search'],
    searchParams: ['_id', 'encounter', 'patient', 'subject', 'author', 'authored', 'identifier', 'status'],
  },
  RelatedPerson: { interactions: READ_SEARCH, searchParams: ['_id', 'patient', 'identifier', 'name'] },
  // Not in Epic's R4 CapabilityStatement: no R4 Slot or Schedule search (DESIGN.md section 5);
  // reads are served so a booked appointment's slot can be looked at.
  Schedule: { interactions: ['read'] },
  ServiceRequest: {
    interactions: ['create', 'read', 'search', 'update'],
    searchParams: ['_id', 'category', 'code', 'encounter', 'identifier', 'patient', 'status', 'subject'],
  },
  Slot: { interactions: ['read'] },
  Task: {
    interactions: ['read', 'search', 'update'],
    searchParams: ['_id', 'code', 'encounter', 'focus', 'patient', 'status', 'subject', 'identifier'],
  },
};

const stu3Resources: Record<string, ResourceSupport> = {
  Appointment: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'date', 'identifier', 'patient', 'status'],
  },
  Coverage: { interactions: READ_SEARCH, searchParams: ['_id', 'beneficiary', 'patient'] },
  Location: { interactions: ['read'] },
  Organization: { interactions: ['read'] },
  Patient: {
    interactions: READ_SEARCH,
    searchParams: ['_id', 'birthdate', 'family', 'gender', 'given', 'identifier', 'name', 'telecom'],
  },
  Practitioner: { interactions: READ_SEARCH, searchParams: ['_id', 'family', 'given', 'identifier', 'name'] },
  Schedule: { interactions: ['read'] },
  Slot: { interactions: ['read'] },
};

/** `http://host/api/FHIR/R4` -> `http://host/oauth2/token`. */
export function epicTokenUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/api\/FHIR\/(R4|STU3)$/, '')}${EPIC_TOKEN_PATH}`;
}

function smartConfiguration(resources: Record<string, ResourceSupport>) {
  return (baseUrl: string) => ({
    // Shape of epic/epic-fhir-r4-smart-configuration.json, for backend services only.
    issuer: epicTokenUrl(baseUrl).replace(/\/token$/, ''),
    token_endpoint: epicTokenUrl(baseUrl),
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: systemScopes(resources),
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  });
}

export const epicR4Personality: FhirPersonality = {
  name: 'epic',
  prefix: EPIC_R4_PREFIX,
  title: 'ehrgate sandbox: Epic-like FHIR R4 server',
  fhirVersion: '4.0.1',
  resources: r4Resources,
  conditionalCreate: false,
  tokenEndpoint: { path: EPIC_TOKEN_PATH, vendor: 'epic' },
  smartConfiguration: smartConfiguration(r4Resources),
  operations: [PATIENT_MATCH_OPERATION],
  capabilityStatement: declarePatientMatch,
};

/** Shares the R4 personality's token endpoint (one Epic authorization server per instance). */
export const epicStu3Personality: FhirPersonality = {
  name: 'epic',
  prefix: EPIC_STU3_PREFIX,
  title: 'ehrgate sandbox: Epic-like FHIR STU3 server (scheduling)',
  fhirVersion: '3.0.1',
  resources: stu3Resources,
  conditionalCreate: false,
  operations: [
    {
      method: 'POST',
      path: 'Appointment/$find',
      name: 'find',
      resourceType: 'Appointment',
      handler: epicFind,
    },
    {
      method: 'POST',
      path: 'Appointment/$book',
      name: 'book',
      resourceType: 'Appointment',
      handler: epicBook,
    },
  ],
  smartConfiguration: smartConfiguration(stu3Resources),
};
