// URL handling for one FHIR base (FHIR R4 http.html#general: [base]/[type]/[id]).
import type { SearchParams } from '../types.ts';

/** The base with exactly one trailing slash, so `new URL('Patient/1', base)` stays under it. */
export function baseForResolving(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/**
 * A path relative to the base (`Patient/1`, `Appointment/$find`) or an absolute URL. An absolute
 * URL on another origin is refused by the caller: the access token must never leave the EHR's
 * origin (SMART App Launch: tokens are bound to the FHIR server they were issued for).
 */
export function resolveRequestUrl(base: URL, path: string): URL {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return new URL(path);
  return new URL(path.replace(/^\/+/, ''), base);
}

export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin;
}

export function encodeSearchParams(params: SearchParams | undefined): URLSearchParams {
  if (params === undefined) return new URLSearchParams();
  if (params instanceof URLSearchParams) return new URLSearchParams(params);
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    // Arrays repeat the parameter (AND semantics), as Cerner's `start=ge..&start=lt..` needs
    // (FHIR R4 search.html#combining).
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) out.append(name, String(v));
  }
  return out;
}

/** FHIR R4 ids: [A-Za-z0-9\-\.]{1,64} (datatypes.html#id). Anything else must not reach a URL path. */
export function isFhirId(value: string): boolean {
  return /^[A-Za-z0-9\-.]{1,64}$/.test(value) && value !== '.' && value !== '..';
}

/**
 * An If-Match value: an ETag as the server sent it (`W/"3"`), or a bare versionId that is turned
 * into the weak ETag FHIR uses (R4 http.html#concurrency: ETag is W/"[versionId]").
 */
export function toEtag(versionOrEtag: string): string {
  return /^(W\/)?".*"$/.test(versionOrEtag) ? versionOrEtag : `W/"${versionOrEtag}"`;
}

/** versionId from an ETag such as W/"0". */
export function versionFromEtag(etag: string | undefined): string | undefined {
  const match = etag === undefined ? null : /^(?:W\/)?"(.*)"$/.exec(etag);
  return match?.[1];
}

/** id and versionId from a Location such as [base]/Appointment/123/_history/1 (R4 http.html#create). */
export function idFromLocation(
  location: string | undefined,
  type: string,
): { id?: string; versionId?: string } {
  if (location === undefined) return {};
  const match = new RegExp(
    `(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/([A-Za-z0-9\\-.]{1,64}))?/?(?:[?#]|$)`,
  ).exec(location);
  if (match === null) return {};
  return match[2] === undefined ? { id: match[1] } : { id: match[1], versionId: match[2] };
}
