// Cerner numbers a resource's versions from 0: a create answers `ETag: W/"0"` (DESIGN.md
// section 5), the store from 1. The shared routes shift versions through
// PersonalityRules.firstVersionId; the Cerner handlers that answer themselves use these.

import type { Resource } from '@medplum/fhirtypes';
import type { StoredResource } from '../fhir-store.ts';
import { fhirError } from '../lib/outcome.ts';

export function cernerVersionOf(resource: StoredResource): string {
  return String(Number(resource.meta.versionId) - 1);
}

export function cernerEtag(resource: StoredResource): string {
  return `W/"${cernerVersionOf(resource)}"`;
}

/** The resource with `meta.versionId` in Cerner's numbering (a copy; stored ones are frozen). */
export function asCerner<T extends Resource>(resource: StoredResource<T>): StoredResource<T> {
  return { ...resource, meta: { ...resource.meta, versionId: cernerVersionOf(resource) } };
}

/** The store version an `If-Match: W/"n"` names; undefined when the header is absent. */
export function storeVersionFromIfMatch(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (match === null)
    throw fhirError(400, 'invalid', `If-Match must be an ETag such as W/"0", got '${header}'`);
  return String(Number(match[1]) + 1);
}
