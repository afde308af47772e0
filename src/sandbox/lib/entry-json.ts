// The JSON bytes of a searchset Bundle entry, encoded once per stored resource. The store hands
// out deeply frozen objects and never changes one (a write stores a new object: fhir-store.ts),
// so bytes cached by object identity (lib/derived.ts) cannot go stale; a Bundle is then these
// bytes spliced together (search-bundle.ts encodeBundle) instead of JSON.stringify and UTF-8
// encoding of ~120 kB per Slot search, which measured ~0.35 ms of CPU per request.

import type { BundleEntry } from '@medplum/fhirtypes';
import { derivedFrom, ENTRY_KEY_PREFIX } from './derived.ts';

/**
 * Encodings kept per resource: its entry differs only by base URL (the request's Host) and
 * search mode, so a few cover every real client; past it the resource's cache starts over.
 */
const MAX_VARIANTS_PER_RESOURCE = 4;

/** `{fullUrl, resource, search: {mode}}` in that order, as buildSearchBundle writes an entry. */
function cacheKey(entry: BundleEntry): string | undefined {
  const { fullUrl, resource, search } = entry;
  if (typeof fullUrl !== 'string' || resource === undefined || !Object.isFrozen(resource)) return undefined;
  if (typeof search?.mode !== 'string' || Object.keys(search).length !== 1) return undefined;
  const keys = Object.keys(entry);
  if (keys.length !== 3 || keys[0] !== 'fullUrl' || keys[1] !== 'resource' || keys[2] !== 'search') {
    return undefined;
  }
  return `${ENTRY_KEY_PREFIX}${search.mode} ${fullUrl}`;
}

/** `Buffer.from(JSON.stringify(entry))`, remembered when the entry holds a stored resource. */
export function entryJson(entry: BundleEntry): Buffer {
  const key = cacheKey(entry);
  if (key === undefined) return Buffer.from(JSON.stringify(entry));
  const record = derivedFrom(entry.resource as object);
  let bytes = record.get(key) as Buffer | undefined;
  if (bytes === undefined) {
    const variants = [...record.keys()].filter((k) => k.startsWith(ENTRY_KEY_PREFIX));
    if (variants.length >= MAX_VARIANTS_PER_RESOURCE) for (const variant of variants) record.delete(variant);
    bytes = Buffer.from(JSON.stringify(entry));
    record.set(key, bytes);
  }
  return bytes;
}
