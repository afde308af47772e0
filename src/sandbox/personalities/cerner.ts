// The Cerner-like (Oracle Health Millennium) personality at `/r4/{tenant}` (any tenant id, e.g.
// `/r4/ec2458f2-1e24-41c8-b71b-0e701af7583d`), following DESIGN.md section 5:
//
//   token endpoint   /tenants/{tenant}/protocols/oauth2/profiles/smart-v1/token (tenant-specific,
//                    advertised by [base]/.well-known/smart-configuration, as in
//                    cerner/cerner-smart-configuration.json); client secret or JWT, 570 s tokens,
//                    SMART v2 scopes only (src/sandbox/auth/)
//   metadata         resources, interactions and search parameters as
//                    cerner/cerner-capability-statement-r4-secure.json, for what the sandbox serves
//   Slot search      cerner-slot-search.ts (service-type required, start ge+lt, free only)
//   Appointment      cerner-appointments.ts (POST booked on a free slot, PATCH with If-Match)
//   versions         from 0: a create answers ETag W/"0"; a stale If-Match is 409, a missing one 412
//
// Visit types: a Slot's `serviceType` holds `urn:ehrgate:sandbox:visit-type|new-patient` and
// `|follow-up` (VISIT_TYPE_SYSTEM); search with `service-type=urn:ehrgate:sandbox:visit-type|new-patient`
// (the Epic-style coding, EPIC_VISIT_TYPE_SYSTEM `1001`/`1002`, is on the same slots and also
// matches). Patient, Coverage and Condition writes are the shared CRUD routes for now.

import type { CapabilityStatement, CapabilityStatementRestResourceSearchParam } from '@medplum/fhirtypes';
import type { FhirPersonality, PersonalityRules, ResourceSupport } from '../personality.ts';
import { VISIT_TYPE_SYSTEM } from '../scheduling/visit-types.ts';
import { cernerCreateAppointment, cernerPatchAppointment } from './cerner-appointments.ts';
import { cernerClinicalRules } from './cerner-clinical.ts';
import { cernerCreateCoverage } from './cerner-coverage.ts';
import { cernerCreatePatient } from './cerner-patient.ts';
import { cernerSlotSearch } from './cerner-slot-search.ts';
import { systemScopes } from './r4.ts';

/** Fastify route prefix; the tenant is any path segment. */
export const CERNER_PREFIX = '/r4/:tenant';
/** The tenant id of Cerner's public sandbox (cerner/R4_WELL_KNOWN.json), handy in tests and config. */
export const CERNER_SANDBOX_TENANT = 'ec2458f2-1e24-41c8-b71b-0e701af7583d';
export const CERNER_TOKEN_PATH = '/tenants/:tenant/protocols/oauth2/profiles/smart-v1/token';
export const CERNER_VISIT_TYPE_SYSTEM = VISIT_TYPE_SYSTEM;

/** `/r4/{tenant}` for a tenant id. */
export function cernerBasePath(tenant: string): string {
  return `/r4/${encodeURIComponent(tenant)}`;
}

/** The token URL of the tenant whose FHIR base is `baseUrl` (`http://host/r4/{tenant}`). */
export function cernerTokenUrl(baseUrl: string): string {
  const match = /^(.*)\/r4\/([^/]+)$/.exec(baseUrl);
  if (match === null) return `${baseUrl}/token`;
  return `${match[1]}/tenants/${match[2]}/protocols/oauth2/profiles/smart-v1/token`;
}

// From cerner/cerner-capability-statement-r4-secure.json: interactions per type and the R4
// search parameters among Cerner's that the sandbox evaluates (Cerner's `-` parameters other
// than Slot's `-location` are left out).
const resources: Record<string, ResourceSupport> = {
  Appointment: {
    interactions: ['read', 'search', 'create', 'patch'],
    searchParams: ['_id', 'date', 'patient', 'practitioner', 'location', 'status'],
  },
  Communication: {
    interactions: ['read', 'search', 'create', 'patch'],
    searchParams: ['_id', 'category', 'received', 'recipient'],
  },
  Condition: {
    interactions: ['read', 'search', 'create', 'update'],
    searchParams: ['_id', 'patient', 'encounter', 'subject', 'clinical-status', 'category', '_lastUpdated'],
  },
  Coverage: {
    interactions: ['read', 'search', 'create', 'patch', 'delete'],
    searchParams: ['_id', 'patient'],
  },
  DocumentReference: {
    interactions: ['read', 'search', 'create', 'update'],
    searchParams: ['_id', 'patient', 'encounter', 'period', 'type', 'category', 'date', '_lastUpdated'],
  },
  Encounter: {
    interactions: ['read', 'search', 'create', 'patch'],
    searchParams: ['_id', 'patient', 'subject', 'status', 'date', 'identifier', 'account', '_lastUpdated'],
  },
  Location: {
    interactions: ['read', 'search'],
    searchParams: [
      '_id',
      'identifier',
      'address',
      'address-city',
      'address-state',
      'address-postalcode',
      'name',
      'organization',
      'type',
    ],
  },
  Observation: {
    interactions: ['read', 'search', 'create', 'update'],
    searchParams: ['_id', 'patient', 'subject', 'category', 'code', 'date', '_lastUpdated'],
  },
  Organization: {
    interactions: ['read', 'search', 'create'],
    searchParams: ['_id', 'identifier', 'type', 'name', 'address'],
  },
  Patient: {
    interactions: ['read', 'search', 'create', 'patch'],
    searchParams: [
      '_id',
      'identifier',
      'name',
      'given',
      'family',
      'address-postalcode',
      'birthdate',
      'phone',
      'email',
      'gender',
    ],
  },
  Practitioner: {
    interactions: ['read', 'search', 'create'],
    searchParams: ['_id', 'identifier', 'given', 'family', 'name', 'active'],
  },
  QuestionnaireResponse: { interactions: ['read', 'search', 'update'], searchParams: ['_id', 'patient'] },
  RelatedPerson: {
    interactions: ['read', 'search', 'create', 'patch'],
    searchParams: ['_id', 'identifier', 'patient'],
  },
  Schedule: { interactions: ['read', 'search'], searchParams: ['_id'] },
  ServiceRequest: {
    interactions: ['read', 'search'],
    searchParams: ['_id', 'patient', 'subject', 'code', '_lastUpdated'],
  },
  Slot: { interactions: ['read', 'search', 'patch'], searchParams: ['_id', 'start', 'service-type'] },
};

