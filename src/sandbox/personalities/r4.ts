// The generic FHIR R4 personality at /fhir/R4: a plain, standards-following server such as HAPI
// or Medplum (DESIGN.md section 5, "fhir-r4" adapter): full CRUD and search on the scheduling,
// identity, intake and insurance resources, conditional create declared and honoured, SMART
// Backend Services with either a JWT assertion or a client secret.

import type { FhirInteraction, FhirPersonality, ResourceSupport } from '../personality.ts';
import { ALL_INTERACTIONS } from '../personality.ts';

export const R4_PREFIX = '/fhir/R4';

/** What the gateway's workflows touch (DESIGN.md section 1 and 5), all with every interaction. */
export const R4_RESOURCE_TYPES = [
  'Appointment',
  'Communication',
  'Condition',
  'Coverage',
  'DocumentReference',
  'Encounter',
  'Location',
  'Observation',
  'Organization',
  'Patient',
  'Practitioner',
  'PractitionerRole',
  'QuestionnaireResponse',
  'RelatedPerson',
  'Schedule',
  'ServiceRequest',
  'Slot',
  'Task',
] as const;

/** SMART v2 permission letters (SMART App Launch 2.0 scopes-and-launch-context.html) per interaction. */
const PERMISSION: Readonly<Record<FhirInteraction, string>> = {
  create: 'c',
  read: 'r',
  vread: 'r',
  update: 'u',
  patch: 'u',
  delete: 'd',
  search: 's',
};

/**
 * `system/` scopes a backend client may request here, v1 and v2 styles (SMART App Launch 2.0
 * scopes-and-launch-context.html#scopes-for-requesting-fhir-resources).
 */
export function systemScopes(resources: Readonly<Record<string, ResourceSupport>>): string[] {
  const scopes: string[] = [];
  for (const [type, support] of Object.entries(resources)) {
    const letters = 'cruds'
      .split('')
      .filter((letter) => support.interactions.some((i) => PERMISSION[i] === letter))
      .join('');
    if (letters.includes('r') || letters.includes('s')) scopes.push(`system/${type}.read`);
    if (/[cud]/.test(letters)) scopes.push(`system/${type}.write`);
    scopes.push(`system/${type}.${letters}`);
  }
  return scopes;
}

const resources: Record<string, ResourceSupport> = Object.fromEntries(
  R4_RESOURCE_TYPES.map((type) => [type, { interactions: ALL_INTERACTIONS }]),
);

export const r4Personality: FhirPersonality = {
  name: 'r4',
  prefix: R4_PREFIX,
  title: 'ehrgate sandbox: generic FHIR R4 server',
  fhirVersion: '4.0.1',
  resources,
  conditionalCreate: true,
  tokenEndpoint: { path: `${R4_PREFIX}/auth/token`, vendor: 'r4' },
  smartConfiguration: (baseUrl) => ({
    // SMART App Launch 2.0 conformance.html, Backend Services (backend-services.html).
    token_endpoint: `${baseUrl}/auth/token`,
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    grant_types_supported: ['client_credentials'],
    scopes_supported: systemScopes(resources),
    capabilities: [
      'client-confidential-asymmetric',
      'client-confidential-symmetric',
      'permission-v1',
      'permission-v2',
    ],
  }),
};
