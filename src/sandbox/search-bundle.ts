// The searchset Bundle for a page of results (R4 bundle.html, search.html#return): absolute
// `self`/`next`/`previous` links that repeat the applied parameters with `_count` and `_offset`,
// `match` entries, `include` entries, and an `outcome` entry for parameters dropped under
// lenient handling. encodeBundle writes it as bytes from each entry's cached JSON.

import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { entryJson } from './lib/entry-json.ts';
import { outcome } from './lib/outcome.ts';
import type { SearchPage } from './search.ts';

function pageUrl(baseUrl: string, resourceType: string, page: SearchPage, offset: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of page.applied) params.append(key, value);
  params.set('_count', String(page.count));
  if (offset > 0) params.set('_offset', String(offset));
  return `${baseUrl}/${resourceType}?${params}`;
}

function entry(baseUrl: string, resource: Resource, mode: 'match' | 'include'): BundleEntry {
  return { fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode } };
}

export function buildSearchBundle(
  baseUrl: string,
  resourceType: string,
  page: SearchPage,
  options: { id: string; now: Date },
): Bundle {
  const link: BundleLink[] = [{ relation: 'self', url: pageUrl(baseUrl, resourceType, page, page.offset) }];
  if (page.count > 0 && page.offset + page.count < page.total) {
    link.push({ relation: 'next', url: pageUrl(baseUrl, resourceType, page, page.offset + page.count) });
  }
  if (page.count > 0 && page.offset > 0) {
    link.push({
      relation: 'previous',
      url: pageUrl(baseUrl, resourceType, page, Math.max(0, page.offset - page.count)),
    });
  }
  const entries: BundleEntry[] = [
    ...(page.warnings.length > 0
      ? [{ resource: outcome(...page.warnings), search: { mode: 'outcome' as const } }]
      : []),
    ...page.matches.map((r) => entry(baseUrl, r, 'match')),
    ...page.included.map((r) => entry(baseUrl, r, 'include')),
  ];
  return {
    resourceType: 'Bundle',
    id: options.id,
    meta: { lastUpdated: options.now.toISOString() },
    type: 'searchset',
    total: page.total,
    link,
    ...(entries.length === 0 ? {} : { entry: entries }),
  };
}

/**
 * `Buffer.from(JSON.stringify(bundle))`, byte for byte, with each entry copied from its cached
 * JSON (lib/entry-json.ts) instead of serialised again. Needs `entry` to be the Bundle's last
 * key, as buildSearchBundle writes it; any other Bundle is stringified whole.
 */
export function encodeBundle(bundle: Bundle): Buffer {
  const { entry, ...rest } = bundle;
  const keys = Object.keys(bundle);
  const whole = entry === undefined || keys[keys.length - 1] !== 'entry';
  const head = JSON.stringify(whole ? bundle : rest);
  const opening = whole ? head : `${head.slice(0, -1)}${head === '{}' ? '' : ','}"entry":[`;
  const entries = whole ? [] : entry.map(entryJson);
  const closing = whole ? '' : ']}';
  let length = Buffer.byteLength(opening) + closing.length + Math.max(0, entries.length - 1);
  for (const bytes of entries) length += bytes.length;
  const out = Buffer.allocUnsafe(length);
  let offset = out.write(opening, 0);
  for (let i = 0; i < entries.length; i++) {
    if (i > 0) offset = out.writeUInt8(0x2c, offset);
    out.set(entries[i], offset);
    offset += entries[i].length;
  }
  out.write(closing, offset);
  return out;
}
