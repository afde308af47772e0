// Shared helpers for the sandbox tests: a pinned clinic date and a small FHIR fetch wrapper.

import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';

/**
 * Wednesday 5 March 2025, 10:30 in Knoxville: the 30-day slot window crosses the US switch to
 * daylight time on Sunday 9 March, so local clinic hours are checked on both sides of it.
 */
export const REFERENCE_DATE = new Date('2025-03-05T15:30:00Z');

export interface FhirAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** Sends a request and parses a JSON body when there is one. */
export async function call<T = unknown>(url: string, init: RequestInit = {}): Promise<FhirAnswer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

export function fhirJson(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/fhir+json', ...headers },
    body: JSON.stringify(body),
  };
}

export function isOperationOutcome(value: unknown): value is OperationOutcome {
  return (value as Resource | undefined)?.resourceType === 'OperationOutcome';
}

/** Follows `next` links from `url` and returns every matched resource, failing on a loop. */
export async function searchAll<T extends Resource>(
  url: string,
): Promise<{ resources: T[]; pages: number; total: number }> {
  const resources: T[] = [];
  const seen = new Set<string>();
  let next: string | undefined = url;
  let pages = 0;
  let total = -1;
  while (next !== undefined) {
    if (seen.has(next)) throw new Error(`paging loop at ${next}`);
    seen.add(next);
    const page: FhirAnswer<Bundle<T>> = await call<Bundle<T>>(next);
    if (page.status !== 200) throw new Error(`page ${next} answered ${page.status}`);
    pages += 1;
    total = page.body.total ?? -1;
    for (const entry of page.body.entry ?? []) {
      if (entry.search?.mode === 'match' && entry.resource !== undefined) resources.push(entry.resource);
    }
    next = page.body.link?.find((l) => l.relation === 'next')?.url;
  }
  return { resources, pages, total };
}
