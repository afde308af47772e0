// The CapabilityStatement a personality serves at `[base]/metadata` (R4 http.html#capabilities),
// generated from the personality definition and the search parameters search.ts can evaluate,
// so it never claims more than the routes do. Clients such as the gateway's fhir-r4 adapter read
// `conditionalCreate` and the search parameters from here (DESIGN.md section 5).

import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceInteraction,
} from '@medplum/fhirtypes';
import type { FhirInteraction, FhirPersonality } from './personality.ts';
import { evaluableSearchParameters } from './search.ts';

/** R4 CodeSystem restful-interaction: the sandbox's `search` is the type-level search. */
const INTERACTION_CODE: Readonly<
  Record<FhirInteraction, CapabilityStatementRestResourceInteraction['code']>
> = {
  read: 'read',
  vread: 'vread',
  search: 'search-type',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
};

export const SANDBOX_SOFTWARE_NAME = 'ehrgate sandbox EHR';
export const SANDBOX_SOFTWARE_VERSION = '0.1.0';

/** FHIR JSON forbids empty arrays (R4 json.html), so an empty list is left out. */
function nonEmpty<K extends string, T>(key: K, items: T[]): Partial<Record<K, T[]>> {
  return items.length === 0 ? {} : ({ [key]: items } as Record<K, T[]>);
}

function resourceEntry(personality: FhirPersonality, type: string): CapabilityStatementRestResource {
  const support = personality.resources[type];
  const allowed = support.searchParams === undefined ? undefined : new Set(support.searchParams);
  const params = support.interactions.includes('search') ? evaluableSearchParameters(type, allowed) : [];
  const writes = support.interactions.some((i) => i === 'create' || i === 'update' || i === 'patch');
  return {
    type: type as CapabilityStatementRestResource['type'],
    interaction: support.interactions.map((i) => ({ code: INTERACTION_CODE[i] })),
    versioning: writes ? 'versioned-update' : 'versioned',
    readHistory: false,
    updateCreate: support.interactions.includes('update'),
    conditionalCreate: personality.conditionalCreate && support.interactions.includes('create'),
    conditionalUpdate: false,
    conditionalDelete: 'not-supported',
    ...nonEmpty(
      'searchInclude',
      params.filter((p) => p.type === 'reference').map((p) => `${type}:${p.code}`),
    ),
    ...nonEmpty(
      'searchParam',
      params.map((p) => ({
        name: p.code as string,
        ...(p.url === undefined ? {} : { definition: p.url }),
        type: p.type,
      })),
    ),
  };
}

export function buildCapabilityStatement(
  personality: FhirPersonality,
  baseUrl: string,
  now: Date,
): CapabilityStatement {
  const smart = personality.smartConfiguration?.(baseUrl);
  const tokenEndpoint = typeof smart?.token_endpoint === 'string' ? smart.token_endpoint : undefined;
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: now.toISOString(),
    publisher: 'ehrgate',
    kind: 'instance',
    software: { name: SANDBOX_SOFTWARE_NAME, version: SANDBOX_SOFTWARE_VERSION },
    implementation: { description: personality.title, url: baseUrl },
    fhirVersion: personality.fhirVersion,
    format: ['json', 'application/fhir+json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        ...(tokenEndpoint === undefined
          ? {}
          : {
              security: {
                // SMART App Launch 2.0 conformance.html: the token URL in the oauth-uris extension.
                extension: [
                  {
                    url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                    extension: [{ url: 'token', valueUri: tokenEndpoint }],
                  },
                ],
                service: [
                  {
                    coding: [
                      {
                        system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                        code: 'SMART-on-FHIR',
                      },
                    ],
                  },
                ],
              },
            }),
        resource: Object.keys(personality.resources)
          .sort()
          .map((type) => resourceEntry(personality, type)),
        ...nonEmpty(
          'operation',
          (personality.operations ?? []).map((op) => ({
            name: op.name,
            definition: `${baseUrl}/OperationDefinition/${op.resourceType ?? 'system'}-${op.name}`,
          })),
        ),
      },
    ],
  };
}