const rules: PersonalityRules = {
  handle: async (context) => {
    const { resourceType, interaction } = context;
    const clinical = await cernerClinicalRules(context); // Condition/Observation create, appointment note
    if (clinical !== undefined) return clinical;
    if (resourceType === 'Slot' && interaction === 'search') return cernerSlotSearch(context);
    if (resourceType === 'Appointment' && interaction === 'create') return cernerCreateAppointment(context);
    if (resourceType === 'Appointment' && interaction === 'patch') return cernerPatchAppointment(context);
    if (resourceType === 'Coverage' && interaction === 'create') return cernerCreateCoverage(context);
    if (resourceType === 'Patient' && interaction === 'create') return cernerCreatePatient(context);
    return undefined;
  },
  requireIfMatch: ['patch'],
  missingIfMatchStatus: 412,
  staleVersionStatus: 409,
  firstVersionId: 0,
  maxPageSize: 200,
};

/** Slot's searchParam and searchInclude as Cerner's CapabilityStatement words them. */
const CERNER_SLOT_SEARCH_PARAMS: CapabilityStatementRestResourceSearchParam[] = [
  { name: '_id', definition: 'http://hl7.org/fhir/R4/SearchParameter/Resource-id', type: 'token' },
  {
    name: 'start',
    definition: 'http://hl7.org/fhir/R4/SearchParameter/Slot-date',
    type: 'date',
    documentation: "When provided, must use both 'lt' and 'ge' prefixes.",
  },
  {
    name: 'service-type',
    definition: 'http://hl7.org/fhir/R4/SearchParameter/Service-type',
    type: 'token',
    documentation:
      "A single or comma separated list of appointment types. Either '_id' or 'service-type' must be set.",
  },
  {
    name: 'schedule.actor',
    definition: 'http://hl7.org/fhir/R4/SearchParameter/Slot-schedule.actor',
    type: 'reference',
    documentation: 'A single or comma separated list of schedule actors. Must be Practitioner actors.',
  },
  {
    name: '-location',
    definition: 'http://hl7.org/fhir/R4/SearchParameter/Slot-location',
    type: 'reference',
    documentation: 'A single or comma separated list of Location references.',
  },
  { name: '_count', definition: 'http://hl7.org/fhir/R4/SearchParameter/Resource-count', type: 'number' },
];

function cernerCapabilityStatement(generated: CapabilityStatement): CapabilityStatement {
  return {
    ...generated,
    rest: generated.rest?.map((rest) => ({
      ...rest,
      resource: rest.resource?.map((resource) =>
        resource.type === 'Slot'
          ? {
              ...resource,
              searchInclude: ['Slot:schedule', 'Schedule:actor:Practitioner'],
              searchParam: CERNER_SLOT_SEARCH_PARAMS,
            }
          : resource,
      ),
    })),
  };
}

export const cernerPersonality: FhirPersonality = {
  name: 'cerner',
  prefix: CERNER_PREFIX,
  title: 'ehrgate sandbox: Cerner-like (Oracle Health Millennium) FHIR R4 server',
  fhirVersion: '4.0.1',
  resources,
  conditionalCreate: false,
  rules,
  tokenEndpoint: { path: CERNER_TOKEN_PATH, vendor: 'cerner' },
  capabilityStatement: cernerCapabilityStatement,
  smartConfiguration: (baseUrl) => {
    const tokenUrl = cernerTokenUrl(baseUrl);
    return {
      // Shape of cerner/cerner-smart-configuration.json (the secure R4 endpoint's document).
      issuer: tokenUrl.replace(/\/protocols\/oauth2\/profiles\/smart-v1\/token$/, ''),
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
      grant_types_supported: ['client_credentials'],
      // Cerner grants SMART v2 scopes to v2 clients (DESIGN.md section 5).
      scopes_supported: systemScopes(resources).filter((scope) => !/\.(read|write)$/.test(scope)),
      capabilities: ['client-confidential-asymmetric', 'client-confidential-symmetric', 'permission-v2'],
    };
  },
};
