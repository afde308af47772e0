// FHIR search: one page, every page (following Bundle.link[next], R4 http.html#paging), and the
// matched resources only (R4 search.html#mode: `match`, not `include` or `outcome`).
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import { FhirError } from './errors.ts';
import { expectResource } from './lib/expect.ts';
import { encodeSearchParams } from './lib/url.ts';
import { DEFAULT_SEARCH_MAX_PAGES } from './options.ts';
import type { Send } from './send.ts';
import type { FhirResponse, SearchAllOptions, SearchOptions, SearchParams } from './types.ts';

export async function searchPage<T extends Resource = Resource>(
  send: Send,
  type: string,
  params: SearchParams | undefined,
  opts: SearchOptions = {},
): Promise<Bundle<T>> {
  return expectResource<Bundle<T>>(
    await sendSearch(send, type, params, opts),
    opts.method ?? 'GET',
    'Bundle',
  );
}

function sendSearch(
  send: Send,
  type: string,
  params: SearchParams | undefined,
  opts: SearchOptions,
): Promise<FhirResponse> {
  const query = encodeSearchParams(params);
  if (opts.method === 'POST') return send('POST', `${type}/_search`, { body: query, signal: opts.signal });
  const qs = query.toString();
  return send('GET', qs === '' ? type : `${type}?${qs}`, { signal: opts.signal });
}

export async function searchAllPages<T extends Resource = Resource>(
  send: Send,
  type: string,
  params: SearchParams | undefined,
  opts: SearchAllOptions = {},
): Promise<Bundle<T>> {
  const maxPages = opts.maxPages ?? DEFAULT_SEARCH_MAX_PAGES;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new FhirError({
      kind: 'bad-request',
      method: opts.method ?? 'GET',
      path: type,
      neverSent: true,
      detail: `maxPages must be a positive integer, got ${maxPages}`,
    });
  }
  const firstResponse = await sendSearch(send, type, params, opts);
  const first = expectResource<Bundle<T>>(firstResponse, opts.method ?? 'GET', 'Bundle');
  const entry: BundleEntry<T>[] = [...(first.entry ?? [])];
  const origin = new URL(firstResponse.url).origin;
  const seen = new Set<string>();
  let next = nextLinkOf(first, firstResponse.url);
  for (let pages = 1; next !== undefined && pages < maxPages; pages++) {
    const refusal = refuseNext(next, origin, seen);
    if (refusal !== undefined) {
      throw new FhirError({
        kind: 'invalid-response',
        method: 'GET',
        path: next.pathname,
        neverSent: true,
        detail: refusal,
      });
    }
    seen.add(next.href);
    const response = await send('GET', next.href, { signal: opts.signal });
    const page = expectResource<Bundle<T>>(response, 'GET', 'Bundle');
    entry.push(...(page.entry ?? []));
    next = nextLinkOf(page, response.url);
  }
  const link: BundleLink[] = [];
  const self = first.link?.find((l) => l.relation === 'self');
  if (self !== undefined) link.push(self);
  if (next !== undefined) link.push({ relation: 'next', url: next.href });
  const merged: Bundle<T> = { resourceType: 'Bundle', type: 'searchset' };
  if (first.total !== undefined) merged.total = first.total;
  if (link.length > 0) merged.link = link;
  merged.entry = entry;
  return merged;
}

/**
 * Entries the search matched. search.mode is optional (R4 bundle-definitions.html#Bundle.entry.search.mode),
 * so an entry without it counts when its resource is of the searched type.
 */
export function matchedResources<T extends Resource>(bundle: Bundle, type: string): T[] {
  const out: T[] = [];
  for (const e of bundle.entry ?? []) {
    const resource = e.resource;
    if (resource === undefined) continue;
    const mode = e.search?.mode;
    if (mode === 'match' || (mode === undefined && resource.resourceType === type)) out.push(resource as T);
  }
  return out;
}

// FHIR requires absolute paging links (R4 http.html#paging); a relative one is resolved against
// the page it came from, as a browser would.
function nextLinkOf(bundle: Bundle, pageUrl: string): URL | undefined {
  const url = bundle.link?.find((l) => l.relation === 'next')?.url;
  if (typeof url !== 'string' || url === '') return undefined;
  try {
    return new URL(url, pageUrl);
  } catch {
    return undefined;
  }
}

function refuseNext(next: URL, origin: string, seen: ReadonlySet<string>): string | undefined {
  // The access token is bound to the EHR: never send it to another origin a Bundle names.
  if (next.origin !== origin)
    return `Bundle.link[next] points to another origin (${next.origin}); not followed`;
  // A server that hands back a link already followed would loop forever.
  if (seen.has(next.href)) return 'Bundle.link[next] repeats a page already read; not followed';
  return undefined;
}
